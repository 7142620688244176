/**
 * A copy of the configuration that is safe to log: API tokens and webhook secrets become "***",
 * and a database URL keeps everything but its password.
 */
import type { AppConfig } from './schema';

export const REDACTED = '***';

export function redactConfig(config: AppConfig): AppConfig {
  const copy = structuredClone(config);
  if (copy.database.url !== undefined) copy.database.url = redactUrlPassword(copy.database.url);
  for (const c of copy.connections) {
    c.krayin.token = REDACTED;
    c.chatwoot.apiToken = REDACTED;
    if (c.chatwoot.webhookSecret !== undefined) c.chatwoot.webhookSecret = REDACTED;
  }
  return copy;
}

/**
 * postgres://user:secret@host/db -> postgres://user:***@host/db, and `password=` query parameters
 * (libpq accepts them) masked too.
 */
export function redactUrlPassword(url: string): string {
  // Greedy up to the last "@" before the path, so a password containing a raw "@" is masked whole.
  const withUser = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (_, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    return colon < 0 ? `${scheme}${userInfo}@` : `${scheme}${userInfo.slice(0, colon)}:${REDACTED}@`;
  });
  return withUser.replace(/([?&]password=)[^&#]*/gi, `$1${REDACTED}`);
}
