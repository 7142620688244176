import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import fc from 'fast-check';
import {
  createEncryptionCodec,
  ENCRYPTED_ENCODING,
  generateKey,
  isEncryptedPayload,
  KEY_ID_METADATA,
  KeyringError,
  PayloadDecryptionError,
  UnknownEncryptionKeyError,
  type Keyring,
} from '../../src/codec';

const k1 = generateKey();
const k2 = generateKey();
const ringV1: Keyring = { keys: { k1 }, activeKeyId: 'k1' };
const ringV2: Keyring = { keys: { k2, k1 }, activeKeyId: 'k2' };

const SECRET = { name: 'Jane Roe', email: 'jane.roe@example.com', phone: '+31612345678' };
const plainPayload = (): Payload => defaultPayloadConverter.toPayload(SECRET);
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

async function encryptOne(ring: Keyring, p: Payload = plainPayload()): Promise<Payload> {
  const [out] = await createEncryptionCodec(ring).encode([p]);
  return out!;
}

describe('createEncryptionCodec', () => {
  it('round-trips a JSON payload and marks it encrypted with the active key id', async () => {
    const codec = createEncryptionCodec(ringV1);
    const [encrypted] = await codec.encode([plainPayload()]);
    expect(text(encrypted!.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted!.metadata?.[KEY_ID_METADATA])).toBe('k1');
    expect(Object.keys(encrypted!.metadata ?? {}).sort()).toEqual([KEY_ID_METADATA, METADATA_ENCODING_KEY].sort());
    expect(isEncryptedPayload(encrypted!)).toBe(true);
    const [decrypted] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decrypted!)).toEqual(SECRET);
    expect(text(decrypted!.metadata?.[METADATA_ENCODING_KEY])).toBe('json/plain');
  });

  it('hides the plaintext and the original encoding', async () => {
    const encrypted = await encryptOne(ringV1);
    const bytes = Buffer.from(encrypted.data!);
    for (const needle of ['jane', 'example.com', '31612345678', 'json/plain']) {
      expect(bytes.includes(Buffer.from(needle))).toBe(false);
    }
  });

  it('handles empty batches and payloads without data', async () => {
    const codec = createEncryptionCodec(ringV1);
    expect(await codec.encode([])).toEqual([]);
    const undef = defaultPayloadConverter.toPayload(undefined);
    const [back] = await codec.decode(await codec.encode([undef]));
    expect(defaultPayloadConverter.fromPayload(back!)).toBeUndefined();
  });

  it('uses a fresh IV per payload, so equal inputs never give equal ciphertexts', async () => {
    const codec = createEncryptionCodec(ringV1);
    const out = await codec.encode(Array.from({ length: 500 }, plainPayload));
    const ivs = new Set(out.map((p) => Buffer.from(p.data!).subarray(0, 12).toString('hex')));
    const blobs = new Set(out.map((p) => Buffer.from(p.data!).toString('hex')));
    expect(ivs.size).toBe(500);
    expect(blobs.size).toBe(500);
  });

  it('round-trips arbitrary payloads', async () => {
    const codec = createEncryptionCodec(ringV1);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.uint8Array({ maxLength: 40 }), { maxKeys: 4 }),
        fc.uint8Array({ maxLength: 2_000 }),
        async (metadata, data) => {
          const [enc] = await codec.encode([{ metadata, data }]);
          const [dec] = await codec.decode([enc!]);
          expect(Buffer.from(dec!.data ?? new Uint8Array())).toEqual(Buffer.from(data));
          const got = Object.fromEntries(Object.entries(dec!.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
          const want = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v)]));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 100 },
    );
  });

  describe('tampering', () => {
    it.each([
      ['the IV', 0],
      ['the ciphertext', 20],
      ['the tag', -1],
    ])('detects a flipped bit in %s', async (_part, index) => {
      const encrypted = await encryptOne(ringV1);
      const data = Buffer.from(encrypted.data!);
      const at = index < 0 ? data.length + index : index;
      data[at] = data[at]! ^ 0x01;
      await expect(createEncryptionCodec(ringV1).decode([{ ...encrypted, data }])).rejects.toBeInstanceOf(
        PayloadDecryptionError,
      );
    });

    it('detects truncation and an empty body', async () => {
      const encrypted = await encryptOne(ringV1);
      const codec = createEncryptionCodec(ringV1);
      const short = Buffer.from(encrypted.data!).subarray(0, 20);
      await expect(codec.decode([{ ...encrypted, data: short }])).rejects.toBeInstanceOf(PayloadDecryptionError);
      await expect(codec.decode([{ ...encrypted, data: null }])).rejects.toBeInstanceOf(PayloadDecryptionError);
    });

    it('detects a payload relabelled with another key id', async () => {
      const encrypted = await encryptOne(ringV1);
      const relabelled = { ...encrypted, metadata: { ...encrypted.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
      await expect(createEncryptionCodec(ringV2).decode([relabelled])).rejects.toThrow(/failed authentication/);
    });
  });

  describe('key rotation', () => {
    it('reads old payloads with the old key and writes new ones with the new active key', async () => {
      const old = await encryptOne(ringV1);
      const rotated = createEncryptionCodec(ringV2);
      const [fresh] = await rotated.encode([plainPayload()]);
      expect(text(fresh!.metadata?.[KEY_ID_METADATA])).toBe('k2');
      const decoded = await rotated.decode([old, fresh!]);
      expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([SECRET, SECRET]);
    });

    it('fails clearly, without key material, when a key id is not in the ring', async () => {
      const fresh = await encryptOne(ringV2);
      const err = await createEncryptionCodec(ringV1)
        .decode([fresh])
        .catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(UnknownEncryptionKeyError);
      expect((err as UnknownEncryptionKeyError).keyId).toBe('k2');
      expect((err as Error).message).toMatch(/"k2".*PAYLOAD_ENCRYPTION_KEYS/);
      expect((err as Error).message).not.toContain(k1.slice(0, 10));
      expect((err as Error).message).not.toContain(k2.slice(0, 10));
    });

    it('fails clearly when the key id metadata is missing', async () => {
      const encrypted = await encryptOne(ringV1);
      const { [KEY_ID_METADATA]: _dropped, ...metadata } = encrypted.metadata ?? {};
      await expect(createEncryptionCodec(ringV1).decode([{ ...encrypted, metadata }])).rejects.toThrow(
        /no encryption-key-id/,
      );
    });
  });

  it('passes payloads without the encrypted encoding through untouched', async () => {
    const plain = plainPayload();
    const binary: Payload = {
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from('binary/plain') },
      data: Buffer.from('x'),
    };
    const bare: Payload = { data: Buffer.from('no metadata') };
    const out = await createEncryptionCodec(ringV1).decode([plain, binary, bare]);
    expect(out[0]).toBe(plain);
    expect(out[1]).toBe(binary);
    expect(out[2]).toBe(bare);
  });

  it('refuses an unusable keyring at construction', () => {
    expect(() => createEncryptionCodec({ keys: {}, activeKeyId: 'k1' })).toThrow(KeyringError);
    expect(() => createEncryptionCodec({ keys: { k1: 'c2hvcnQ=' }, activeKeyId: 'k1' })).toThrow(KeyringError);
  });
});
