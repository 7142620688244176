/**
 * links.listLinkedKrayinIds, which the full pass's Krayin-side deletion check diffs against Krayin's id
 * pages, on every store engine: person, lead or organization ids, distinct (two contacts may share a
 * person or an organization), ascending, in (after, upTo], at most `limit`, one connection only. And
 * what handling a deleted organization reads and drops: its contacts, its name links.
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

  it('pages through the linked organization ids, and finds and forgets what links to one organization', async () => {
    const { links } = t.store;
    await links.upsertContact('ko', 1, { personId: 1, organizationId: 70 });
    await links.upsertContact('ko', 2, { personId: 2, organizationId: 50 });
    await links.upsertContact('ko', 3, { personId: 3, organizationId: 70 }); // same company as 1
    await links.upsertContact('ko', 4, { personId: 4 }); // no company
    await links.upsertContact('other', 1, { organizationId: 60 });
    await links.setOrganization('ko', 'acme', 70);
    await links.setOrganization('ko', 'acme corp', 70); // a second spelling's key, same organization
    await links.setOrganization('ko', 'globex', 50);
    await links.setOrganization('other', 'acme', 70);

    expect(await links.listLinkedKrayinIds('ko', 'organization', 0, null, 100)).toEqual([50, 70]);
    expect(await links.listLinkedKrayinIds('ko', 'organization', 50, 69, 100)).toEqual([]);
    expect(await links.listLinkedKrayinIds('ko', 'organization', 50, null, 100)).toEqual([70]);
    expect(await links.listLinkedKrayinIds('ko', 'organization', 0, null, 1)).toEqual([50]);
    expect((await links.findContactsByOrganization('ko', 70)).map((l) => l.contactId)).toEqual([1, 3]);
    expect(await links.findContactsByOrganization('ko', 60)).toEqual([]);

    expect(await links.deleteOrganizationLinksTo('ko', 70)).toBe(2);
    expect(await links.getOrganization('ko', 'acme')).toBeNull();
    expect(await links.getOrganization('ko', 'acme corp')).toBeNull();
    expect(await links.getOrganization('ko', 'globex')).toBe(50);
    expect(await links.getOrganization('other', 'acme')).toBe(70);
    expect(await links.deleteOrganizationLinksTo('ko', 70)).toBe(0);
  });
});
