/**
 * `connect` against the fake Chatwoot over HTTP: it registers the account webhook (the events ingest
 * handles, the signing secret compared with CHATWOOT_WEBHOOK_SECRET) and the dashboard app; a second run
 * says "already registered" and changes nothing; a webhook missing events gets them added; a rotated
 * token moves the registered URLs instead of duplicating them; tokens are never printed; a refused API
 * token is reported. The CLI entry point (src/cli.ts, what `npm run cli -- connect` runs once built) is run as a child process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { appConfigSchema, type AppConfig } from '../../src/config/schema';
import { CHATWOOT_WEBHOOK_EVENTS, runConnectCommand } from '../../src/connect/cli';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';

const PUBLIC_URL = 'https://sync.example.com';
const APP_TOKEN = 'AppToken_abcdefghijklmnop0123';
const URL_TOKEN = 'UrlToken_abcdefghijklmnop0123';

let cw: FakeChatwoot;

beforeAll(async () => {
  cw = await startFakeChatwoot();
});
afterAll(() => cw.close());
beforeEach(() => cw.reset());

function config(
  opts: { appToken?: string | null; webhookToken?: string; webhookSecret?: string; apiToken?: string } = {},
): AppConfig {
  const appToken = opts.appToken === undefined ? APP_TOKEN : opts.appToken;
  return appConfigSchema.parse({
    temporal: {},
    database: {},
    publicUrl: PUBLIC_URL,
    allowUnsignedWebhooks: true,
    connections: [
      {
        id: 'default',
        krayin: { url: 'http://127.0.0.1:9/api/v1', token: '1|abcdefghijkl' },
        chatwoot: {
          url: cw.url,
          accountId: cw.accountId,
          apiToken: opts.apiToken ?? cw.apiToken,
          ...(opts.webhookToken ? { webhookToken: opts.webhookToken } : {}),
          ...(opts.webhookSecret ? { webhookSecret: opts.webhookSecret } : {}),
        },
        ...(appToken ? { dashboardApp: { token: appToken } } : {}),
      },
    ],
  });
}

async function run(argv: string[], cfg: AppConfig = config()) {
  const lines: string[] = [];
  const code = await runConnectCommand(argv, cfg, {
    out: { log: (l) => lines.push(l), error: (l) => lines.push(`ERR ${l}`) },
  });
  return { code, text: lines.join('\n') };
}

describe('connect', () => {
  it('registers the webhook with the events ingest handles, and the dashboard app', async () => {
    const { code, text } = await run([]);
    expect(code).toBe(0);
    const webhooks = [...cw.integrations.webhooks.values()];
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0]!.url).toBe(`${PUBLIC_URL}/webhooks/chatwoot/default`);
    expect(webhooks[0]!.subscriptions.sort()).toEqual([...CHATWOOT_WEBHOOK_EVENTS].sort());
    const apps = [...cw.integrations.dashboardApps.values()];
    expect(apps).toHaveLength(1);
    expect(apps[0]!.title).toBe('Krayin CRM');
    expect(apps[0]!.content).toEqual([{ type: 'frame', url: `${PUBLIC_URL}/chatwoot-app/default/${APP_TOKEN}/` }]);
    expect(text).toMatch(/Webhook: created https:\/\/sync\.example\.com\/webhooks\/chatwoot\/default \(7 events/);
    expect(text).toContain('Dashboard app "Krayin CRM": created');
    expect(text).toContain('Signing secret: set CHATWOOT_WEBHOOK_SECRET');
    // Tokens and the secret stay out of the output.
    expect(text).not.toContain(APP_TOKEN);
    expect(text).not.toContain(webhooks[0]!.secret);
  });

  it('is idempotent: a second run says "already registered" and writes nothing', async () => {
    await run([]);
    cw.clearRequests();
    const { code, text } = await run([]);
    expect(code).toBe(0);
    expect(text).toMatch(/Webhook: already registered/);
    expect(text).toMatch(/Dashboard app "Krayin CRM": already registered/);
    expect(cw.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(cw.integrations.webhooks.size).toBe(1);
    expect(cw.integrations.dashboardApps.size).toBe(1);
  });

  it('adds missing events to its webhook, and says whether the signing secret matches', async () => {
    await run([]);
    const webhook = [...cw.integrations.webhooks.values()][0]!;
    webhook.subscriptions = ['contact_created'];
    const matching = await run([], config({ webhookSecret: webhook.secret }));
    expect(matching.code).toBe(0);
    expect(matching.text).toMatch(/Webhook: updated .*events added: contact_updated/);
    expect(matching.text).toContain('Signing secret: matches CHATWOOT_WEBHOOK_SECRET.');
    expect(webhook.subscriptions.sort()).toEqual([...CHATWOOT_WEBHOOK_EVENTS].sort());
    const differing = await run([], config({ webhookSecret: 'not-the-secret' }));
    expect(differing.text).toContain('Signing secret: DIFFERS');
    const shown = await run(['--show-secret']);
    expect(shown.text).toContain(`Signing secret: ${webhook.secret}`);
  });

  it('moves its webhook and app to rotated tokens instead of adding new ones', async () => {
    await run([]);
    const rotated = 'AppToken_rotated_0123456789xyz';
    const { code, text } = await run([], config({ appToken: rotated, webhookToken: URL_TOKEN }));
    expect(code).toBe(0);
    expect(cw.integrations.webhooks.size).toBe(1);
    expect([...cw.integrations.webhooks.values()][0]!.url).toBe(`${PUBLIC_URL}/webhooks/chatwoot/default/${URL_TOKEN}`);
    expect(cw.integrations.dashboardApps.size).toBe(1);
    expect([...cw.integrations.dashboardApps.values()][0]!.content[0]!.url).toBe(
      `${PUBLIC_URL}/chatwoot-app/default/${rotated}/`,
    );
    expect(text).toContain('/webhooks/chatwoot/default/<CHATWOOT_WEBHOOK_TOKEN>');
    expect(text).toContain('/chatwoot-app/default/<CHATWOOT_DASHBOARD_APP_TOKEN>/');
    expect(text).not.toContain(rotated);
    expect(text).not.toContain(URL_TOKEN);
  });

  it('leaves other webhooks and apps of the account alone', async () => {
    cw.integrations.webhooks.set(90, {
      id: 90,
      name: 'Other',
      url: 'https://other.example.com/hook',
      account_id: cw.accountId,
      subscriptions: ['message_created'],
      secret: 'x'.repeat(24),
    });
    cw.integrations.dashboardApps.set(91, {
      id: 91,
      title: 'Orders',
      content: [{ type: 'frame', url: 'https://shop.example.com/app' }],
      created_at: new Date().toISOString(),
      show_on_sidebar: false,
    });
    expect((await run([])).code).toBe(0);
    expect(cw.integrations.webhooks.get(90)!.subscriptions).toEqual(['message_created']);
    expect(cw.integrations.dashboardApps.get(91)!.content[0]!.url).toBe('https://shop.example.com/app');
    expect(cw.integrations.webhooks.size).toBe(2);
    expect(cw.integrations.dashboardApps.size).toBe(2);
  });

  it('skips the dashboard app without its token, needs a public URL, and reports a refused token', async () => {
    const noApp = await run([], config({ appToken: null }));
    expect(noApp.code).toBe(0);
    expect(noApp.text).toContain('Dashboard app: skipped (CHATWOOT_DASHBOARD_APP_TOKEN is not set');
    expect(cw.integrations.dashboardApps.size).toBe(0);

    const cfg = config();
    const noUrl = await run([], { ...cfg, publicUrl: undefined });
    expect(noUrl.code).toBe(78);
    expect(noUrl.text).toContain('set PUBLIC_URL');
    const viaFlag = await run(['--public-url', 'https://other-sync.example.com/'], { ...cfg, publicUrl: undefined });
    expect(viaFlag.code).toBe(0);
    expect([...cw.integrations.webhooks.values()].map((w) => w.url)).toContain(
      'https://other-sync.example.com/webhooks/chatwoot/default',
    );

    const refused = await run([], config({ apiToken: 'wrong-token' }));
    expect(refused.code).toBe(1);
    expect(refused.text).toContain("needs an administrator's access token");
    expect(refused.text).not.toContain('wrong-token');
    expect((await run(['--connection', 'nope'])).code).toBe(78);
  });

  it('runs as the CLI connect command (src/cli.ts) from the environment', async () => {
    const root = path.resolve(__dirname, '../..');
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KRAYIN_URL: 'http://127.0.0.1:9/api/v1',
      KRAYIN_TOKEN: '1|abcdefghijkl',
      CHATWOOT_URL: cw.url,
      CHATWOOT_ACCOUNT_ID: String(cw.accountId),
      CHATWOOT_API_TOKEN: cw.apiToken,
      CHATWOOT_WEBHOOK_TOKEN: URL_TOKEN,
      CHATWOOT_DASHBOARD_APP_TOKEN: APP_TOKEN,
      PUBLIC_URL,
    };
    const run = () =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(
          path.join(root, 'node_modules/.bin/tsx'),
          ['src/cli.ts', 'connect'],
          { cwd: root, env, timeout: 60_000 },
          (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
        );
      });
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Webhook: created');
    expect(first.stdout).toContain('Dashboard app "Krayin CRM": created');
    const second = await run();
    expect(second.stdout).toContain('Webhook: already registered');
    expect(second.stdout).toContain('Dashboard app "Krayin CRM": already registered');
    expect(second.stdout).not.toContain(APP_TOKEN);
  }, 120_000);
});
