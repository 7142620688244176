import {
  codecConfigFromEnv,
  generateKey,
  KeyringError,
  keyringEnvSchema,
  keyringSchema,
  loadKeyring,
  newKeyLine,
  parseKeyring,
  printNewKeyLine,
} from '../../src/codec';

const K1 = Buffer.alloc(32, 1).fill(7, 0, 1).toString('base64');
const K2 = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64');

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('parseKeyring', () => {
  it('makes the first entry the active key and keeps every key for decoding', () => {
    expect(parseKeyring(` k2:${K2} , k1:${K1} `)).toEqual({ activeKeyId: 'k2', keys: { k2: K2, k1: K1 } });
  });

  it('accepts URL-safe base64 and keys without padding', () => {
    const raw = Buffer.from(Array.from({ length: 32 }, (_, i) => 250 - i));
    const urlSafe = raw.toString('base64url');
    const ring = parseKeyring(`a:${urlSafe}`);
    expect(loadKeyring(ring).keys.get('a')).toEqual(raw);
  });

  it.each([
    ['empty', '', /at least one/],
    ['only commas', ' , ,', /at least one/],
    ['no colon', K1, /entry 1 is not of the form/],
    ['empty key id', `:${K1}`, /entry 1 is not of the form/],
    ['bad key id', `bad id!:${K1}`, /entry 1: the key id must be/],
    ['duplicate id', `k1:${K1},k1:${K2}`, /entry 2: key id "k1" is listed twice/],
    ['short key', `k1:${Buffer.alloc(16, 3).toString('base64')}`, /must be 32 random bytes/],
    ['long key', `k1:${Buffer.alloc(33, 3).toString('base64')}`, /must be 32 random bytes/],
    ['not base64', `k1:${'!'.repeat(44)}`, /must be 32 random bytes/],
    ['placeholder key', `k1:${Buffer.alloc(32, 0).toString('base64')}`, /placeholder/],
  ])('rejects %s with a KeyringError', (_case, value, message) => {
    const err = errorOf(() => parseKeyring(value));
    expect(err).toBeInstanceOf(KeyringError);
    expect(err.message).toMatch(message);
  });

  it('never echoes key material in its errors', () => {
    const secret = generateKey();
    const cases = [
      secret, // key without id
      `${secret}:${secret}`, // key pasted as the id
      `k1:${secret.slice(0, 30)}`, // truncated key
      `k1:${secret}x`, // wrong length
      `k1:${secret},k1:${secret}`,
    ];
    for (const value of cases) {
      const err = errorOf(() => parseKeyring(value));
      expect(err.message).not.toContain(secret.slice(0, 12));
    }
  });

  it('names the variable it parses', () => {
    expect(errorOf(() => parseKeyring('', 'MY_KEYS')).message).toMatch(/^MY_KEYS /);
  });
});

describe('loadKeyring and the config schemas', () => {
  it('rejects an active key id that is not in the ring', () => {
    expect(() => loadKeyring({ keys: { k1: K1 }, activeKeyId: 'k9' })).toThrow(/"k9" is not in the keyring/);
  });

  it('does not echo a malformed active key id (it may be a key pasted in the wrong field)', () => {
    const err = errorOf(() => loadKeyring({ keys: { k1: K1 }, activeKeyId: K2 }));
    expect(err.message).not.toContain(K2);
  });

  it('validates the JSON form without echoing values', () => {
    const ok = keyringSchema.safeParse({ keys: { k1: K1 }, activeKeyId: 'k1' });
    expect(ok.success).toBe(true);
    const bad = keyringSchema.safeParse({ keys: { k1: 'c2hvcnQ=' }, activeKeyId: 'k1' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).not.toContain('c2hvcnQ');
  });

  it('parses the env form as a zod transform', () => {
    expect(keyringEnvSchema.parse(`k1:${K1}`)).toEqual({ activeKeyId: 'k1', keys: { k1: K1 } });
    expect(keyringEnvSchema.safeParse('k1:nope').success).toBe(false);
  });

  it('reads the codec configuration from the environment', () => {
    expect(codecConfigFromEnv({})).toEqual({});
    const token = 't'.repeat(20);
    expect(
      codecConfigFromEnv({
        PAYLOAD_ENCRYPTION_KEYS: `k2:${K2},k1:${K1}`,
        CODEC_SERVER_TOKEN: token,
        CODEC_CORS_ORIGINS: 'https://ui.example.com/, http://localhost:8080',
      }),
    ).toEqual({
      encryption: { activeKeyId: 'k2', keys: { k2: K2, k1: K1 } },
      codecServer: { token, allowedOrigins: ['https://ui.example.com', 'http://localhost:8080'] },
    });
    expect(
      codecConfigFromEnv({ PAYLOAD_ENCRYPTION_KEYS: `k1:${K1}`, CODEC_SERVER_TOKEN: token }).codecServer
        ?.allowedOrigins,
    ).toEqual(['http://localhost:8233', 'http://127.0.0.1:8233']);
  });

  it('refuses a weak codec token or a codec server without keys, without echoing the token', () => {
    const err = errorOf(() =>
      codecConfigFromEnv({ PAYLOAD_ENCRYPTION_KEYS: `k1:${K1}`, CODEC_SERVER_TOKEN: 'short-tok' }),
    );
    expect(err.message).toMatch(/^CODEC_SERVER_TOKEN must be at least 16/);
    expect(err.message).not.toContain('short-tok');
    expect(() => codecConfigFromEnv({ CODEC_SERVER_TOKEN: 'x'.repeat(32) })).toThrow(/PAYLOAD_ENCRYPTION_KEYS is not/);
    expect(() =>
      codecConfigFromEnv({
        PAYLOAD_ENCRYPTION_KEYS: `k1:${K1}`,
        CODEC_SERVER_TOKEN: 'x'.repeat(32),
        CODEC_CORS_ORIGINS: 'https://ui.example.com/path',
      }),
    ).toThrow(/^CODEC_CORS_ORIGINS/);
  });
});

describe('key generation', () => {
  it('generates distinct 32-byte keys that parse back', () => {
    const keys = new Set(Array.from({ length: 50 }, generateKey));
    expect(keys.size).toBe(50);
    for (const k of keys) expect(Buffer.from(k, 'base64')).toHaveLength(32);
  });

  it('prints one PAYLOAD_ENCRYPTION_KEYS entry on stdout and the advice elsewhere', () => {
    const out: string[] = [];
    const err: string[] = [];
    const line = printNewKeyLine({ keyId: 'k2030', out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(out).toEqual([line]);
    expect(line).toMatch(/^k2030:[A-Za-z0-9+/]{43}=$/);
    expect(parseKeyring(line).activeKeyId).toBe('k2030');
    expect(err.join('\n')).toMatch(/FIRST in PAYLOAD_ENCRYPTION_KEYS/);
    expect(err.join('\n')).not.toContain(line.slice(6));
  });

  it('defaults the key id to the date', () => {
    expect(newKeyLine()).toMatch(/^k\d{8}:/);
    expect(() => newKeyLine('has space')).toThrow(KeyringError);
  });
});
