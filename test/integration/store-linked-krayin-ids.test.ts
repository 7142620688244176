/**
 * links.listLinkedKrayinIds, which the full pass's Krayin-side deletion check diffs against Krayin's id
 * pages, on every store engine: person or lead ids, distinct (two contacts may share a person),
 * ascending, in (after, upTo], at most `limit`, one connection only.
 */
import { storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

describe.each(storeEngines().map((e) => [e.name, e] as const))('listLinkedKrayinIds on %s', (_name, engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('pages through the linked person and lead ids of one connection', async () => {
    const { links } = t.store;
    await links.upsertContact('kd', 1, { personId: 30, leadId: 300 });
    await links.upsertContact('kd', 2, { personId: 10 });
    await links.upsertContact('kd', 3, { personId: 30 }); // shares person 30
    await links.upsertContact('kd', 4, { personId: 20, leadId: 100 });
    await links.upsertContact('kd', 5, { organizationId: 7 }); // no person, no lead
    await links.upsertContact('other', 1, { personId: 15, leadId: 150 });

    expect(await links.listLinkedKrayinIds('kd', 'person', 0, null, 100)).toEqual([10, 20, 30]);
    expect(await links.listLinkedKrayinIds('kd', 'person', 10, 20, 100)).toEqual([20]);
    expect(await links.listLinkedKrayinIds('kd', 'person', 0, null, 2)).toEqual([10, 20]);
    expect(await links.listLinkedKrayinIds('kd', 'lead', 0, null, 100)).toEqual([100, 300]);
    expect(await links.listLinkedKrayinIds('kd', 'lead', 100, null, 100)).toEqual([300]);
    expect(await links.listLinkedKrayinIds('kd', 'lead', 300, null, 100)).toEqual([]);
  });
});
