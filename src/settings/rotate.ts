/**
 * `settings rotate-key`: re-encrypts every stored secret with the active key (the first of
 * SETTINGS_ENCRYPTION_KEYS), in one transaction. Once it ran, the older keys can be removed from the
 * list. A secret no listed key opens stops the rotation before anything is written.
 */
import type { SettingsWrite, Store } from '../store/types';
import type { SecretBox } from './secret-box';

export interface RotationReport {
  activeKeyId: string;
  /** Secrets re-encrypted, by the key that had sealed them. */
  byPreviousKey: Record<string, number>;
  total: number;
  /** Secrets no configured key opens (nothing was written then): "<connection> <path>: <reason>". */
  failures: string[];
}

export async function rotateSettingsKey(
  store: Pick<Store, 'connectionSettings'>,
  box: SecretBox,
  by = 'settings rotate-key',
): Promise<RotationReport> {
  const { result } = await store.connectionSettings.change<RotationReport>(async (snapshot) => {
    const report: RotationReport = { activeKeyId: box.activeKeyId, byPreviousKey: {}, total: 0, failures: [] };
    const put: NonNullable<SettingsWrite['put']> = [];
    for (const s of snapshot.settings) {
      if (!s.secret) continue;
      try {
        const clear = box.open(s.connectionId, s.path, s.secret);
        put.push({
          connectionId: s.connectionId,
          path: s.path,
          value: null,
          secret: box.seal(s.connectionId, s.path, clear),
        });
        report.byPreviousKey[s.secret.keyId] = (report.byPreviousKey[s.secret.keyId] ?? 0) + 1;
        report.total += 1;
      } catch (err) {
        report.failures.push((err as Error).message);
      }
    }
    if (report.failures.length > 0) return { write: null, result: { ...report, byPreviousKey: {}, total: 0 } };
    return { write: put.length > 0 ? { by, put } : null, result: report };
  });
  return result;
}
