/**
 * Three "replicas" (three separate Postgres pools on one database, as three worker processes would have)
 * share one connection's Krayin budget, its auth block and its alert dedupe through the store.
 * Postgres only: PGlite is one process by construction.
 */
import express, { type Request } from 'express';
import { RequestThrottle } from '../../src/krayin/throttle';
import { createNotifier, type AlertInput, type Notifier, type NotificationsConfig } from '../../src/notify';
import { ConnectionHealth } from '../../src/ops/connection-health';
import { sharedConnectionState } from '../../src/ops/shared-connection-state';
import { createStore, openDb, type Db, type Store } from '../../src/store';
import {
  createTestPostgresDatabase,
  isPostgresReachable,
  postgresRequired,
  type TestPostgresDatabase,
} from '../helpers/databases';
import { listen, type RunningServer } from './fixtures/codec-http-server';

jest.setTimeout(120_000);

const pg = isPostgresReachable();
if (!pg.reachable && postgresRequired()) throw new Error(`Postgres is required here: ${pg.error}`);
const describePg = pg.reachable ? describe : describe.skip;

const REPLICAS = 3;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describePg('three replicas on one Postgres', () => {
  let database: TestPostgresDatabase;
  let dbs: Db[];
  let stores: Store[];
  let sink: RunningServer;
  const messages: string[] = [];

  beforeAll(async () => {
    database = await createTestPostgresDatabase();
    dbs = await Promise.all(
      Array.from({ length: REPLICAS }, () => openDb({ databaseUrl: database.url, maxConnections: 5 })),
    );
    stores = dbs.map((db) => createStore(db));
    await stores[0]!.migrate();
    const app = express();
    app.post('/hook', express.json(), (req: Request, res) => {
      messages.push(String((req.body as { text?: string }).text));
      res.status(200).send('ok');
    });
    sink = await listen(app);
  });
  afterAll(async () => {
    await sink?.close();
    await Promise.all((dbs ?? []).map((db) => db.close()));
    await database?.drop();
  });
  beforeEach(() => {
    messages.length = 0;
  });

  it('spend ONE budget of N per window together, and can use all N in a burst', async () => {
    const N = 6;
    const WINDOW_MS = 2_000;
    const RUN_MS = 7_000;
    const throttles = stores.map(
      (store) =>
        new RequestThrottle({
          requestsPerMinute: N,
          windowMs: WINDOW_MS,
          callTimeoutMs: 1_000,
          maxWaitMs: 500,
          state: store.krayinBudgets,
          connectionId: 'budget',
        }),
    );
    const granted: { at: number; replica: number }[] = [];
    const start = Date.now();
    // Each replica runs 4 concurrent "activities" calling as fast as the budget allows.
    await Promise.all(
      throttles.flatMap((throttle, replica) =>
        Array.from({ length: 4 }, async () => {
          while (Date.now() - start < RUN_MS) {
            try {
              const ticket = await throttle.acquire('GET /x');
              granted.push({ at: Date.now(), replica });
              await new Promise((r) => setTimeout(r, 5)); // Krayin answers
              await throttle.settle(ticket, { kind: 'counted' });
            } catch {
              await new Promise((r) => setTimeout(r, 50)); // fail fast, retried later (as Temporal would)
            }
          }
        }),
      ),
    );
    const times = granted.map((g) => g.at).sort((a, b) => a - b);
    const maxInWindow = Math.max(...times.map((t) => times.filter((s) => s >= t && s < t + WINDOW_MS).length));
    expect(maxInWindow).toBeLessThanOrEqual(N);
    // The whole budget goes out at once when idle (a burst), not at N/window paced.
    expect(times[N - 1]! - start).toBeLessThan(1_000);
    // And it is used: about one budget per (window + answer time) over the run.
    expect(times.length).toBeGreaterThanOrEqual(N * Math.floor(RUN_MS / (WINDOW_MS + 100)));
    // Every replica got some (one shared budget, not one replica hogging a lock).
    expect(new Set(granted.map((g) => g.replica)).size).toBe(REPLICAS);
  });

  it('a slot of a call Krayin never saw goes back to every replica', async () => {
    const [a, b] = stores.map(
      (store) =>
        new RequestThrottle({
          requestsPerMinute: 1,
          maxWaitMs: 100,
          state: store.krayinBudgets,
          connectionId: 'refund',
        }),
    );
    const refused = await a!.acquire('GET /x');
    await expect(b!.acquire('GET /x')).rejects.toMatchObject({ name: 'KrayinRateLimitedError' });
    await a!.settle(refused, { kind: 'not_counted' }); // connection refused: Krayin's limiter never saw it
    await expect(b!.acquire('GET /x')).resolves.toMatchObject({ probe: false });
  });

  it('after a 429 on one replica, every replica pauses and exactly one probe goes first', async () => {
    const throttles = stores.map(
      (store) =>
        new RequestThrottle({
          requestsPerMinute: 50,
          maxWaitMs: 3_000,
          state: store.krayinBudgets,
          connectionId: 'pause',
        }),
    );
    const first = await throttles[0]!.acquire('GET /x');
    await throttles[0]!.settle(first, { kind: 'rate_limited', retryAfterMs: 1_000 });
    const pausedAt = Date.now();
    // Replica 1 is first after the pause: it probes; replicas 0 and 2 wait for the probe's answer.
    const probe = await throttles[1]!.acquire('GET /y');
    expect(probe.probe).toBe(true);
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(900);
    let followed = 0;
    const waiting = [throttles[0]!, throttles[2]!].map((t) =>
      t.acquire('GET /z').then((ticket) => {
        followed++;
        return ticket;
      }),
    );
    await new Promise((r) => setTimeout(r, 600));
    expect(followed).toBe(0);
    await throttles[1]!.settle(probe, { kind: 'counted' });
    const others = await Promise.all(waiting);
    expect(others.map((t) => t.probe)).toEqual([false, false]);
  });

  function notifiers(): Notifier[] {
    const config: NotificationsConfig = {
      slack: { webhookUrl: `${sink.url}/hook`, style: 'plain', timeoutMs: 5_000 },
      windowMs: 30 * 60_000,
      retryAfterFailureMs: 60_000,
    };
    return stores.map((store) =>
      createNotifier({
        fallback: config,
        logger: silent,
        store: sharedConnectionState(store).notificationStates,
      }),
    );
  }

  it('deliver one alert and one recovery message when all three raise the same cause at once', async () => {
    const all = notifiers();
    try {
      const alert: AlertInput = {
        connectionId: 'dedupe',
        cause: 'krayin_unreachable',
        title: 'Krayin is not answering',
        text: 'Syncs are delayed.',
        severity: 'warning',
      };
      for (let round = 0; round < 3; round++) {
        const results = await Promise.all(all.map((n) => n.alert(alert)));
        expect(results.filter((r) => r.status === 'sent')).toHaveLength(round === 0 ? 1 : 0);
      }
      expect(messages).toHaveLength(1);
      const resolved = await Promise.all(all.map((n) => n.resolve({ connectionId: 'dedupe', cause: alert.cause })));
      expect(resolved.map((r) => r.status).sort()).toEqual(['not_open', 'not_open', 'sent']);
      expect(messages).toHaveLength(2);
      expect(messages[1]).toMatch(/resolved/i);
    } finally {
      await Promise.all(all.map((n) => n.close()));
    }
  });

  it('share the Krayin auth block: one alert, every replica blocked, one probe lifts it for all', async () => {
    const all = notifiers();
    const probes: number[] = [];
    const healths = stores.map(
      (store, i) =>
        new ConnectionHealth({
          alerter: all[i]!,
          authBlocks: sharedConnectionState(store).authBlocks,
          authCacheMs: 200,
          probeIntervalMs: 300,
          connectionIds: ['auth'],
        }),
    );
    try {
      // Replica 0 sees the 401; the others have not called Krayin yet.
      healths[0]!.observeKrayinCall('auth', { endpoint: 'GET /x', status: 401, durationMs: 3, outcome: 'auth' });
      await waitFor(async () => (await Promise.all(healths.map((h) => h.authBlocked('auth')))).every(Boolean));
      // Then they all see 401s too: still one alert.
      for (const h of healths)
        h.observeKrayinCall('auth', { endpoint: 'GET /x', status: 401, durationMs: 3, outcome: 'auth' });
      await waitFor(async () => messages.length >= 1);
      healths.forEach((h, i) =>
        h.startProbes(async () => {
          probes.push(i);
        }),
      );
      await waitFor(async () => (await Promise.all(healths.map((h) => h.authBlocked('auth')))).every((b) => !b));
      await waitFor(async () => messages.length >= 2);
      await new Promise((r) => setTimeout(r, 700));
      expect(probes).toHaveLength(1); // one probe ran (not one per replica), and it lifted the block for all
      expect(messages).toHaveLength(2);
      expect(messages[0]).toMatch(/Krayin rejects the API token/);
      expect(messages[1]).toMatch(/resolved/i);
    } finally {
      healths.forEach((h) => h.stopProbes());
      await Promise.all(all.map((n) => n.close()));
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
