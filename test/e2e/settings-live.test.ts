/**
 * Settings edited in the console take effect without a restart, in every replica: the running service
 * (ingest + workers) and a settings editor of another "replica" (its own ConnectionSettings over the same
 * store, as a console in another process would be) share only the database. A connection created there
 * accepts its signed webhooks and syncs into its own Krayin; a new Krayin token is used by the next
 * sync; no secret is stored in clear; a wrong key opens nothing; a deleted connection's webhooks are refused.
 */
import http from 'node:http';
import { generateKey } from '../../src/codec/keyring';
import { createSettingsLayer, SecretBox, type SettingsLayer } from '../../src/settings';
import { contactWorkflowId, statusQuery, type ContactSyncStatus } from '../../workflows/api';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';
import { startHarness, type Harness } from '../helpers/harness';
import { contactEventBody, postWebhook, type ContactInput } from '../helpers/webhooks';

jest.setTimeout(180_000);

const KEY = generateKey();
const SECOND_SECRET = 'second-webhook-secret-0123456789';
const NEW_TOKEN = '77|SecondConnectionNewTokenValue';

/**
 * Krayin with two valid personal access tokens (Krayin allows several per user; the fake accepts one):
 * a proxy in front of the fake that records the token of each request and swaps NEW_TOKEN for the fake's.
 */
async function twoTokenKrayin(
  fake: FakeKrayin,
): Promise<{ apiBase: string; tokens: string[]; close(): Promise<void> }> {
  const tokens: string[] = [];
  const target = new URL(fake.url);
  const server = http.createServer((req, res) => {
    const given = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    tokens.push(given);
    const headers = { ...req.headers, host: target.host };
    if (given === NEW_TOKEN) headers.authorization = `Bearer ${fake.token}`;
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    apiBase: `http://127.0.0.1:${port}/api/v1`,
    tokens,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function person(id: number, name = `Second Person ${id}`): ContactInput {
  return {
    id,
    name,
    email: `second.${id}@example.com`,
    phone_number: `+49151888${id}`,
    additional_attributes: {},
    custom_attributes: {},
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('settings edited in the console, live', () => {
  let h: Harness;
  let krayin2: FakeKrayin;
  let chatwoot2: FakeChatwoot;
  let proxy: Awaited<ReturnType<typeof twoTokenKrayin>>;
  let replica: SettingsLayer;

  beforeAll(async () => {
    h = await startHarness({ service: { settingsEncryption: { keys: { s1: KEY }, activeKeyId: 's1' } } });
    krayin2 = await startFakeKrayin({ rateLimit: 0 });
    chatwoot2 = await startFakeChatwoot({ accountId: 7, apiToken: 'second-chatwoot-api-token' });
    proxy = await twoTokenKrayin(krayin2);
    replica = createSettingsLayer({ config: h.config, store: h.store, embedded: false });
    await replica.catalog.refresh();
  });
  afterAll(async () => {
    await replica?.catalog.stop();
    await h?.close();
    await proxy?.close();
    await krayin2?.close();
    await chatwoot2?.close();
  });

  const send = (contact: ContactInput, event: 'contact_created' | 'contact_updated' = 'contact_created') => {
    chatwoot2.upsertContact(contact);
    return postWebhook(h.ingestUrl, 'second', contactEventBody(event, contact, { accountId: 7 }), {
      secret: SECOND_SECRET,
    });
  };
  const status = (contactId: number) =>
    h.client.workflow.getHandle(contactWorkflowId('second', contactId)).query(statusQuery);
  const synced = (contactId: number, pred: (s: ContactSyncStatus) => boolean) =>
    until(`contact ${contactId} synced`, async () => {
      const s = await status(contactId);
      return pred(s) ? s : undefined;
    });

  it('a connection created in the console accepts its webhooks and syncs into its own Krayin, no restart', async () => {
    expect((await send(person(5001))).status).toBe(404);

    const created = await replica.settings.create(
      {
        id: 'second',
        krayin: { url: proxy.apiBase, token: krayin2.token, requestsPerMinute: 6000, timeoutMs: 2_000 },
        chatwoot: {
          url: chatwoot2.url,
          accountId: chatwoot2.accountId,
          apiToken: chatwoot2.apiToken,
          webhookSecret: SECOND_SECRET,
        },
        sync: { debounceMs: 300, idleCloseMs: 60_000, reconcile: { schedule: 'off' } },
      },
      'e2e',
    );
    expect(created.ok).toBe(true);

    // The service learns it from the settings version (its poll), like any replica.
    const started = Date.now();
    await until('webhook accepted', async () => ((await send(person(5001))).status === 202 ? true : undefined));
    const waited = Date.now() - started;
    expect(waited).toBeLessThan(15_000);
    await synced(5001, (s) => s.lastOutcome?.kind === 'synced');
    expect(krayin2.snapshot().persons.map((p) => p.name)).toEqual(['Second Person 5001']);
    expect(h.krayin.snapshot().persons).toEqual([]);
    expect(new Set(proxy.tokens)).toEqual(new Set([krayin2.token]));
  });

  it('a new Krayin token is used by the next sync', async () => {
    const saved = await replica.settings.update('second', { 'krayin.token': NEW_TOKEN }, 'e2e');
    expect(saved.ok).toBe(true);
    // Wait until the service runs with it: the next sync's requests carry the new token.
    await until(
      'sync with the new token',
      async () => {
        proxy.tokens.length = 0;
        const before = (await status(5001)).syncCount ?? 0;
        expect((await send(person(5001, `Renamed ${Date.now()}`), 'contact_updated')).status).toBe(202);
        await synced(5001, (s) => (s.syncCount ?? 0) > before);
        return proxy.tokens.length > 0 && proxy.tokens.every((t) => t === NEW_TOKEN) ? true : undefined;
      },
      60_000,
    );
    expect(krayin2.snapshot().persons[0]?.name).toMatch(/^Renamed /);
  });

  it('stores no secret in clear, and a wrong key opens nothing', async () => {
    const dump = await h.dumpStore();
    for (const secret of [NEW_TOKEN, krayin2.token, SECOND_SECRET, chatwoot2.apiToken]) {
      expect(dump).not.toContain(secret);
    }
    const snapshot = await h.store.connectionSettings.snapshot();
    const token = snapshot.settings.find((s) => s.connectionId === 'second' && s.path === 'krayin.token')!;
    expect(token.secret?.keyId).toBe('s1');
    expect(new SecretBox({ activeKeyId: 's1', keys: { s1: KEY } }).open('second', 'krayin.token', token.secret!)).toBe(
      NEW_TOKEN,
    );
    const wrong = new SecretBox({ activeKeyId: 's1', keys: { s1: generateKey() } });
    expect(() => wrong.open('second', 'krayin.token', token.secret!)).toThrow(/does not decrypt/);
  });

  it('a deleted connection refuses its webhooks (404 unknown_connection)', async () => {
    expect(await replica.settings.remove('second', 'e2e')).toEqual({ ok: true });
    const refused = await until('webhook refused', async () => {
      const res = await send(person(5002));
      return res.status === 404 ? res : undefined;
    });
    expect(JSON.stringify(refused.body)).toContain('unknown_connection');
  });
});
