/**
 * `connect [--connection <id>] [--public-url <url>] [--show-secret]`: registers, through Chatwoot's API,
 * what the connection needs in its Chatwoot account, and prints what it did:
 *
 * - the account webhook to <PUBLIC_URL>/webhooks/chatwoot/<connection>[/<CHATWOOT_WEBHOOK_TOKEN>] with
 *   the events ingest handles (CHATWOOT_WEBHOOK_EVENTS);
 * - the dashboard app "Krayin CRM" at <PUBLIC_URL>/chatwoot-app/<connection>/<CHATWOOT_DASHBOARD_APP_TOKEN>/
 *   (when that token is set).
 *
 * Idempotent: what is there already is left alone ("already registered"); a webhook missing events gets
 * them added, a webhook or app of this connection under an older token gets its URL updated. Tokens are
 * never printed; the webhook's signing secret only with --show-secret.
 */
import { parseArgs } from 'node:util';
import type { AppConfig, ConnectionConfig } from '../config/schema';
import { ChatwootAuthError, ChatwootError } from '../chatwoot/errors';
import { ChatwootIntegrations, type ChatwootDashboardApp, type ChatwootWebhook } from './chatwoot-integrations';

/** The Chatwoot events ingest turns into syncs (src/chatwoot/events.ts); the others are ignored there. */
export const CHATWOOT_WEBHOOK_EVENTS = [
  'contact_created',
  'contact_updated',
  'conversation_created',
  'conversation_updated',
  'conversation_status_changed',
  'message_created',
  'message_updated',
] as const;

export const DASHBOARD_APP_TITLE = 'Krayin CRM';

export interface ConnectCliDeps {
  out?: { log(line: string): void; error(line: string): void };
  integrationsFor?: (c: ConnectionConfig) => ChatwootIntegrations;
}

const USAGE = 'usage: connect [--connection <id>] [--public-url <url>] [--show-secret]';
const EX_USAGE = 2;
const EX_CONFIG = 78;

export async function runConnectCommand(argv: string[], config: AppConfig, deps: ConnectCliDeps = {}): Promise<number> {
  const out = deps.out ?? { log: console.log, error: console.error };
  let values: { connection: string; 'public-url'?: string; 'show-secret'?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        connection: { type: 'string', default: 'default' },
        'public-url': { type: 'string' },
        'show-secret': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    out.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return EX_USAGE;
  }
  const connection = config.connections.find((c) => c.id === values.connection);
  if (!connection) {
    out.error(`No connection "${values.connection}" in the configuration or the console.`);
    return EX_CONFIG;
  }
  const publicUrl = publicBase(values['public-url'] ?? config.publicUrl);
  if (!publicUrl) {
    out.error(
      'Chatwoot must be told where this service is: set PUBLIC_URL (or pass --public-url https://sync.example.com).',
    );
    return EX_CONFIG;
  }
  const api = deps.integrationsFor?.(connection) ?? new ChatwootIntegrations(connection);
  out.log(
    `Connection "${connection.id}": Chatwoot account ${connection.chatwoot.accountId} at ${connection.chatwoot.url}`,
  );
  try {
    await connectWebhook(api, connection, publicUrl, values['show-secret'] === true, out);
    await connectDashboardApp(api, connection, publicUrl, out);
  } catch (err) {
    if (err instanceof ChatwootAuthError) {
      out.error(
        "Chatwoot refused the API token (CHATWOOT_API_TOKEN): registering webhooks needs an administrator's access token.",
      );
    } else {
      out.error(`Chatwoot: ${err instanceof ChatwootError || err instanceof Error ? err.message : String(err)}`);
    }
    return 1;
  }
  return 0;
}

function publicBase(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  } catch {
    return null;
  }
  return url.replace(/\/+$/, '');
}

