/**
 * The Temporal Web UI shows encrypted history decrypted, through our codec endpoint, in a real browser.
 *
 * `npm start` with PAYLOAD_ENCRYPTION_KEYS, CODEC_SERVER_TOKEN and CODEC_UI_PATH_TOKEN, as an operator
 * runs it: the embedded dev server's UI is given `<base>/codec/<ui path token>`. Headless Chromium opens
 * a synced contact's workflow; the UI itself calls the codec endpoint (cross-origin, no bearer token)
 * and renders the contact's data. The same history read without the key holds no contact data.
 *
 * Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it); without it the test fails.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser } from 'playwright-core';
import { generateKey } from '../../src/codec/keyring';
import { freePort } from '../../src/dev/temporal-dev-server';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';
import { buildCli, cliEnv, startCli, type StartedCli } from '../helpers/cli-start';
import { contactEventBody, postWebhook } from '../helpers/webhooks';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const UI_PATH_TOKEN = 'ui-codec-path-token-0123456789';
const CONTACT = { id: 78, name: 'Codec Carla', email: 'codec.carla@example.com' };

describe('Temporal Web UI with the codec endpoint (headless Chromium)', () => {
  let krayin: FakeKrayin;
  let chatwoot: FakeChatwoot;
  let service: StartedCli | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `no Chromium at ${CHROMIUM}: run scripts/ensure-chromium.sh (apt-get install chromium) or set CHROMIUM_PATH`,
      );
    buildCli();
    krayin = await startFakeKrayin();
    chatwoot = await startFakeChatwoot();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await krayin?.close();
    await chatwoot?.close();
  });

  it('decrypts a contact workflow in the UI, while the stored history holds only ciphertext', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cks-ui-codec-'));
    service = startCli(
      dataDir,
      cliEnv(krayin, chatwoot, dataDir, {
        CHATWOOT_WEBHOOK_SECRET: 'ui-codec-secret',
        PORT: String(port),
        PAYLOAD_ENCRYPTION_KEYS: `k1:${generateKey()}`,
        CODEC_SERVER_TOKEN: 'codec-bearer-token-0123456789',
        CODEC_UI_PATH_TOKEN: UI_PATH_TOKEN,
      }),
    );
    const { ui: uiUrl, temporal: temporalAddress } = await service.running;
    const output = service.output();
    expect(output).not.toContain(UI_PATH_TOKEN); // the banner does not print it

    chatwoot.upsertContact({ ...CONTACT, additional_attributes: {}, custom_attributes: {} });
    const res = await postWebhook(
      `http://127.0.0.1:${port}`,
      'default',
      contactEventBody('contact_created', { ...CONTACT, additional_attributes: {}, custom_attributes: {} }),
      { secret: 'ui-codec-secret' },
    );
    expect(res.status).toBe(202);
    await until(() => krayin.snapshot().leads.length === 1, 60_000);

    const connection = await Connection.connect({ address: temporalAddress });
    let runId: string;
    try {
      const handle = new Client({ connection }).workflow.getHandle(`contact:default:${CONTACT.id}`);
      const raw = JSON.stringify(await handle.fetchHistory());
      expect(raw).not.toContain(CONTACT.email);
      expect(raw).not.toContain(CONTACT.name);
      runId = (await handle.describe()).runId;
    } finally {
      await connection.close();
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage();
    const decoded: { status: number; body: string }[] = [];
    page.on('response', (r) => {
      if (!r.url().endsWith(`/codec/${UI_PATH_TOKEN}/decode`) || r.request().method() !== 'POST') return;
      void r.text().then(
        (body) => decoded.push({ status: r.status(), body }),
        () => decoded.push({ status: r.status(), body: '' }),
      );
    });
    await page.goto(`${uiUrl}/namespaces/default/workflows/contact:default:${CONTACT.id}/${runId}/history`);

    // The workflow input is encrypted in history; the UI renders it decoded (ids only: the settings are
    // read live by the connectionSettings local activity, not carried in the input).
    await page.getByText(`"contactId": ${CONTACT.id}`).first().waitFor({ timeout: 30_000 });
    const body = await page.innerText('body');
    expect(body).toContain('"connectionId": "default"');
    expect(body).not.toMatch(/Codec Server could not connect/i);
    // The UI's own calls went to the path-token endpoint and got the contact's data back in clear.
    await until(
      () => decoded.some((d) => payloadTexts(d.body).some((t) => t.includes(CONTACT.email))),
      30_000,
      () => JSON.stringify(decoded.map((d) => d.status)),
    );
    expect(decoded.every((d) => d.status === 200)).toBe(true);
  });
});

/** The decoded payloads' data, as text, of one codec answer. */
function payloadTexts(answer: string): string[] {
  try {
    const { payloads } = JSON.parse(answer) as { payloads: { data?: string }[] };
    return payloads.map((p) => Buffer.from(p.data ?? '', 'base64').toString('utf8'));
  } catch {
    return [];
  }
}

async function until(cond: () => boolean, timeoutMs: number, detail: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms\n${detail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
