/** Reference data resolution against the fake Krayin (seeded like a fresh Krayin install). */
import { KrayinClient } from '../../src/krayin/client';
import { ConnectionConfigError } from '../../src/sync/config-error';
import { KrayinLookups } from '../../src/sync/lookups';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';

describe('KrayinLookups', () => {
  let krayin: FakeKrayin;
  let client: KrayinClient;
  beforeAll(async () => {
    krayin = await startFakeKrayin({ rateLimit: 0 });
    client = new KrayinClient({ baseUrl: krayin.apiBase, token: krayin.token, timezone: 'UTC' });
  });
  afterAll(async () => {
    await client.close();
    await krayin.close();
  });
  // Some tests create sources and pipelines in Krayin; the others expect a fresh install.
  afterEach(() => krayin.reset());

  /** Creates reference data the way an admin would, through Krayin's API (not the lookups' client). */
  async function createInKrayin<T>(path: string, body: object): Promise<T> {
    const res = await fetch(`${krayin.apiBase}${path}`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${krayin.token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: T }).data;
  }

  /** GET requests Krayin saw for one list route since the last clearRequests. */
  const loadsOf = (path: string) => krayin.requests().filter((r) => r.method === 'GET' && r.path === path).length;

  it('resolves defaults: the default pipeline, its first stage, no source/type/owner', async () => {
    const lookups = new KrayinLookups(client);
    await expect(lookups.leadTarget({ titleTemplate: 't', value: 0 })).resolves.toEqual({
      pipelineId: 1,
      stageId: 1,
      sourceId: null,
      typeId: null,
      ownerId: null,
    });
  });

  it('resolves names, codes, ids and an owner email, case-insensitively', async () => {
    const lookups = new KrayinLookups(client);
    await expect(
      lookups.leadTarget({
        titleTemplate: 't',
        value: 0,
        pipeline: 'default pipeline',
        stage: 'Follow-Up',
        source: 'web',
        type: 2,
        owner: 'ADMIN@example.com',
      }),
    ).resolves.toEqual({ pipelineId: 1, stageId: 2, sourceId: 2, typeId: 2, ownerId: 1 });
    await expect(lookups.leadTarget({ titleTemplate: 't', value: 0, stage: 'Negotiation' })).resolves.toMatchObject({
      stageId: 4,
    });
  });

  it('names the wrong setting, without repeating an owner email', async () => {
    const lookups = new KrayinLookups(client);
    const fail = (lead: object) => lookups.leadTarget({ titleTemplate: 't', value: 0, ...lead });
    await expect(fail({ stage: 'closed-won' })).rejects.toThrow(
      new ConnectionConfigError('LEAD_STAGE', 'the pipeline has no stage named "closed-won"'),
    );
    await expect(fail({ pipeline: 'Sales' })).rejects.toThrow(/^LEAD_PIPELINE: Krayin has no pipeline named "Sales"$/);
    await expect(fail({ source: 'Carrier pigeon' })).rejects.toThrow(/^LEAD_SOURCE: /);
    await expect(fail({ type: 99 })).rejects.toThrow(/^LEAD_TYPE: Krayin has no type with id 99$/);
    const owner = fail({ owner: 'nobody@example.com' });
    await expect(owner).rejects.toThrow(/^LEAD_OWNER: Krayin has no user with the configured email$/);
  });

  it('collects every wrong setting for the connection check; leadTarget still throws the first', async () => {
    const lookups = new KrayinLookups(client);
    const lead = {
      titleTemplate: 't',
      value: 0,
      stage: 'closed-won',
      source: 'Carrier pigeon',
      type: 99,
      owner: 'nobody@example.com',
    };
    const check = await lookups.checkLeadTarget(lead);
    expect(check.target).toBeNull();
    expect(check.problems.map((p) => [p.setting, p.message])).toEqual([
      ['LEAD_STAGE', 'LEAD_STAGE: the pipeline has no stage named "closed-won"'],
      ['LEAD_SOURCE', 'LEAD_SOURCE: Krayin has no source named "Carrier pigeon"'],
      ['LEAD_TYPE', 'LEAD_TYPE: Krayin has no type with id 99'],
      ['LEAD_OWNER', 'LEAD_OWNER: Krayin has no user with the configured email'],
    ]);
    await expect(lookups.leadTarget(lead)).rejects.toThrow(/^LEAD_STAGE: /);
    const pipeline = await lookups.checkLeadTarget({ titleTemplate: 't', value: 0, pipeline: 'Sales', source: 'Web' });
    expect(pipeline.problems.map((p) => p.setting)).toEqual(['LEAD_PIPELINE']);
  });

  it('checkLeadTarget resolves a valid configuration to what leadTarget returns', async () => {
    const lookups = new KrayinLookups(client);
    const lead = { titleTemplate: 't', value: 0, stage: 'follow-up', source: 'Web', type: 2, owner: 1 };
    const check = await lookups.checkLeadTarget(lead);
    expect(check).toEqual({ target: await lookups.leadTarget(lead), problems: [] });
    expect(check.target).toEqual({ pipelineId: 1, stageId: 2, sourceId: 2, typeId: 2, ownerId: 1 });
  });

  it('knows won and lost stages are closed', async () => {
    const lookups = new KrayinLookups(client);
    expect(await lookups.isOpenStage(1)).toBe(true);
    expect(await lookups.isOpenStage(5)).toBe(false);
    expect(await lookups.isOpenStage(6)).toBe(false);
  });

  it('caches reference data: a second resolution makes no Krayin call', async () => {
    const lookups = new KrayinLookups(client);
    await lookups.leadTarget({ titleTemplate: 't', value: 0, source: 'Web' });
    krayin.clearRequests();
    await lookups.leadTarget({ titleTemplate: 't', value: 0, source: 'Web' });
    expect(krayin.requests()).toEqual([]);
  });

  it('reloads from Krayin once an entry is older than the TTL', async () => {
    let now = 1_000_000;
    const lookups = new KrayinLookups(client, 60_000, () => now);
    const lead = { titleTemplate: 't', value: 0, source: 'Web' };
    await lookups.leadTarget(lead);
    krayin.clearRequests();
    now += 59_999;
    await lookups.leadTarget(lead);
    expect(krayin.requests()).toEqual([]);
    now += 1;
    await lookups.leadTarget(lead);
    expect(loadsOf('/settings/pipelines')).toBe(1);
    expect(loadsOf('/settings/sources')).toBe(1);
  });

  it('a source or type missing from the cache is reloaded once and found when created since', async () => {
    const lookups = new KrayinLookups(client);
    await lookups.leadTarget({ titleTemplate: 't', value: 0, source: 'Web', type: 'New Business' });
    const source = await createInKrayin<{ id: number }>('/settings/sources', { name: 'Trade fair' });
    const type = await createInKrayin<{ id: number }>('/settings/types', { name: 'Renewal' });
    krayin.clearRequests();
    await expect(
      lookups.leadTarget({ titleTemplate: 't', value: 0, source: 'trade fair', type: 'Renewal' }),
    ).resolves.toMatchObject({ sourceId: source.id, typeId: type.id });
    expect(loadsOf('/settings/sources')).toBe(1);
    expect(loadsOf('/settings/types')).toBe(1);
    expect(loadsOf('/settings/pipelines')).toBe(0);
  });

  it('a pipeline or stage missing from the cache is reloaded once and found when created since', async () => {
    const lookups = new KrayinLookups(client);
    await lookups.leadTarget({ titleTemplate: 't', value: 0 });
    const created = await createInKrayin<{ id: number; stages: Array<{ id: number; code: string }> }>(
      '/settings/pipelines',
      {
        name: 'Partners',
        stages: [
          { code: 'intro', name: 'Intro' },
          { code: 'signed', name: 'Signed' },
        ],
      },
    );
    krayin.clearRequests();
    await expect(
      lookups.leadTarget({ titleTemplate: 't', value: 0, pipeline: 'Partners', stage: 'signed' }),
    ).resolves.toMatchObject({
      pipelineId: created.id,
      stageId: created.stages.find((st) => st.code === 'signed')!.id,
    });
    expect(loadsOf('/settings/pipelines')).toBe(1);
  });

  it('pipelinesIncluding reloads for a stage created since, but not again within 30 s for one that does not exist', async () => {
    let now = 1_000_000;
    const lookups = new KrayinLookups(client, 300_000, () => now);
    await lookups.pipelines();
    now += 31_000;
    const created = await createInKrayin<{ id: number; stages: Array<{ id: number; code: string }> }>(
      '/settings/pipelines',
      { name: 'Partners', stages: [{ code: 'won', name: 'Won' }] },
    );
    const won = created.stages[0]!.id;
    krayin.clearRequests();
    expect(await lookups.isOpenStage(won)).toBe(false); // a closed stage of the new pipeline, found by the reload
    expect(loadsOf('/settings/pipelines')).toBe(1);
    expect(await lookups.pipelinesIncluding(99_999)).toHaveLength(2); // just reloaded: no second call
    expect(loadsOf('/settings/pipelines')).toBe(1);
    now += 31_000;
    await lookups.pipelinesIncluding(99_999);
    expect(loadsOf('/settings/pipelines')).toBe(2);
    await lookups.pipelinesIncluding(won); // present: from the cache
    expect(loadsOf('/settings/pipelines')).toBe(2);
  });

  it('usersIncluding reloads for an email no cached user has, at most every 30 s', async () => {
    let now = 1_000_000;
    const lookups = new KrayinLookups(client, 300_000, () => now);
    expect((await lookups.usersIncluding('admin@example.com')).map((u) => u.id)).toEqual([1]);
    now += 31_000;
    krayin.clearRequests();
    await lookups.usersIncluding('ADMIN@example.com'); // cached, case-insensitive
    expect(loadsOf('/settings/users')).toBe(0);
    await lookups.usersIncluding('new.agent@example.com');
    await lookups.usersIncluding('new.agent@example.com');
    expect(loadsOf('/settings/users')).toBe(1);
  });

  it('a miss for something Krayin does not have reloads once, then names the setting', async () => {
    const lookups = new KrayinLookups(client);
    await lookups.leadTarget({ titleTemplate: 't', value: 0, source: 'Web' });
    krayin.clearRequests();
    await expect(lookups.leadTarget({ titleTemplate: 't', value: 0, source: 'Carrier pigeon' })).rejects.toThrow(
      /^LEAD_SOURCE: /,
    );
    expect(loadsOf('/settings/sources')).toBe(1);
    krayin.clearRequests();
    await expect(lookups.ownerId('nobody@example.com')).rejects.toThrow(/^LEAD_OWNER: /);
    // Users were not cached yet: one load for the first look, one refresh for the miss.
    expect(loadsOf('/settings/users')).toBe(2);
  });
});
