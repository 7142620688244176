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
});
