/**
 * `start` in embedded mode, as a newcomer runs it: the CLI starts its own Temporal dev server (SQLite
 * under DATA_DIR, Web UI on), PGlite under DATA_DIR, the workers and the ingest server; prints the
 * webhook and UI URLs; syncs a contact; stops cleanly on SIGINT (Ctrl-C); and keeps its state for the
 * next start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { request } from 'undici';
import { statusQuery } from '../../workflows/api';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';
import { buildCli, cliEnv, startCli } from '../helpers/cli-start';
import { contactEventBody, postWebhook } from '../helpers/webhooks';

describe('npm start (embedded Temporal + PGlite)', () => {
  let krayin: FakeKrayin;
  let chatwoot: FakeChatwoot;
  let dataDir: string;
  beforeAll(async () => {
    buildCli();
    krayin = await startFakeKrayin();
    chatwoot = await startFakeChatwoot();
    dataDir = mkdtempSync(path.join(tmpdir(), 'cks-embedded-'));
  }, 600_000);
  afterAll(async () => {
    await krayin?.close();
    await chatwoot?.close();
  });

  const start = () =>
    startCli(dataDir, cliEnv(krayin, chatwoot, dataDir, { CHATWOOT_WEBHOOK_SECRET: 'embedded-secret' }));

  it('runs everything, prints the URLs, syncs a contact, stops on Ctrl-C and keeps its state', async () => {
    const first = start();
    const urls = await first.running;
    expect(urls.webhook).toMatch(/^http:\/\/localhost:\d+\/webhooks\/chatwoot\/default$/);
    expect(urls.ui).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const base = urls.webhook.replace(/\/webhooks\/chatwoot\/default$/, '').replace('localhost', '127.0.0.1');

    const ready = await request(`${base}/readyz`);
    expect(ready.statusCode).toBe(200);
    expect(await ready.body.json()).toMatchObject({ checks: { store: { ok: true }, temporal: { ok: true } } });
    const ui = await request(urls.ui);
    expect(ui.statusCode).toBe(200);
    await ui.body.dump();

    const contact = {
      id: 77,
      name: 'Embedded Ed',
      email: 'ed@example.com',
      additional_attributes: {},
      custom_attributes: {},
    };
    chatwoot.upsertContact(contact);
    const res = await postWebhook(base, 'default', contactEventBody('contact_created', contact), {
      secret: 'embedded-secret',
    });
    expect(res.status).toBe(202);
    await until(() => krayin.snapshot().leads.length === 1);
    expect(krayin.snapshot().persons.map((p) => p.emails)).toEqual([[{ value: 'ed@example.com', label: 'work' }]]);

    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain('Stopped.');

    // Second start on the same DATA_DIR: the link and hash survived, so an unchanged update costs nothing.
    const second = start();
    const urls2 = await second.running;
    const base2 = urls2.webhook.replace(/\/webhooks\/chatwoot\/default$/, '').replace('localhost', '127.0.0.1');
    krayin.clearRequests();
    const again = await postWebhook(base2, 'default', contactEventBody('contact_updated', contact), {
      secret: 'embedded-secret',
    });
    expect(again.status).toBe(202);
    const connection = await Connection.connect({ address: urls2.temporal });
    try {
      const handle = new Client({ connection }).workflow.getHandle('contact:default:77');
      let status = await handle.query(statusQuery);
      while (status.syncCount < 2 || status.status !== 'idle') {
        await new Promise((r) => setTimeout(r, 100));
        status = await handle.query(statusQuery);
      }
      expect(status.lastOutcome).toEqual({ kind: 'unchanged' });
    } finally {
      await connection.close();
    }
    // The worker's reference-data preload at start (GET /settings/...) is no cost of the update.
    expect(krayin.requests().filter((r) => !r.path.startsWith('/settings/'))).toEqual([]);
    expect(krayin.snapshot().persons).toHaveLength(1);
    expect(await second.stop()).toBe(0);
  });
});

async function until(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}
