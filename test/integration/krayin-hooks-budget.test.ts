/**
 * `krayin-hooks` spends the connection's Krayin budget shared with the service's workers (the store's
 * krayin_budgets, src/krayin/throttle.ts), against the fake Krayin over HTTP: its calls are counted in
 * that budget, a budget nearly used up makes it wait for free slots instead of sending into Krayin's
 * 429s, and a budget paused far ahead (a Krayin Retry-After) makes it stop with the reason, sending
 * nothing.
 */
import { appConfigSchema, type AppConfig } from '../../src/config/schema';
import type { BudgetState } from '../../src/krayin/budget-rules';
import { RequestThrottle } from '../../src/krayin/throttle';
import { runKrayinHooksCommand } from '../../src/krayin-hooks/cli';
import type { Store } from '../../src/store/types';
import { storeEngines, type TestStore } from '../helpers/databases';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';

jest.setTimeout(60_000);

const TOKEN = 'bG4kW9qR2mX7vL3nB8sD4fJ6';
const LIMIT = 4;
const WINDOW_MS = 2_000;

let fake: FakeKrayin;
let db: TestStore;
let store: Store;
let connectionSeq = 0;

beforeAll(async () => {
  fake = await startFakeKrayin({ rateLimit: 0 });
  db = await storeEngines()[0]!.open();
  store = db.store;
  await store.migrate();
});
afterAll(async () => {
  await fake?.close();
  await db?.dispose();
});
beforeEach(() => fake.reset());

/** A fresh connection id per test: each starts with an empty budget. */
function config(requestsPerMinute: number): { cfg: AppConfig; id: string } {
  const id = `hooks${++connectionSeq}`;
  const cfg = appConfigSchema.parse({
    temporal: {},
    database: {},
    allowUnsignedWebhooks: true,
    publicUrl: 'https://sync.example.com',
    connections: [
      {
        id,
        krayin: { url: fake.apiBase, token: fake.token, requestsPerMinute },
        chatwoot: { url: 'http://127.0.0.1:9', accountId: 1, apiToken: 'x' },
        krayinHooks: { token: TOKEN },
      },
    ],
  });
  return { cfg, id };
}

async function run(argv: string[], cfg: AppConfig) {
  const lines: string[] = [];
  const code = await runKrayinHooksCommand(argv, cfg, {
    out: { log: (l) => lines.push(l), error: (l) => lines.push(`ERR ${l}`) },
    budget: { store, windowMs: WINDOW_MS, maxWaitMs: 10_000 },
  });
  return { code, text: lines.join('\n') };
}

/** The connection's budget as the store holds it (a read that changes nothing). */
const budgetOf = (id: string) =>
  store.krayinBudgets.update<BudgetState>(id, (state) => ({ state, result: state as BudgetState }));

/** What a worker of the service spent on the connection: `n` counted calls, through the same store. */
async function workerSpends(id: string, n: number): Promise<void> {
  const worker = new RequestThrottle({
    requestsPerMinute: LIMIT,
    windowMs: WINDOW_MS,
    state: store.krayinBudgets,
    connectionId: id,
  });
  for (let i = 0; i < n; i++) await worker.settle(await worker.acquire('GET /leads'), { kind: 'counted' });
}

describe('krayin-hooks and the shared Krayin budget', () => {
  it('counts every call it makes in the connection budget in the store', async () => {
    const { cfg, id } = config(60);
    expect((await run(['status', '--connection', id], cfg)).code).toBe(1); // nothing installed yet
    expect(fake.requests()).toHaveLength(2);
    expect((await budgetOf(id)).calls).toHaveLength(2);

    fake.clearRequests();
    const install = await run(['install', '--connection', id], cfg);
    expect(install.code).toBe(0);
    const sent = fake.requests().length;
    expect(sent).toBeGreaterThanOrEqual(8); // 2 lists, 2 webhooks, the workflows
    expect((await budgetOf(id)).calls.length).toBe(2 + sent);
  });

  it('waits for free slots when the service nearly used the budget up: never more than the limit per window', async () => {
    const { cfg, id } = config(LIMIT);
    await workerSpends(id, LIMIT - 1);
    const started = Date.now();
    const install = await run(['install', '--connection', id], cfg);
    expect(install).toMatchObject({ code: 0 });
    const requests = fake.requests();
    expect(requests.every((r) => r.status < 400)).toBe(true); // no 429, no error
    // One slot was left: the other calls waited for windows to pass.
    const windows = Math.ceil((requests.length - 1) / LIMIT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(windows * WINDOW_MS - 200);
    for (const r of requests) {
      const inWindow = requests.filter((o) => o.at > r.at - WINDOW_MS && o.at <= r.at).length;
      expect(inWindow).toBeLessThanOrEqual(LIMIT);
    }
  });

  it('stops with the reason and sends nothing while the budget is paused beyond its wait (a Krayin Retry-After)', async () => {
    const { cfg, id } = config(LIMIT);
    // What a worker's 429 with Retry-After: 120 leaves in the store for every process of the connection.
    await store.krayinBudgets.update(id, (state, now) => ({
      state: { ...state, blockedUntil: now + 120_000 },
      result: undefined,
    }));
    const res = await run(['status', '--connection', id], cfg);
    expect(res.code).toBe(1);
    expect(res.text).toMatch(
      /Not sent, try again later: .*request budget of this connection used up.*next slot in \d+s/,
    );
    expect(fake.requests()).toHaveLength(0);
  });
});
