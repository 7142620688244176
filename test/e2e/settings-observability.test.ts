/**
 * A connection added in the console is observed like a configured one, without a restart: /metrics
 * labels it by its id (not `other`) and its parked count is there (0 included); its own alert channel
 * gets its alerts. Removed, its id folds back into `other`. The settings are edited by another
 * "replica" (its own ConnectionSettings over the same store), as a console in another process would.
 */
import http from 'node:http';
import { request } from 'undici';
import { generateKey } from '../../src/codec/keyring';
import { createSettingsLayer, type SettingsLayer } from '../../src/settings';
import { ADMIN_TOKEN, startHarness, type Harness } from '../helpers/harness';
import { contactEventBody, postWebhook, type ContactInput } from '../helpers/webhooks';

jest.setTimeout(180_000);

const KEY = generateKey();
const ID = 'watched';
const SECRET = 'watched-webhook-secret-0123456789';

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A Slack-compatible incoming webhook that keeps what it receives. */
async function slackReceiver(): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

describe('a console-added connection on /metrics and in alerts', () => {
  let h: Harness;
  let replica: SettingsLayer;
  let slack: Awaited<ReturnType<typeof slackReceiver>>;

  beforeAll(async () => {
    h = await startHarness({ service: { settingsEncryption: { keys: { s1: KEY }, activeKeyId: 's1' } } });
    slack = await slackReceiver();
    replica = createSettingsLayer({ config: h.config, store: h.store, embedded: false });
    await replica.catalog.refresh();
  });
  afterAll(async () => {
    await replica?.catalog.stop();
    await h?.close();
    await slack?.close();
  });

  const scrape = async () => {
    const res = await request(`${h.ingestUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    return res.body.text();
  };
  const contact: ContactInput = {
    id: 9101,
    name: 'Watched Person',
    email: 'watched.9101@example.com',
    additional_attributes: {},
    custom_attributes: {},
  };
  const send = () =>
    postWebhook(h.ingestUrl, ID, contactEventBody('contact_created', contact, { accountId: h.chatwoot.accountId }), {
      secret: SECRET,
    });

  it('is labelled by its id on /metrics and alerts go to its own channel, no restart', async () => {
    const created = await replica.settings.create(
      {
        id: ID,
        // A token Krayin refuses: the first sync raises the "Krayin rejects the API token" alert.
        krayin: { url: h.krayin.apiBase, token: '1|NotAValidToken', requestsPerMinute: 6000, timeoutMs: 2_000 },
        chatwoot: {
          url: h.chatwoot.url,
          accountId: h.chatwoot.accountId,
          apiToken: h.chatwoot.apiToken,
          webhookSecret: SECRET,
        },
        sync: { debounceMs: 300, idleCloseMs: 60_000, reconcile: { schedule: 'off' } },
        notifications: { slack: { webhookUrl: slack.url, style: 'plain' } },
      },
      'e2e',
    );
    expect(created.ok).toBe(true);
    h.chatwoot.upsertContact(contact);
    await until('webhook accepted', async () => ((await send()).status === 202 ? true : undefined));

    const text = await scrape();
    expect(text).toMatch(new RegExp(`cks_webhooks_total\\{[^}]*connection="${ID}"[^}]*outcome="accepted"`));
    expect(text).toMatch(new RegExp(`cks_parked_syncs\\{connection="${ID}"\\} \\d+`));

    // The Krayin token is refused: the alert reaches this connection's own channel.
    const alert = await until('alert delivered', async () => slack.bodies.find((b) => b.includes(ID)), 60_000);
    expect(alert).toContain('Krayin rejects the API token');
    // Its Krayin calls are labelled by its id too.
    await until('krayin calls labelled', async () =>
      new RegExp(`cks_krayin_calls_total\\{[^}]*connection="${ID}"`).test(await scrape()) ? true : undefined,
    );
  });

  it('removed: its id folds back into other', async () => {
    expect(await replica.settings.remove(ID, 'e2e')).toEqual({ ok: true });
    await until('webhook refused', async () => ((await send()).status === 404 ? true : undefined));
    const text = await scrape();
    expect(text).toMatch(/cks_webhooks_total\{[^}]*connection="other"/);
    expect(text).not.toMatch(new RegExp(`cks_parked_syncs\\{connection="${ID}"\\}`));
  });
});
