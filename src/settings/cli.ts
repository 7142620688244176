/**
 * `settings rotate-key`: re-encrypts every secret stored in the console with the active settings key.
 *
 *   SETTINGS_ENCRYPTION_KEYS="k2:<new>,k1:<old>"  ->  settings rotate-key  ->  SETTINGS_ENCRYPTION_KEYS="k2:<new>"
 *
 * On an embedded install whose key was generated into <dataDir>/settings-key, the command first adds a
 * new key at the top of that file (the old one stays listed, so a failed run loses nothing).
 * Runs against the store directly (PGlite: stop `start` first, it holds the data dir).
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultKeyId, generateKey } from '../codec/keyring';
import type { AppConfig } from '../config/schema';
import { openStore } from '../store';
import { rotateSettingsKey } from './rotate';
import { secretBoxFor, settingsKeyFile } from './secret-box';

const USAGE = 'usage: settings rotate-key';

export async function runSettingsCommand(argv: string[], config: AppConfig): Promise<number> {
  if (argv[0] !== 'rotate-key' || argv.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const embedded = config.database.url === undefined;
  if (!config.settingsEncryption) {
    const file = settingsKeyFile(config);
    if (!embedded || !fs.existsSync(file)) {
      console.error('No settings key: set SETTINGS_ENCRYPTION_KEYS (the new key first, then the old ones).');
      return 78;
    }
    const lines = fs.readFileSync(file, 'utf8').trim();
    const id = uniqueKeyId(lines);
    fs.writeFileSync(file, `${id}:${generateKey()}\n${lines}\n`, { mode: 0o600 });
    console.log(`Added key "${id}" to ${file} (the older keys stay listed until you remove them).`);
  }
  const { box } = secretBoxFor(config, false);
  if (!box) {
    console.error('No settings key: set SETTINGS_ENCRYPTION_KEYS.');
    return 78;
  }
  const store = await openStore(
    config.database.url
      ? { databaseUrl: config.database.url }
      : { pgliteDir: path.join(path.resolve(config.dataDir), 'pglite') },
  );
  try {
    await store.migrate();
    const report = await rotateSettingsKey(store, box);
    if (report.failures.length > 0) {
      console.error(`Nothing re-encrypted: ${report.failures.length} secret(s) cannot be opened with the listed keys:`);
      for (const f of report.failures) console.error(`  ${f}`);
      return 1;
    }
    const by = Object.entries(report.byPreviousKey)
      .map(([id, n]) => `${n} from "${id}"`)
      .join(', ');
    console.log(
      `Re-encrypted ${report.total} secret(s) with key "${report.activeKeyId}"${by ? ` (${by})` : ''}. Keys other than "${report.activeKeyId}" can now be removed.`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** A date-based id not yet in the key file (a second rotation the same day gets a suffix). */
function uniqueKeyId(lines: string): string {
  const taken = new Set(lines.split('\n').map((l) => l.slice(0, l.indexOf(':'))));
  const base = defaultKeyId();
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!taken.has(id)) return id;
  }
}
