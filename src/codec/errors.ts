/**
 * Errors of the payload encryption codec. Messages name key ids (labels, not secrets) and never contain
 * key material, payload bytes or plaintext.
 */

/** The configured keyring is unusable (bad entry, wrong key length, unknown active key...). */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}

/** A payload names a key id this process does not have: it was encrypted elsewhere or the key was dropped too early. */
export class UnknownEncryptionKeyError extends Error {
  override readonly name = 'UnknownEncryptionKeyError';
  constructor(readonly keyId: string | null) {
    super(
      keyId === null
        ? 'encrypted payload has no encryption-key-id metadata'
        : `encrypted payload uses key id "${keyId}", which is not in the keyring: add that key back to PAYLOAD_ENCRYPTION_KEYS`,
    );
  }
}

/** AES-GCM authentication failed: the ciphertext, IV or tag was altered, or the key under that id changed. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
  constructor(readonly keyId: string) {
    super(`encrypted payload (key id "${keyId}") failed authentication: it was altered or the key is wrong`);
  }
}
