/**
 * A copy of the configuration that is safe to log. Every secret becomes "***":
 *
 * - per connection: the Krayin token, the Chatwoot API token, the webhook secret and the webhook URL
 *   token, the Krayin hint URL token, and the connection's own notification secrets;
 * - service-wide: the Temporal API key and a client key given as PEM text (paths stay), the admin
 *   token, the metrics token, the payload encryption keys (the key ids stay:
 *   they are labels, stored in clear in payload metadata anyway), the codec server token and the
 *   notification secrets;
 * - notification secrets: a Slack-compatible webhook URL keeps only its origin (the path is the
 *   secret), an SMTP login keeps its user name but not its password;
 * - a database URL keeps everything but its password.
 *
 * Settings that are unset stay unset: nothing is invented.
 */
import type { NotificationsConfig } from '../notify/config';
import type { AppConfig } from './schema';

export const REDACTED = '***';

export function redactConfig(config: AppConfig): AppConfig {
  const copy = structuredClone(config);
  if (copy.database.url !== undefined) copy.database.url = redactUrlPassword(copy.database.url);
  if (copy.temporal.apiKey !== undefined) copy.temporal.apiKey = REDACTED;
  const clientKey = copy.temporal.tls?.clientKey;
  if (clientKey?.data !== undefined) clientKey.data = REDACTED;
  if (copy.adminToken !== undefined) copy.adminToken = REDACTED;
  if (copy.metrics.token !== undefined) copy.metrics.token = REDACTED;
  const keyring = copy.codec.encryption;
  if (keyring) for (const id of Object.keys(keyring.keys)) keyring.keys[id] = REDACTED;
  const settingsKeys = copy.settingsEncryption;
  if (settingsKeys) for (const id of Object.keys(settingsKeys.keys)) settingsKeys.keys[id] = REDACTED;
  if (copy.codec.codecServer) {
    copy.codec.codecServer.token = REDACTED;
    if (copy.codec.codecServer.uiPathToken !== undefined) copy.codec.codecServer.uiPathToken = REDACTED;
  }
  redactNotifications(copy.notifications);
  for (const c of copy.connections) {
    c.krayin.token = REDACTED;
    c.chatwoot.apiToken = REDACTED;
    if (c.chatwoot.webhookSecret !== undefined) c.chatwoot.webhookSecret = REDACTED;
    if (c.chatwoot.webhookToken !== undefined) c.chatwoot.webhookToken = REDACTED;
    if (c.krayinHooks.token !== undefined) c.krayinHooks.token = REDACTED;
    if (c.dashboardApp.token !== undefined) c.dashboardApp.token = REDACTED;
    redactNotifications(c.notifications);
  }
  return copy;
}

/** Masks the channel secrets of one notification set, in place (the argument is already a copy). */
function redactNotifications(notifications: NotificationsConfig | undefined): void {
  if (!notifications) return;
  if (notifications.slack) notifications.slack.webhookUrl = redactWebhookUrl(notifications.slack.webhookUrl);
  if (notifications.email?.pass !== undefined) notifications.email.pass = REDACTED;
}

/**
 * https://hooks.slack.com/services/T0/B0/XXXX -> https://hooks.slack.com/***: an incoming webhook URL
 * is a bearer credential in itself, so only the origin (which receiver) is kept.
 */
export function redactWebhookUrl(url: string): string {
  try {
    const origin = new URL(url).origin;
    return /^https?:\/\/[^/]+$/i.test(origin) ? `${origin}/${REDACTED}` : REDACTED;
  } catch {
    return REDACTED;
  }
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
