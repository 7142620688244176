/**
 * Encryption of the secrets edited in the console: AES-256-GCM, the blob laid out as src/codec/aes-gcm.ts
 * lays it out (IV || ciphertext || tag), with keys in the keyring format of src/codec/keyring.ts
 * (SETTINGS_ENCRYPTION_KEYS="k2:<base64>,k1:<base64>", first = active; every key decrypts, so a rotation
 * keeps old rows readable until `settings rotate-key` re-encrypts them). The associated data binds a
 * ciphertext to its (connection, path): a blob copied to another row does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { IV_BYTES, TAG_BYTES } from '../codec/aes-gcm';
import {
  defaultKeyId,
  generateKey,
  loadKeyring,
  parseKeyring,
  type Keyring,
  type LoadedKeyring,
} from '../codec/keyring';
import type { AppConfig } from '../config/schema';

const ALGORITHM = 'aes-256-gcm';
/** Versions the associated data, so its layout can change without ambiguity. */
const AAD_PREFIX = 'cks-setting-v1';

export class SettingsKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsKeyError';
  }
}

export interface SealedSecret {
  /** base64 of IV || ciphertext || tag */
  ciphertext: string;
  keyId: string;
}

function aad(connectionId: string, settingPath: string): Buffer {
  return Buffer.from(JSON.stringify([AAD_PREFIX, connectionId, settingPath]), 'utf8');
}

export class SecretBox {
  private readonly keyring: LoadedKeyring;

  constructor(keyring: Keyring) {
    this.keyring = loadKeyring(keyring);
  }

  get activeKeyId(): string {
    return this.keyring.activeKeyId;
  }

  seal(connectionId: string, settingPath: string, plaintext: string): SealedSecret {
    const key = this.keyring.keys.get(this.keyring.activeKeyId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(connectionId, settingPath));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64'), keyId: this.activeKeyId };
  }

  /** Throws SettingsKeyError (naming the key id and the setting, never the value) when it cannot. */
  open(connectionId: string, settingPath: string, sealed: SealedSecret): string {
    const key = this.keyring.keys.get(sealed.keyId);
    if (!key) {
      throw new SettingsKeyError(
        `the secret ${settingPath} of connection "${connectionId}" was encrypted with key "${sealed.keyId}", which SETTINGS_ENCRYPTION_KEYS does not list`,
      );
    }
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    const failed = new SettingsKeyError(
      `the secret ${settingPath} of connection "${connectionId}" does not decrypt with key "${sealed.keyId}" (wrong key, or the row was altered)`,
    );
    if (bytes.length < IV_BYTES + TAG_BYTES) throw failed;
    try {
      const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(connectionId, settingPath));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw failed;
    }
  }
}

/** Where an embedded install keeps its generated settings key. */
export function settingsKeyFile(config: Pick<AppConfig, 'dataDir'>): string {
  return path.join(path.resolve(config.dataDir), 'settings-key');
}

export interface SecretBoxChoice {
  box: SecretBox | null;
  /** The generated key's file, when the key came from the data dir. */
  file: string | null;
  /** Why secrets cannot be stored (no box). */
  unavailable?: string;
}

export const NO_KEY_MESSAGE =
  'secrets cannot be stored in the console: set SETTINGS_ENCRYPTION_KEYS (see docs/configuration.md)';

/**
 * The keys: SETTINGS_ENCRYPTION_KEYS (settingsEncryption) when configured; else, for an embedded install
 * (a local data dir), one generated once into <dataDir>/settings-key (mode 0600), as the admin token is;
 * else none, and storing a secret is refused (never stored in clear).
 */
export function secretBoxFor(
  config: Pick<AppConfig, 'settingsEncryption' | 'dataDir'>,
  embedded: boolean,
): SecretBoxChoice {
  if (config.settingsEncryption) return { box: new SecretBox(config.settingsEncryption), file: null };
  const file = settingsKeyFile(config);
  if (fs.existsSync(file)) {
    return { box: new SecretBox(parseKeyFile(fs.readFileSync(file, 'utf8'))), file };
  }
  if (!embedded) return { box: null, file: null, unavailable: NO_KEY_MESSAGE };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, `${defaultKeyId()}:${generateKey()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process of this install wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return { box: new SecretBox(parseKeyFile(fs.readFileSync(file, 'utf8'))), file };
}

/** The key file: one `<key id>:<base64 key>` per line, the first active (the env form, one per line). */
function parseKeyFile(text: string): Keyring {
  return parseKeyring(text.split('\n').join(','), 'the settings key file');
}
