/**
 * store.consoleSessions on every store engine: a session is found by the hash of its cookie until it
 * expires; extending never passes the absolute expiry; remove and prune end sessions.
 */
import { storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

describe.each(storeEngines().map((e) => [e.name, e] as const))('store.consoleSessions on %s', (_name, engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  const at = (iso: string) => new Date(`2026-12-07T${iso}Z`);

  it('finds a live session, not an expired one, and extends only up to the absolute expiry', async () => {
    const s = t.store.consoleSessions;
    await s.create({ idHash: 'h1', csrfToken: 'c1', expiresAt: at('10:00:00'), absoluteExpiresAt: at('12:00:00') });
    expect(await s.get('h1', at('09:59:59'))).toEqual({
      idHash: 'h1',
      csrfToken: 'c1',
      expiresAt: at('10:00:00'),
      absoluteExpiresAt: at('12:00:00'),
    });
    expect(await s.get('h1', at('10:00:00'))).toBeNull();
    expect(await s.get('other', at('09:00:00'))).toBeNull();

    await s.extend('h1', at('11:00:00'));
    expect((await s.get('h1', at('10:30:00')))?.expiresAt).toEqual(at('11:00:00'));
    await s.extend('h1', at('13:00:00'));
    expect((await s.get('h1', at('11:30:00')))?.expiresAt).toEqual(at('12:00:00'));
  });

  it('remove ends one session; prune deletes the expired ones only', async () => {
    const s = t.store.consoleSessions;
    await s.create({ idHash: 'h2', csrfToken: 'c2', expiresAt: at('10:00:00'), absoluteExpiresAt: at('12:00:00') });
    await s.create({ idHash: 'h3', csrfToken: 'c3', expiresAt: at('15:00:00'), absoluteExpiresAt: at('16:00:00') });
    await s.remove('h2');
    expect(await s.get('h2', at('09:00:00'))).toBeNull();
    expect(await s.prune(at('14:00:00'))).toBe(1); // h1 (expired at 12:00)
    expect(await s.get('h3', at('14:00:00'))).not.toBeNull();
  });
});
