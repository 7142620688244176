/**
 * Notification settings, per connection (the environment loader builds one set, used for the "default"
 * connection or as the fallback for all). Messages never contain the values: the Slack URL and the SMTP
 * password are secrets.
 *
 *   SLACK_WEBHOOK_URL  Slack/Mattermost/Rocket.Chat incoming webhook URL
 *   SLACK_STYLE        "slack" (mrkdwn + blocks, default) or "plain" ({text} only)
 *   SMTP_URL           smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465
 *   SMTP_REQUIRE_TLS   "true": refuse to send (and to log in) without STARTTLS on smtp://
 *   SMTP_FROM          sender, e.g. "Chatwoot-Krayin sync <sync@example.com>"
 *   ALERT_EMAIL_TO     comma list of recipients
 *   ALERT_WINDOW_MS    one alert per (connection, cause) per window; default 3600000 (1 h)
 */
import { z } from 'zod';

export const DEFAULT_WINDOW_MS = 3_600_000;

function int(min: number, max: number) {
  const error = `must be an integer between ${min} and ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}
const bool = z.boolean({ error: 'must be true or false' });
const address = z.email({ error: 'must be an email address' });
/** "sync@example.com" or "Display Name <sync@example.com>". */
const sender = z
  .string({ error: 'must be an email address, optionally as "Name <address>"' })
  .regex(/^([^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, {
    error: 'must be an email address, optionally as "Name <address>"',
  });

export const slackSchema = z.object({
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** "plain" for receivers that want only {text} (some Mattermost/Rocket.Chat setups). */
  style: z.enum(['slack', 'plain'], { error: 'must be slack or plain' }).default('slack'),
  timeoutMs: int(100, 60_000).default(5_000),
});

export const emailSchema = z
  .object({
    host: z.string({ error: 'must be a host name' }).min(1, { error: 'must be a host name' }),
    port: int(1, 65_535).default(587),
    /** TLS from the first byte (port 465). Default: true on port 465, else STARTTLS when offered. */
    secure: bool.optional(),
    /** Refuse plaintext sessions on a non-secure port (credentials would travel in clear). */
    requireTls: bool.default(false),
    user: z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' }).optional(),
    pass: z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' }).optional(),
    from: sender,
    to: z
      .array(address, { error: 'must be a list of email addresses' })
      .min(1, { error: 'needs at least one address' }),
    timeoutMs: int(1_000, 120_000).default(10_000),
  })
  .refine((e) => (e.user === undefined) === (e.pass === undefined), {
    error: 'user and pass must be given together',
    path: ['pass'],
  });

export const notificationsSchema = z.object({
  slack: slackSchema.optional(),
  email: emailSchema.optional(),
  /** One alert per (connection, cause) per window. */
  windowMs: int(1_000, 7 * 24 * 3_600_000).default(DEFAULT_WINDOW_MS),
  /** After every channel failed, do not retry for this long (a down receiver is not hammered). */
  retryAfterFailureMs: int(1_000, 24 * 3_600_000).default(60_000),
});

export type NotificationsConfig = z.infer<typeof notificationsSchema>;
export type NotificationsInput = z.input<typeof notificationsSchema>;
export type SlackConfig = z.infer<typeof slackSchema>;
export type EmailConfig = z.infer<typeof emailSchema>;

export class NotificationConfigError extends Error {
  override readonly name = 'NotificationConfigError';
}

export interface SmtpUrlParts {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
}

/** smtp://user:pass@host:587 or smtps://host:465; user and password percent-decoded. */
export function parseSmtpUrl(value: string, envName = 'SMTP_URL'): SmtpUrlParts {
  const invalid = () =>
    new NotificationConfigError(`${envName} must be smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid();
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') throw invalid();
  if (url.pathname !== '' && url.pathname !== '/') throw invalid();
  const secure = url.protocol === 'smtps:';
  const port = url.port === '' ? (secure ? 465 : 587) : Number(url.port);
  const parts: SmtpUrlParts = { host: url.hostname.replace(/^\[|\]$/g, ''), port, secure };
  if (url.username !== '' || url.password !== '') {
    try {
      parts.user = decodeURIComponent(url.username);
      parts.pass = decodeURIComponent(url.password);
    } catch {
      throw invalid();
    }
    if (parts.user === '' || parts.pass === '')
      throw new NotificationConfigError(`${envName} needs both user and password, or neither`);
  }
  return parts;
}

const ENV_NAMES: Record<string, string> = {
  slack: 'SLACK_WEBHOOK_URL',
  'slack.webhookUrl': 'SLACK_WEBHOOK_URL',
  'slack.style': 'SLACK_STYLE',
  'email.from': 'SMTP_FROM',
  'email.to': 'ALERT_EMAIL_TO',
  windowMs: 'ALERT_WINDOW_MS',
};

/** A typo must not silently mean "plaintext allowed": anything but a boolean word is an error. */
function requireTlsFrom(value: string | undefined): boolean {
  const word = value?.trim().toLowerCase() ?? '';
  if (['', 'false', '0', 'no', 'off'].includes(word)) return false;
  if (['true', '1', 'yes', 'on'].includes(word)) return true;
  throw new NotificationConfigError('SMTP_REQUIRE_TLS must be true or false');
}

/** Builds the settings from the variables above; throws NotificationConfigError naming the variable. */
export function notificationsFromEnv(env: NodeJS.ProcessEnv): NotificationsConfig {
  const input: Record<string, unknown> = {};
  const slackUrl = env.SLACK_WEBHOOK_URL?.trim();
  if (slackUrl) input.slack = { webhookUrl: slackUrl, ...(env.SLACK_STYLE ? { style: env.SLACK_STYLE.trim() } : {}) };
  const smtpUrl = env.SMTP_URL?.trim();
  if (smtpUrl) {
    const to = (env.ALERT_EMAIL_TO ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (!env.SMTP_FROM?.trim()) throw new NotificationConfigError('SMTP_FROM is required when SMTP_URL is set');
    if (to.length === 0) throw new NotificationConfigError('ALERT_EMAIL_TO is required when SMTP_URL is set');
    input.email = {
      ...parseSmtpUrl(smtpUrl),
      requireTls: requireTlsFrom(env.SMTP_REQUIRE_TLS),
      from: env.SMTP_FROM.trim(),
      to,
    };
  }
  if (env.ALERT_WINDOW_MS?.trim()) {
    const n = Number(env.ALERT_WINDOW_MS.trim());
    input.windowMs = Number.isFinite(n) ? n : env.ALERT_WINDOW_MS;
  }
  const parsed = notificationsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).filter((p) => typeof p === 'string').join('.');
    const name =
      ENV_NAMES[path] ??
      (path.startsWith('email') ? 'SMTP_URL' : path.startsWith('slack') ? 'SLACK_WEBHOOK_URL' : path);
    throw new NotificationConfigError(`${name} ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}
