/**
 * The state worker replicas share (migration 006), on every engine: the Krayin budget under its row
 * lock, the auth block, and the notifier's compare-and-set state.
 */
import { RequestThrottle } from '../../src/krayin/throttle';
import { storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

const engines = storeEngines();

describe.each(engines.map((engine) => [engine.name, engine] as const))('shared state on %s', (_name, engine) => {
  let t: TestStore;
  let counter = 0;
  const freshConnection = () => `shared-${++counter}`;

  beforeAll(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  describe('krayinBudgets', () => {
    it('starts empty, keeps what update returns, and hands the database clock to fn', async () => {
      const c = freshConnection();
      const before = Date.now();
      const seen = await t.store.krayinBudgets.update(c, (state, now) => ({
        state: { ...state, calls: [['a', now]], blockedUntil: now + 5_000, probe: 'needed' },
        result: { state, now },
      }));
      expect(seen.state).toEqual({ calls: [], blockedUntil: 0, probe: 'none', probeExpires: 0 });
      expect(Math.abs(seen.now - before)).toBeLessThan(5_000);
      const again = await t.store.krayinBudgets.update(c, (state) => ({ state, result: state }));
      expect(again).toEqual({
        calls: [['a', seen.now]],
        blockedUntil: seen.now + 5_000,
        probe: 'needed',
        probeExpires: 0,
      });
    });

    it('runs concurrent updates of one connection one after the other (none is lost)', async () => {
      const c = freshConnection();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.store.krayinBudgets.update(c, (state) => ({
            state: { ...state, calls: [...state.calls, [`t${i}`, i]] },
            result: undefined,
          })),
        ),
      );
      const calls = await t.store.krayinBudgets.update(c, (state) => ({ state, result: state.calls }));
      expect(calls).toHaveLength(20);
    });

    it('backs a RequestThrottle: a burst of the whole budget, then a fast failure with the wait', async () => {
      const c = freshConnection();
      const throttle = new RequestThrottle({
        requestsPerMinute: 4,
        windowMs: 60_000,
        maxWaitMs: 200,
        state: t.store.krayinBudgets,
        connectionId: c,
      });
      for (let i = 0; i < 4; i++) await throttle.settle(await throttle.acquire('GET /x'), { kind: 'counted' });
      await expect(throttle.acquire('GET /x')).rejects.toMatchObject({ retryAfterSeconds: 60 });
    });
  });

  describe('authBlocks', () => {
    it('blocks once, lifts once, and gives the probe to one caller per interval', async () => {
      const c = freshConnection();
      expect(await t.store.authBlocks.get(c)).toBeNull();
      expect(await t.store.authBlocks.claimProbe(c, 60_000)).toBe(false); // not blocked: nothing to probe
      expect(await Promise.all([t.store.authBlocks.block(c), t.store.authBlocks.block(c)])).toEqual(
        expect.arrayContaining([true, false]),
      );
      expect(await t.store.authBlocks.get(c)).toBeInstanceOf(Date);
      const claims = await Promise.all([1, 2, 3].map(() => t.store.authBlocks.claimProbe(c, 60_000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await t.store.authBlocks.claimProbe(c, 0)).toBe(true); // the interval is over
      expect(await Promise.all([t.store.authBlocks.lift(c), t.store.authBlocks.lift(c)])).toEqual(
        expect.arrayContaining([true, false]),
      );
      expect(await t.store.authBlocks.get(c)).toBeNull();
    });
  });

  describe('notificationStates', () => {
    it('compare-and-set: one of two writers from the same version wins', async () => {
      const c = freshConnection();
      expect(await t.store.notificationStates.get(c, 'krayin_auth')).toBeNull();
      const created = await Promise.all([
        t.store.notificationStates.compareAndSet(c, 'krayin_auth', null, { open: true, n: 1 }),
        t.store.notificationStates.compareAndSet(c, 'krayin_auth', null, { open: true, n: 2 }),
      ]);
      expect(created.filter(Boolean)).toHaveLength(1);
      const row = await t.store.notificationStates.get(c, 'krayin_auth');
      expect(row?.version).toBe(1);
      const updated = await Promise.all([
        t.store.notificationStates.compareAndSet(c, 'krayin_auth', 1, { open: false, n: 3 }),
        t.store.notificationStates.compareAndSet(c, 'krayin_auth', 1, { open: false, n: 4 }),
      ]);
      expect(updated.filter(Boolean)).toHaveLength(1);
      const after = await t.store.notificationStates.get(c, 'krayin_auth');
      expect(after?.version).toBe(2);
      expect([3, 4]).toContain((after?.value as { n: number }).n);
      // Keyed by cause too.
      expect(await t.store.notificationStates.get(c, 'krayin_unreachable')).toBeNull();
    });
  });
});
