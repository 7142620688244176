/**
 * Raw-body helpers for the webhook route. The body stays bytes until the signature is checked:
 * the HMAC is defined over the exact bytes Chatwoot sent.
 */
import { createHash } from 'node:crypto';

/** `application/json` or any `application/*+json`; a charset, if given, must be UTF-8. */
export function checkJsonContentType(header: string | undefined): 'ok' | 'not_json' | 'charset_unsupported' {
  if (!header) return 'not_json';
  const [mediaType = '', ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  const isJson = mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
  if (!isJson) return 'not_json';
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8' ? 'ok' : 'charset_unsupported';
}

export type JsonObjectResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; reason: 'invalid_json' | 'not_an_object' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict: invalid UTF-8 is rejected rather than silently replaced, and only a JSON object is a webhook body. */
export function parseJsonObject(rawBody: Buffer): JsonObjectResult {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(rawBody));
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not_an_object' };
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Chatwoot >= 4.11.2 always sends X-Chatwoot-Delivery (a UUID). Older versions send none; the
 * digest of the exact bytes then stands in, because a byte-identical body can only be the same
 * delivery repeated (every real event differs at least in its timestamps), so deduping it is safe,
 * and the workflow re-reads current state anyway.
 */
export function bodyDeliveryId(rawBody: Buffer): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** A UUID in practice; anything printable and short is kept (it is stored and logged). */
export function isAcceptableDeliveryId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(id);
}

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/**
 * "1mb", "16kb", "1.5MB", "2048" -> bytes. Parsed here rather than by body-parser because body-parser
 * turns an unparsable limit into *no* limit; a typo in the config must fail at start-up instead.
 */
export function parseByteSize(size: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(size);
  const bytes = m?.[1] ? Math.floor(Number(m[1]) * (BYTE_UNITS[(m[2] ?? 'b').toLowerCase()] ?? NaN)) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1) throw new Error(`bodyLimit must be a size such as "1mb" or "64kb"`);
  return bytes;
}
