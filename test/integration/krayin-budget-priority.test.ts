/**
 * Live first, on the store every replica shares (Postgres and PGlite): background takes (a backfill)
 * leave the reserve of the window to live calls, and take nothing while a live caller waits; two
 * throttles on one connection stand for two worker replicas.
 */
import { backgroundReserve } from '../../src/krayin/budget-rules';
import { runWithKrayinPriority } from '../../src/krayin/priority';
import { RequestThrottle } from '../../src/krayin/throttle';
import { storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

describe.each(storeEngines().map((engine) => [engine.name, engine] as const))('budget priority on %s', (_n, engine) => {
  let t: TestStore;
  let counter = 0;
  const throttle = (connectionId: string, limit: number) =>
    new RequestThrottle({
      requestsPerMinute: limit,
      windowMs: 60_000,
      maxWaitMs: 100,
      state: t.store.krayinBudgets,
      connectionId,
    });

  beforeAll(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('a backfill on one replica takes limit - reserve slots; live calls on another still get the reserve', async () => {
    const c = `priority-${++counter}`;
    const limit = 20;
    const backfillReplica = throttle(c, limit);
    const liveReplica = throttle(c, limit);
    let background = 0;
    for (let i = 0; i < limit; i++) {
      try {
        // The scope the Krayin activities open for a background round (activities/index.ts).
        await runWithKrayinPriority('background', () => backfillReplica.acquire('POST /contacts/persons'));
        background++;
      } catch {
        break;
      }
    }
    expect(background).toBe(limit - backgroundReserve(limit));
    let live = 0;
    for (let i = 0; i < limit; i++) {
      try {
        await liveReplica.acquire('GET /contacts/persons/search');
        live++;
      } catch {
        break;
      }
    }
    expect(live).toBe(backgroundReserve(limit));
  });

  it('a live caller refused a slot makes every replica’s background calls hold back until its turn', async () => {
    const c = `priority-${++counter}`;
    const a = throttle(c, 3);
    const b = throttle(c, 3);
    // The window is full of live calls; the next live caller is refused and leaves its marker.
    for (let i = 0; i < 3; i++) await a.settle(await a.acquire('GET /x'), { kind: 'counted' });
    await expect(a.acquire('GET /x')).rejects.toMatchObject({ retryAfterSeconds: 60 });
    const state = await t.store.krayinBudgets.update(c, (s, now) => ({ state: s, result: { s, now } }));
    expect(state.s.liveWaitingUntil).toBeGreaterThan(state.now + 55_000);

    // Even with the window empty again, background callers of the other replica wait for the live one.
    await t.store.krayinBudgets.update(c, (s) => ({ state: { ...s, calls: [] }, result: undefined }));
    await expect(runWithKrayinPriority('background', () => b.acquire('POST /x'))).rejects.toMatchObject({
      retryAfterSeconds: expect.any(Number),
    });
    // The live caller is served at once.
    await expect(a.acquire('GET /x')).resolves.toMatchObject({ probe: false });
  });
});
