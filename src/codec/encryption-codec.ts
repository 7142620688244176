/**
 * Temporal PayloadCodec that encrypts every payload (workflow/activity inputs and results, signals,
 * queries, memos, failure details when encoded) with AES-256-GCM before it leaves the process, so the
 * Temporal server, its database and anyone reading history see only ciphertext.
 *
 * The whole serialized Payload (metadata + data) is encrypted, so even the original encoding is hidden.
 * Decoding picks the key by the `encryption-key-id` metadata, which is what makes rotation work.
 */
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { open, seal } from './aes-gcm';
import { PayloadDecryptionError, UnknownEncryptionKeyError } from './errors';
import { loadKeyring, type Keyring } from './keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const ProtoPayload = temporal.api.common.v1.Payload;

const utf8Encode = (s: string) => Buffer.from(s, 'utf8');
const utf8Decode = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

export interface EncryptionCodec extends PayloadCodec {
  /** Key id new payloads are encrypted with. */
  readonly activeKeyId: string;
}

export function isEncryptedPayload(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  return encoding !== undefined && encoding !== null && utf8Decode(encoding) === ENCRYPTED_ENCODING;
}

/** Throws KeyringError when the keyring is unusable, so a misconfiguration stops the process at start. */
export function createEncryptionCodec(keyring: Keyring): EncryptionCodec {
  const { activeKeyId, keys } = loadKeyring(keyring);
  const activeKey = keys.get(activeKeyId)!;
  const encodingBytes = utf8Encode(ENCRYPTED_ENCODING);
  const activeKeyIdBytes = utf8Encode(activeKeyId);

  const encryptOne = (payload: Payload): Payload => ({
    metadata: { [METADATA_ENCODING_KEY]: encodingBytes, [KEY_ID_METADATA]: activeKeyIdBytes },
    data: seal(ProtoPayload.encode(payload).finish(), activeKey),
  });

  const decryptOne = (payload: Payload): Payload => {
    // Payloads written before encryption was enabled (or by other codecs' clients) stay readable.
    if (!isEncryptedPayload(payload)) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const keyId = idBytes ? utf8Decode(idBytes) : null;
    const key = keyId === null ? undefined : keys.get(keyId);
    if (keyId === null || key === undefined) throw new UnknownEncryptionKeyError(keyId);
    const plaintext = open(payload.data ?? new Uint8Array(0), key);
    if (plaintext === null) throw new PayloadDecryptionError(keyId);
    return ProtoPayload.decode(plaintext);
  };

  return {
    activeKeyId,
    async encode(payloads) {
      return payloads.map(encryptOne);
    },
    async decode(payloads) {
      return payloads.map(decryptOne);
    },
  };
}
