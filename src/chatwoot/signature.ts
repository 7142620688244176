/**
 * Chatwoot webhook signatures (src/chatwoot/README.md §4, since v4.11.2):
 *   X-Chatwoot-Timestamp: <unix seconds>
 *   X-Chatwoot-Signature: sha256=<lowercase hex HMAC-SHA256(key = secret, "<timestamp>.<raw body bytes>")>
 * The HMAC covers the exact bytes received: re-serialised JSON never matches (Rails escapes <, >, &
 * as \u003c... and key order is jsonb's), and an HMAC over the body alone never matches either (#13809).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-chatwoot-signature';
export const TIMESTAMP_HEADER = 'x-chatwoot-timestamp';
export const DELIVERY_HEADER = 'x-chatwoot-delivery';

/** Chatwoot's documented receiver window. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type SignatureFailure =
  | 'missing_signature'
  | 'malformed_signature'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'stale_timestamp'
  | 'bad_signature';

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

export interface VerifyWebhookInput {
  secret: string;
  rawBody: Buffer;
  /** Header values as received (undefined when absent). */
  signature: string | undefined;
  timestamp: string | undefined;
  /** Allowed clock difference in either direction; default 300 s. */
  toleranceSeconds?: number;
  /** Injectable clock for tests; default Date.now. */
  nowMs?: () => number;
}

const SIGNATURE_FORMAT = /^sha256=([0-9a-fA-F]{64})$/;
const TIMESTAMP_FORMAT = /^\d{1,15}$/;

function hmacDigest(secret: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** Header value Chatwoot would send for this body and timestamp (tests, fakes, replay tools). */
export function signWebhook(secret: string, rawBody: Buffer | string, timestampSec: number): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return `sha256=${hmacDigest(secret, String(timestampSec), body).toString('hex')}`;
}

export function verifyWebhookSignature(input: VerifyWebhookInput): SignatureCheck {
  const { signature, timestamp } = input;
  if (signature === undefined || signature === '') return { ok: false, reason: 'missing_signature' };
  const match = SIGNATURE_FORMAT.exec(signature.trim());
  if (!match?.[1]) return { ok: false, reason: 'malformed_signature' };
  if (timestamp === undefined || timestamp === '') return { ok: false, reason: 'missing_timestamp' };
  const ts = timestamp.trim();
  if (!TIMESTAMP_FORMAT.test(ts)) return { ok: false, reason: 'malformed_timestamp' };

  // The window bounds replays of a captured delivery; checked before the HMAC because it is free.
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSec = Math.floor((input.nowMs ?? Date.now)() / 1000);
  if (Math.abs(nowSec - Number(ts)) > tolerance) return { ok: false, reason: 'stale_timestamp' };

  const expected = hmacDigest(input.secret, ts, input.rawBody);
  const received = Buffer.from(match[1], 'hex');
  // Both are 32 bytes (the format check guarantees the received length), as timingSafeEqual requires.
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true };
}