async function connectWebhook(
  api: ChatwootIntegrations,
  connection: ConnectionConfig,
  publicUrl: string,
  showSecret: boolean,
  out: { log(line: string): void },
): Promise<void> {
  const base = `${publicUrl}/webhooks/chatwoot/${encodeURIComponent(connection.id)}`;
  const token = connection.chatwoot.webhookToken;
  const url = token ? `${base}/${token}` : base;
  const shown = token ? `${base}/<CHATWOOT_WEBHOOK_TOKEN>` : base;
  const wanted: string[] = [...CHATWOOT_WEBHOOK_EVENTS];
  const existing = await api.listWebhooks();
  const exact = existing.find((w) => w.url === url);
  // The same connection under another (older) URL token: moved to the current one, not duplicated.
  const ours = exact ?? existing.find((w) => w.url === base || w.url.startsWith(`${base}/`));
  let webhook: ChatwootWebhook;
  if (!ours) {
    webhook = await api.createWebhook({ url, name: `Krayin sync (${connection.id})`, subscriptions: wanted });
    out.log(`  Webhook: created ${shown} (${wanted.length} events: ${wanted.join(', ')})`);
  } else {
    const has = ours.subscriptions ?? [];
    const missing = wanted.filter((e) => !has.includes(e));
    if (ours.url === url && missing.length === 0) {
      webhook = ours;
      out.log(`  Webhook: already registered ${shown} (id ${ours.id})`);
    } else {
      webhook = await api.updateWebhook(ours.id, { url, subscriptions: [...has, ...missing] });
      const what = [
        ...(ours.url === url ? [] : ['URL token updated']),
        ...(missing.length > 0 ? [`events added: ${missing.join(', ')}`] : []),
      ];
      out.log(`  Webhook: updated ${shown} (id ${ours.id}; ${what.join('; ')})`);
    }
  }
  reportSecret(webhook, connection, showSecret, out);
}

function reportSecret(
  webhook: ChatwootWebhook,
  connection: ConnectionConfig,
  showSecret: boolean,
  out: { log(line: string): void },
): void {
  const secret = webhook.secret ?? null;
  if (!secret) {
    if (!connection.chatwoot.webhookToken) {
      out.log('  Signing secret: this Chatwoot shows none (before 4.11.2): set CHATWOOT_WEBHOOK_TOKEN instead.');
    }
    return;
  }
  if (showSecret) out.log(`  Signing secret: ${secret}`);
  if (connection.chatwoot.webhookSecret === secret) {
    out.log('  Signing secret: matches CHATWOOT_WEBHOOK_SECRET.');
  } else if (connection.chatwoot.webhookSecret) {
    out.log(
      '  Signing secret: DIFFERS from CHATWOOT_WEBHOOK_SECRET: deliveries will be refused until it is the one Chatwoot shows (Settings > Integrations > Webhooks, or connect --show-secret).',
    );
  } else {
    out.log(
      '  Signing secret: set CHATWOOT_WEBHOOK_SECRET to the one Chatwoot shows (Settings > Integrations > Webhooks, or connect --show-secret).',
    );
  }
}

async function connectDashboardApp(
  api: ChatwootIntegrations,
  connection: ConnectionConfig,
  publicUrl: string,
  out: { log(line: string): void },
): Promise<void> {
  const token = connection.dashboardApp.token;
  if (!token) {
    out.log('  Dashboard app: skipped (CHATWOOT_DASHBOARD_APP_TOKEN is not set; see docs/chatwoot-app.md).');
    return;
  }
  const base = `${publicUrl}/chatwoot-app/${encodeURIComponent(connection.id)}/`;
  const url = `${base}${token}/`;
  const shown = `${base}<CHATWOOT_DASHBOARD_APP_TOKEN>/`;
  const apps = await api.listDashboardApps();
  const urls = (app: ChatwootDashboardApp) => (app.content ?? []).map((c) => c.url ?? '');
  const exact = apps.find((a) => urls(a).includes(url));
  if (exact) {
    out.log(`  Dashboard app "${exact.title}": already registered ${shown} (id ${exact.id})`);
    return;
  }
  const older = apps.find((a) => urls(a).some((u) => u.startsWith(base)));
  if (older) {
    await api.updateDashboardApp(older.id, { content: [{ type: 'frame', url }] });
    out.log(`  Dashboard app "${older.title}": updated ${shown} (id ${older.id}; URL token updated)`);
    return;
  }
  const created = await api.createDashboardApp({ title: DASHBOARD_APP_TITLE, content: [{ type: 'frame', url }] });
  out.log(
    `  Dashboard app "${created.title}": created ${shown} (id ${created.id}; agents see it as a tab of each conversation)`,
  );
}
