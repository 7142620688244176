/**
 * `krayin-hooks install|status|remove` against the fake Krayin over HTTP: what it creates (headers: [],
 * the token-bearing URL, six events), that a second install updates instead of duplicating, that it
 * repairs a webhook stored with null headers, that it never prints the token, and that it touches only
 * its own connection's objects.
 */
import { request } from 'undici';
import { appConfigSchema, type AppConfig } from '../../src/config/schema';
import { runKrayinHooksCommand } from '../../src/krayin-hooks/cli';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';

const TOKEN = 'hT5kW9qR2mX7vL3nB8sD4fJ6';
const PUBLIC_URL = 'https://sync.example.com';

let fake: FakeKrayin;

beforeAll(async () => {
  fake = await startFakeKrayin({ rateLimit: 0 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function config(opts: { token?: string; publicUrl?: string } = { token: TOKEN, publicUrl: PUBLIC_URL }): AppConfig {
  const connection = (id: string) => ({
    id,
    krayin: { url: fake.apiBase, token: fake.token },
    chatwoot: { url: 'http://127.0.0.1:9', accountId: 1, apiToken: 'x' },
    ...(opts.token ? { krayinHooks: { token: opts.token } } : {}),
  });
  return appConfigSchema.parse({
    temporal: {},
    database: {},
    allowUnsignedWebhooks: true,
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
    connections: [connection('default'), connection('other')],
  });
}

async function run(argv: string[], cfg: AppConfig = config()) {
  const lines: string[] = [];
  const code = await runKrayinHooksCommand(argv, cfg, {
    out: { log: (l) => lines.push(l), error: (l) => lines.push(`ERR ${l}`) },
  });
  return { code, text: lines.join('\n') };
}

async function api(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) {
  const res = await request(`${fake.apiBase}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      authorization: `Bearer ${fake.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = (await res.body.json()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  return parsed;
}

const webhooks = async () => (await api('GET', '/settings/webhooks?limit=100')).data as Array<Record<string, unknown>>;
/** Workflows other than the two Krayin's installer seeds (activity e-mails). */
const workflows = async () =>
  ((await api('GET', '/settings/workflows?limit=100')).data as Array<Record<string, unknown>>).filter(
    (f) => f.entity_type !== 'activities',
  );

const EVENTS = [
  'lead.create.after',
  'lead.update.after',
  'lead.delete.before',
  'contacts.person.create.after',
  'contacts.person.update.after',
  'contacts.person.delete.before',
];

describe('krayin-hooks install', () => {
  it('creates two webhooks (headers: []) and six workflows pointing at them, without printing the token', async () => {
    const { code, text } = await run(['install']);
    expect(code).toBe(0);
    expect(text).not.toContain(TOKEN);
    expect(text).toContain(`${PUBLIC_URL}/webhooks/krayin/default/***`);

    const hooks = await webhooks();
    expect(hooks.map((h) => [h.name, h.entity_type, h.headers, h.payload, h.end_point]).sort()).toEqual([
      [
        'chatwoot-krayin-sync:default:leads',
        'leads',
        [],
        [{ key: 'entity', value: 'leads' }],
        `${PUBLIC_URL}/webhooks/krayin/default/${TOKEN}`,
      ],
      [
        'chatwoot-krayin-sync:default:persons',
        'persons',
        [],
        [{ key: 'entity', value: 'persons' }],
        `${PUBLIC_URL}/webhooks/krayin/default/${TOKEN}`,
      ],
    ]);
    const idOf = (entity: string) => hooks.find((h) => h.entity_type === entity)?.id;
    const flows = await workflows();
    expect(flows).toHaveLength(6);
    // The event cannot be read back (Krayin echoes entity_type there): the fake's table holds it.
    expect(flows.map((f) => f.name).sort()).toEqual(EVENTS.map((e) => `chatwoot-krayin-sync:default:${e}`).sort());
    for (const f of flows) {
      expect(f.actions).toEqual([{ id: 'trigger_webhook', value: idOf(String(f.entity_type)) }]);
      expect(f.conditions).toEqual([]);
    }
    expect((await run(['status'])).code).toBe(0);
  });

  it('is idempotent: a second install updates, never duplicates', async () => {
    await run(['install']);
    const before = { hooks: await webhooks(), flows: await workflows() };
    const second = await run(['install']);
    expect(second.code).toBe(0);
    expect(second.text).toMatch(/webhook #\d+ chatwoot-krayin-sync:default:leads: unchanged/);
    expect(second.text).toMatch(/workflow #\d+ chatwoot-krayin-sync:default:lead.update.after: updated/);
    const after = { hooks: await webhooks(), flows: await workflows() };
    expect(after.hooks.map((h) => h.id).sort()).toEqual(before.hooks.map((h) => h.id).sort());
    expect(after.flows.map((f) => f.id).sort()).toEqual(before.flows.map((f) => f.id).sort());
  });

  it('repairs a webhook saved with null headers (the 500 trap), drops duplicates, and status tells', async () => {
    await run(['install']);
    const leads = (await webhooks()).find((h) => h.entity_type === 'leads') as Record<string, unknown>;
    // Someone saved it without headers, and a crashed run left a second copy.
    await api('PUT', `/settings/webhooks/${String(leads.id)}`, { ...leads, headers: null });
    const copy = await api('POST', '/settings/webhooks', { ...leads, headers: [] });
    const status = await run(['status']);
    expect(status.code).toBe(1);
    expect(status.text).toContain('chatwoot-krayin-sync:default:leads: differs');
    expect(status.text).toMatch(/warning: webhook #\d+ "chatwoot-krayin-sync:default:leads" has no headers list/);

    const repaired = await run(['install']);
    expect(repaired.text).toContain(`webhook #${String(copy.data.id)} chatwoot-krayin-sync:default:leads: deleted`);
    const hooks = await webhooks();
    expect(hooks).toHaveLength(2);
    expect(hooks.every((h) => Array.isArray(h.headers) && h.headers.length === 0)).toBe(true);
    expect((await run(['status'])).code).toBe(0);
  });

  it('installs per connection and removes only its own objects', async () => {
    const foreign = await api('POST', '/settings/webhooks', {
      name: 'Operator hook',
      entity_type: 'leads',
      method: 'post',
      end_point: 'https://crm-tools.example.com/x',
      headers: [],
      payload_type: 'default',
      raw_payload_type: 'json',
      payload: [],
    });
    await run(['install']);
    await run(['install', '--connection', 'other']);
    expect(await webhooks()).toHaveLength(5);
    expect(await workflows()).toHaveLength(12);

    const removed = await run(['remove']);
    expect(removed.code).toBe(0);
    expect(removed.text.match(/deleted/g)).toHaveLength(8);
    const left = await webhooks();
    expect(left.map((h) => h.name).sort()).toEqual([
      'Operator hook',
      'chatwoot-krayin-sync:other:leads',
      'chatwoot-krayin-sync:other:persons',
    ]);
    expect(left.find((h) => h.id === foreign.data.id)).toBeDefined();
    expect((await workflows()).every((f) => String(f.name).startsWith('chatwoot-krayin-sync:other:'))).toBe(true);
    expect((await run(['remove'])).text).toContain('nothing to remove');
    expect((await run(['status'])).code).toBe(1);
  });

  it('refuses to install without a token or a public URL, and on an unknown connection', async () => {
    expect(await run(['install'], config({ publicUrl: PUBLIC_URL }))).toMatchObject({
      code: 78,
      text: expect.stringContaining('KRAYIN_WEBHOOK_TOKEN'),
    });
    expect(await run(['install'], config({ token: TOKEN }))).toMatchObject({
      code: 78,
      text: expect.stringContaining('PUBLIC_URL'),
    });
    expect((await run(['install', '--public-url', PUBLIC_URL], config({ token: TOKEN }))).code).toBe(0);
    expect((await run(['install', '--connection', 'nosuch'])).code).toBe(78);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['install', '--public-url', `https://x.example.com/${'p'.repeat(240)}`])).code).toBe(78);
  });

  it('reports Krayin refusing the token, without printing it', async () => {
    const cfg = config();
    const bad = {
      ...cfg,
      connections: cfg.connections.map((c) => ({ ...c, krayin: { ...c.krayin, token: '1|WrongTokenSecretValue' } })),
    };
    const res = await run(['install'], bad);
    expect(res.code).toBe(1);
    expect(res.text).toContain('Krayin refused');
    expect(res.text).not.toContain('WrongTokenSecretValue');
    expect(res.text).not.toContain(TOKEN);
  });
});
