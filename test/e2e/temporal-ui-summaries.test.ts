/**
 * The Temporal Web UI as an operator's console, in a real browser: `npm start` (embedded dev server and
 * UI) with payload encryption, one contact with a conversation synced; headless Chromium opens the
 * workflow's page and finds its summary, details and current details, and the summaries of its timers
 * and activities, decoded by the UI through the codec endpoint. Saves the screenshots of
 * docs/observability.md to docs/images/ (UPDATE_SCREENSHOTS=1 overwrites the committed ones).
 *
 * Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it); without it the test fails.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateKey } from '../../src/codec/keyring';
import { freePort } from '../../src/dev/temporal-dev-server';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';
import { cliEnv, startCli, type StartedCli } from '../helpers/cli-start';
import { loadFixture, postWebhook } from '../helpers/webhooks';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const UI_PATH_TOKEN = 'ui-summaries-path-token-0123456789';
const SECRET = 'ui-summaries-secret';
// Contact 1042 and conversation 87 are those of the recorded Chatwoot fixtures (src/chatwoot/README.md §7).
const CONTACT = {
  id: 1042,
  name: 'Jane Doe',
  email: 'jane.doe@example.com',
  additional_attributes: {},
  custom_attributes: {},
};
const WORKFLOW_ID = `contact:default:${CONTACT.id}`;
const IMAGES = path.resolve(__dirname, '../../docs/images');

describe('Temporal Web UI: summaries and details of a contact sync (headless Chromium)', () => {
  let krayin: FakeKrayin;
  let chatwoot: FakeChatwoot;
  let service: StartedCli | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `no Chromium at ${CHROMIUM}: run scripts/ensure-chromium.sh (apt-get install chromium) or set CHROMIUM_PATH`,
      );
    krayin = await startFakeKrayin();
    chatwoot = await startFakeChatwoot();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await krayin?.close();
    await chatwoot?.close();
  });

  it('shows what the workflow is, where it stands, and what each timer and activity does', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cks-ui-summaries-'));
    service = startCli(
      dataDir,
      cliEnv(krayin, chatwoot, dataDir, {
        CHATWOOT_WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        PAYLOAD_ENCRYPTION_KEYS: `k1:${generateKey()}`,
        CODEC_SERVER_TOKEN: 'codec-bearer-token-0123456789',
        CODEC_UI_PATH_TOKEN: UI_PATH_TOKEN,
      }),
    );
    const { ui: uiUrl, temporal: temporalAddress } = await service.running;

    chatwoot.upsertContact(CONTACT);
    chatwoot.upsertConversation({ id: 87, contactId: CONTACT.id, inboxId: 3, created_at: 1781946843, status: 'open' });
    const res = await postWebhook(`http://127.0.0.1:${port}`, 'default', loadFixture('conversation_created.json'), {
      secret: SECRET,
    });
    expect(res.status).toBe(202);
    await until(() => krayin.snapshot().activities.some((a) => a.additional !== null), 60_000);
    const leadId = krayin.snapshot().leads[0]!.id;

    const connection = await Connection.connect({ address: temporalAddress });
    let runId: string;
    try {
      const handle = new Client({ connection }).workflow.getHandle(WORKFLOW_ID);
      // Wait until the sync is over (the run is back to its idle-close timer), so the pages are complete.
      // (the debounce timer, then the idle-close timer as the last event).
      await until(async () => {
        const events = (await handle.fetchHistory()).events ?? [];
        const timers = events.filter((e) => e.timerStartedEventAttributes);
        return timers.length >= 2 && events[events.length - 1] === timers[timers.length - 1];
      }, 60_000);
      runId = (await handle.describe()).runId;
    } finally {
      await connection.close();
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    mkdirSync(IMAGES, { recursive: true });

    // The workflow page: the event history's timeline names every timer and activity by its summary.
    await page.goto(`${uiUrl}/namespaces/default/workflows/${WORKFLOW_ID}/${runId}/history`);
    await page.getByText('Close after 1h idle').first().waitFor({ timeout: 30_000 });
    const history = await page.innerText('body');
    for (const text of [
      'Wait 100ms for more events (debounce)',
      `planContactSync • Read contact ${CONTACT.id} from Chatwoot and plan the sync`,
      `syncPerson • Find or create Krayin person (and lead) for contact ${CONTACT.id}`,
      `readConversation • Read conversation 87 from Chatwoot`,
      `writeConversation • Write conversation 87 to Krayin lead ${leadId} timeline`,
      'Record conversation 87 as seen',
    ]) {
      expect(history).toContain(text);
    }
    await screenshot(page, 'temporal-ui-history.png');

    // Its User Metadata tab: summary, details, and the current details the workflow keeps up to date.
    await page.locator('#user-metadata-tab').click();
    // Summary, details and current details are rendered markdown, each in its own frame.
    const texts = async () =>
      (await Promise.all(page.frames().map((f) => f.innerText('body').catch(() => '')))).join('\n');
    await until(async () => (await texts()).includes('(waiting for events)'), 30_000);
    const metadata = await texts();
    expect(metadata).toContain(`Contact ${CONTACT.id} on connection default`);
    expect(metadata).toContain(`Syncs Chatwoot contact ${CONTACT.id} of connection default`);
    expect(metadata).toContain(`Contact ${CONTACT.id} on connection default: synced (waiting for events)`);
    expect(metadata).toContain(`Krayin: person ${krayin.snapshot().persons[0]!.id}, lead ${leadId}`);
    // The list of events with metadata, beside them.
    expect(await page.innerText('body')).toContain('Close after 1h idle');
    await screenshot(page, 'temporal-ui-user-metadata.png');
  });
});

async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(IMAGES, name);
  if (existsSync(file) && process.env.UPDATE_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: file, fullPage: false });
}

async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms\n${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
