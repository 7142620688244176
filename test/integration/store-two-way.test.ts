/**
 * store.twoWay on every store engine: per-field hashes upserted column by column (an absent key keeps
 * the stored value), one contact's rows only, and conflicts listed newest first per connection or
 * contact. Hashes and times only: the tables have no column a value could go in.
 */
import { storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

describe.each(storeEngines().map((e) => [e.name, e] as const))('store.twoWay on %s', (_name, engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('upserts field rows, keeping the columns an update leaves out', async () => {
    const { twoWay } = t.store;
    expect(await twoWay.getFields('tw', 1)).toEqual({});
    const at = new Date('2026-12-07T08:00:00.000Z');
    await twoWay.recordFields('tw', 1, {
      name: { baseHash: 'b1', krayinWrittenHash: 'b1', krayinWrittenAt: at },
      email: { baseHash: 'e1' },
    });
    await twoWay.recordFields('tw', 2, { name: { baseHash: 'other' } });
    await twoWay.recordFields('tw', 1, { name: { krayinSeenHash: 'k2', krayinSeenAt: at } });
    const fields = await twoWay.getFields('tw', 1);
    expect(fields).toEqual({
      name: {
        baseHash: 'b1',
        chatwootWrittenHash: null,
        chatwootWrittenAt: null,
        krayinWrittenHash: 'b1',
        krayinWrittenAt: at,
        krayinSeenHash: 'k2',
        krayinSeenAt: at,
      },
      email: {
        baseHash: 'e1',
        chatwootWrittenHash: null,
        chatwootWrittenAt: null,
        krayinWrittenHash: null,
        krayinWrittenAt: null,
        krayinSeenHash: null,
        krayinSeenAt: null,
      },
    });
    await twoWay.recordFields('tw', 1, { name: { baseHash: 'b2', chatwootWrittenHash: 'b2', chatwootWrittenAt: at } });
    expect((await twoWay.getFields('tw', 1)).name).toMatchObject({
      baseHash: 'b2',
      krayinWrittenHash: 'b1',
      krayinSeenHash: 'k2',
    });
    expect((await twoWay.getFields('tw', 2)).name?.baseHash).toBe('other');
    expect(await twoWay.getFields('other', 1)).toEqual({});
  });

  it('lists conflicts newest first, per connection or per contact', async () => {
    const { twoWay } = t.store;
    const base = {
      connectionId: 'twc',
      field: 'name',
      chatwootHash: 'c',
      krayinHash: 'k',
      chatwootChangedAt: new Date('2026-12-07T08:00:01.000Z'),
      krayinChangedAt: null,
      owner: 'newest',
    };
    await twoWay.recordConflict({ ...base, contactId: 1, winner: 'chatwoot' });
    await twoWay.recordConflict({ ...base, contactId: 2, winner: 'krayin', field: 'email' });
    await twoWay.recordConflict({ ...base, contactId: 1, winner: 'krayin', field: 'phone' });
    const all = await twoWay.listConflicts('twc');
    expect(all.map((c) => [c.contactId, c.field, c.winner])).toEqual([
      [1, 'phone', 'krayin'],
      [2, 'email', 'krayin'],
      [1, 'name', 'chatwoot'],
    ]);
    expect(all[2]).toMatchObject({ chatwootChangedAt: base.chatwootChangedAt, krayinChangedAt: null, owner: 'newest' });
    expect(all[0]!.decidedAt).toBeInstanceOf(Date);
    expect((await twoWay.listConflicts('twc', { contactId: 1 })).map((c) => c.field)).toEqual(['phone', 'name']);
    expect((await twoWay.listConflicts('twc', { limit: 1 })).map((c) => c.field)).toEqual(['phone']);
    expect(await twoWay.listConflicts('nobody')).toEqual([]);
  });
});
