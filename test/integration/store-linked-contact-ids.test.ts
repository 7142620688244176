/**
 * links.listLinkedContactIds, which the reconciliation's deletion check pages through, on every store
 * engine: linked to a person only, ascending, in (after, upTo], at most `limit`, one connection only.
 */
import { storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

describe.each(storeEngines().map((e) => [e.name, e] as const))('listLinkedContactIds on %s', (_name, engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('pages through the linked contact ids of one connection', async () => {
    const { links } = t.store;
    for (const id of [5, 1, 9, 3, 12]) await links.upsertContact('rc', id, { personId: 100 + id });
    await links.upsertContact('rc', 7, { leadId: 70 }); // no person: not linked
    await links.upsertContact('other', 2, { personId: 2 });

    expect(await links.listLinkedContactIds('rc', 0, null, 100)).toEqual([1, 3, 5, 9, 12]);
    expect(await links.listLinkedContactIds('rc', 3, 9, 100)).toEqual([5, 9]);
    expect(await links.listLinkedContactIds('rc', 0, null, 2)).toEqual([1, 3]);
    expect(await links.listLinkedContactIds('rc', 12, null, 10)).toEqual([]);
  });
});
