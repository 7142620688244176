/** Secrets edited in the console: AES-256-GCM bound to (connection, path), key rotation, key sources. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKey } from '../../src/codec/keyring';
import { NO_KEY_MESSAGE, SecretBox, secretBoxFor, settingsKeyFile } from '../../src/settings/secret-box';

const K1 = generateKey();
const K2 = generateKey();
const SECRET = '7|the-krayin-token-value';

describe('SecretBox', () => {
  const box = new SecretBox({ activeKeyId: 'k1', keys: { k1: K1 } });

  it('round-trips a secret and never holds it in clear', () => {
    const sealed = box.seal('acme', 'krayin.token', SECRET);
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext).not.toContain(SECRET);
    expect(Buffer.from(sealed.ciphertext, 'base64').toString('latin1')).not.toContain('krayin-token');
    expect(box.open('acme', 'krayin.token', sealed)).toBe(SECRET);
    // A fresh IV each time.
    expect(box.seal('acme', 'krayin.token', SECRET).ciphertext).not.toBe(sealed.ciphertext);
  });

  it('binds the ciphertext to its connection and path: a copied blob does not open', () => {
    const sealed = box.seal('acme', 'krayin.token', SECRET);
    expect(() => box.open('other', 'krayin.token', sealed)).toThrow(/does not decrypt/);
    expect(() => box.open('acme', 'chatwoot.apiToken', sealed)).toThrow(/does not decrypt/);
  });

  it('refuses a wrong key and names the key id, never the value', () => {
    const sealed = box.seal('acme', 'krayin.token', SECRET);
    const wrong = new SecretBox({ activeKeyId: 'k1', keys: { k1: K2 } });
    expect(() => wrong.open('acme', 'krayin.token', sealed)).toThrow(/key "k1" \(wrong key/);
    const other = new SecretBox({ activeKeyId: 'k2', keys: { k2: K2 } });
    let message = '';
    try {
      other.open('acme', 'krayin.token', sealed);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/encrypted with key "k1", which SETTINGS_ENCRYPTION_KEYS does not list/);
    expect(message).not.toContain(SECRET);
  });

  it('rejects a tampered blob', () => {
    const sealed = box.seal('acme', 'krayin.token', SECRET);
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    expect(() => box.open('acme', 'krayin.token', { ...sealed, ciphertext: bytes.toString('base64') })).toThrow(
      /does not decrypt/,
    );
  });

  it('after a rotation the new active key seals and the old one still opens', () => {
    const old = box.seal('acme', 'krayin.token', SECRET);
    const rotated = new SecretBox({ activeKeyId: 'k2', keys: { k2: K2, k1: K1 } });
    expect(rotated.open('acme', 'krayin.token', old)).toBe(SECRET);
    expect(rotated.seal('acme', 'krayin.token', SECRET).keyId).toBe('k2');
  });
});

describe('secretBoxFor', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cks-settings-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses SETTINGS_ENCRYPTION_KEYS when configured (and writes no file)', () => {
    const choice = secretBoxFor({ dataDir: dir, settingsEncryption: { activeKeyId: 'k2', keys: { k2: K2 } } }, true);
    expect(choice.box?.activeKeyId).toBe('k2');
    expect(choice.file).toBeNull();
    expect(() => statSync(settingsKeyFile({ dataDir: dir }))).toThrow();
  });

  it('embedded without keys: generates one key into <dataDir>/settings-key (0600) and reuses it', () => {
    const first = secretBoxFor({ dataDir: dir }, true);
    const file = settingsKeyFile({ dataDir: dir });
    expect(first.file).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^k\d{8}:[A-Za-z0-9+/]{43}=\n$/);
    const sealed = first.box!.seal('c', 'krayin.token', SECRET);
    const again = secretBoxFor({ dataDir: dir }, true);
    expect(again.box!.open('c', 'krayin.token', sealed)).toBe(SECRET);
  });

  it('neither keys nor an embedded install: no box, with the reason to show', () => {
    const choice = secretBoxFor({ dataDir: dir }, false);
    expect(choice.box).toBeNull();
    expect(choice.unavailable).toBe(NO_KEY_MESSAGE);
  });
});
