/**
 * AES-256-GCM over bytes. Layout of a sealed blob: IV (12 bytes) || ciphertext || tag (16 bytes), the
 * same as WebCrypto's output with the IV prepended, as Temporal's encryption samples use, so payloads
 * stay readable by a codec written in another SDK.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

export function seal(plaintext: Uint8Array, key: Buffer): Buffer {
  // A random 96-bit IV per payload: GCM breaks badly if an IV repeats under one key.
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Returns null when authentication fails (tampered, truncated or wrong key): the caller names the error. */
export function open(sealed: Uint8Array, key: Buffer): Buffer | null {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null;
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const iv = bytes.subarray(0, IV_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
}
