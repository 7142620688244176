/**
 * Encryption keys for Temporal payloads. Several keys can be configured so a rotation never makes old
 * history unreadable: the active key encrypts new payloads, every listed key decrypts.
 *
 * Env form: PAYLOAD_ENCRYPTION_KEYS="k2:<base64 32 bytes>,k1:<base64 32 bytes>" (first entry = active).
 * Errors name the entry position or key id only: an entry that fails to parse may be raw key material.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { KeyringError } from './errors';

export const KEY_BYTES = 32;
export const KEYRING_ENV = 'PAYLOAD_ENCRYPTION_KEYS';

/** Key ids end up in payload metadata (visible in history): short labels, never secrets. */
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const KEY_ID_RULE = '1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit';
/** Standard or URL-safe alphabet, optional padding. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Keys as configured: key id -> base64 of 32 random bytes. */
export interface Keyring {
  keys: Record<string, string>;
  activeKeyId: string;
}

/** A validated keyring with decoded keys, as the codec uses it. */
export interface LoadedKeyring {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Decodes and checks one key; `label` says where it came from, never what it is. */
function decodeKey(base64: string, label: string): Buffer {
  const trimmed = base64.trim();
  const bytes = BASE64.test(trimmed) ? Buffer.from(trimmed, 'base64') : null;
  if (bytes === null || bytes.length !== KEY_BYTES) {
    throw new KeyringError(
      `${label} must be ${KEY_BYTES} random bytes in base64 (44 characters); generate one with generateKey()`,
    );
  }
  // An all-equal key ("AAAA...=") is a placeholder someone forgot to replace, not a random key.
  if (bytes.every((b) => b === bytes[0])) throw new KeyringError(`${label} is a placeholder, not a random key`);
  return bytes;
}

export function loadKeyring(keyring: Keyring): LoadedKeyring {
  const keys = new Map<string, Buffer>();
  for (const [id, value] of Object.entries(keyring.keys)) {
    if (!KEY_ID.test(id)) throw new KeyringError(`a key id must be ${KEY_ID_RULE}`);
    keys.set(id, decodeKey(value, `key "${id}"`));
  }
  if (keys.size === 0) throw new KeyringError('the keyring has no keys');
  // Checked before echoing it: a misplaced value here could be key material.
  if (!KEY_ID.test(keyring.activeKeyId)) throw new KeyringError(`the active key id must be ${KEY_ID_RULE}`);
  if (!keys.has(keyring.activeKeyId)) {
    throw new KeyringError(`the active key id "${keyring.activeKeyId}" is not in the keyring`);
  }
  return { activeKeyId: keyring.activeKeyId, keys };
}

/** Parses the env form; the first entry is the active key. Throws KeyringError. */
export function parseKeyring(value: string | undefined, envName = KEYRING_ENV): Keyring {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new KeyringError(`${envName} must list at least one <key id>:<base64 key> entry`);
  const keys: Record<string, string> = {};
  entries.forEach((entry, index) => {
    const where = `${envName} entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new KeyringError(`${where} is not of the form <key id>:<base64 key>`);
    const id = entry.slice(0, colon).trim();
    if (!KEY_ID.test(id)) throw new KeyringError(`${where}: the key id must be ${KEY_ID_RULE}`);
    if (Object.hasOwn(keys, id)) throw new KeyringError(`${where}: key id "${id}" is listed twice`);
    decodeKey(entry.slice(colon + 1), `${where} (key id "${id}")`);
    keys[id] = entry.slice(colon + 1).trim();
  });
  const activeKeyId = entries[0]!.slice(0, entries[0]!.indexOf(':')).trim();
  return { keys, activeKeyId };
}

/** The JSON-config form of a keyring; messages never contain the values. */
export const keyringSchema = z
  .object({
    keys: z.record(z.string(), z.string({ error: 'must be a base64 key' }), {
      error: 'must be an object of key id -> base64 key',
    }),
    activeKeyId: z.string({ error: 'must be a key id' }),
  })
  .superRefine((k, ctx) => {
    try {
      loadKeyring(k);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof KeyringError ? err.message : 'invalid keyring' });
    }
  });

/** The env form as a zod schema (string -> Keyring), for the config loader. */
export const keyringEnvSchema = z.string({ error: 'must be <key id>:<base64 key>[,...]' }).transform((value, ctx) => {
  try {
    return parseKeyring(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof KeyringError ? err.message : 'invalid keyring' });
    return z.NEVER;
  }
});

/** A fresh random AES-256 key, base64. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** A date-based key id (k20250131) sorts by age, which makes rotation history obvious. */
export function defaultKeyId(now: Date = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** One `<key id>:<base64 key>` entry for PAYLOAD_ENCRYPTION_KEYS. */
export function newKeyLine(keyId: string = defaultKeyId()): string {
  if (!KEY_ID.test(keyId)) throw new KeyringError(`a key id must be ${KEY_ID_RULE}`);
  return `${keyId}:${generateKey()}`;
}
