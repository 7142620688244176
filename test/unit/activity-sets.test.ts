/**
 * Activities come in one set per task queue (activities/index.ts). What each queue's worker registers
 * (src/temporal/workers.ts) is exactly its sets, no name is in two sets, and the compiler keeps a
 * Krayin activity off the Chatwoot proxy and Chatwoot clients out of the Krayin set (typeChecks below,
 * compiled by `tsc --noEmit`; an unused @ts-expect-error fails it).
 */
import { createActivities, type ActivityDeps } from '../../activities';
import type { ChatwootSide, KrayinSide } from '../../activities/deps';
import { loadConfigFromEnv } from '../../src/config/env';
import type { Store } from '../../src/store/types';
import { createConnectionRegistry } from '../../src/sync/create-registry';
import { krayinQueueActivities, mainQueueActivities } from '../../src/temporal/workers';
import type { ActivityProxies } from '../../workflows/activity-proxies';

const config = loadConfigFromEnv({
  KRAYIN_URL: 'http://127.0.0.1:9/api/v1',
  KRAYIN_TOKEN: '7|Kr4yinT0kenSecretValue',
  CHATWOOT_URL: 'http://127.0.0.1:9',
  CHATWOOT_ACCOUNT_ID: '1',
  CHATWOOT_API_TOKEN: 'cw-api-token',
  CHATWOOT_WEBHOOK_SECRET: 'cw-webhook-secret',
  DEBOUNCE_MS: '1500',
  IDLE_CLOSE_MS: '60000',
});

const KRAYIN = [
  'fieldMapCatalog',
  'syncOrganization',
  'syncPerson',
  'ensureLead',
  'writeConversation',
  'writeMessages',
  'leadStageContext',
  'moveLeadStage',
  'setLeadOwner',
  'applyChatwootDeletePolicy',
  'krayinLinkedMissing',
  'pollKrayinChanges',
  'readPersonForTwoWay',
  'scanKrayinIds',
  'readLeadForChatwoot',
  'pollKrayinActivities',
  'readKrayinActivity',
  'addLeadNote',
  'moveLeadForward',
];
const LEGACY_ON_KRAYIN_QUEUE = ['syncConversation', 'syncMessageActivities', 'assignLeadOwner'];
const CHATWOOT = [
  'planContactSync',
  'readConversation',
  'readMessages',
  'findMergeTarget',
  'applyKrayinPerson',
  'applyLeadToChatwoot',
  'adoptKrayinPersons',
  'planAgentLead',
  'noteKrayinActivity',
];
const STORE = [
  'recordSynced',
  'recordSkipped',
  'recordParked',
  'recordGone',
  'recordConversation',
  'rememberConversations',
  'relinkMergedContact',
];
const SETTINGS = ['connectionSettings'];
/** The backfill dry run's person lookups (activities/backfill.ts): on the Krayin queue, within its budget. */
const BACKFILL_ON_KRAYIN_QUEUE = ['backfillFindPersons'];

describe('activity sets per task queue', () => {
  // Building the sets only binds their dependencies; these tests call nothing that touches the store
  // (connectionSettings reads config only), so none is opened.
  const deps: ActivityDeps = { store: {} as Store, connections: createConnectionRegistry(config) };

  it('each set holds exactly its activities', () => {
    const sets = createActivities(deps);
    expect(Object.keys(sets.krayin).sort()).toEqual([...KRAYIN].sort());
    expect(Object.keys(sets.legacyKrayinQueue).sort()).toEqual([...LEGACY_ON_KRAYIN_QUEUE].sort());
    expect(Object.keys(sets.chatwoot).sort()).toEqual([...CHATWOOT].sort());
    expect(Object.keys(sets.store).sort()).toEqual([...STORE].sort());
    expect(Object.keys(sets.settings)).toEqual(SETTINGS);
  });

  it('no activity name is in two sets (a spread would silently register one over the other)', () => {
    const all = Object.values(createActivities(deps)).flatMap((set) => Object.keys(set));
    expect(new Set(all).size).toBe(all.length);
  });

  it("the Krayin poll's hand-over is registered only with a dispatcher that can signal Krayin changes", () => {
    expect(Object.keys(createActivities(deps).twoWay)).toEqual([]);
    const dispatcher = { dispatch: async () => undefined, dispatchKrayinChange: async () => undefined };
    expect(Object.keys(createActivities({ ...deps, dispatcher }).twoWay)).toEqual(['handKrayinChanges']);
    expect(Object.keys(mainQueueActivities(createActivities({ ...deps, dispatcher })))).toContain('handKrayinChanges');
  });

  it('connectionSettings reads the workflow timings from the connection config (the live source)', async () => {
    const { connectionSettings } = createActivities(deps).settings;
    const connection = config.connections[0]!;
    await expect(connectionSettings({ connectionId: connection.id })).resolves.toEqual({
      debounceMs: 1500,
      maxDebounceMs: 30_000,
      idleCloseMs: 60_000,
      activityTimeoutMs: connection.krayin.timeoutMs * 4,
    });
  });

  it('the main queue registers the Chatwoot, store and settings sets; the Krayin queue the Krayin set', () => {
    const sets = createActivities(deps);
    expect(Object.keys(mainQueueActivities(sets)).sort()).toEqual([...CHATWOOT, ...STORE, ...SETTINGS].sort());
    expect(Object.keys(krayinQueueActivities(sets)).sort()).toEqual(
      [...KRAYIN, ...LEGACY_ON_KRAYIN_QUEUE, ...BACKFILL_ON_KRAYIN_QUEUE].sort(),
    );
  });
});

/** Never called: its body is what `tsc --noEmit` checks. */
export function typeChecks(acts: ActivityProxies, krayin: KrayinSide, chatwoot: ChatwootSide): unknown[] {
  return [
    // A Krayin activity cannot be proxied through the Chatwoot (main queue) proxy...
    // @ts-expect-error syncPerson is not in the Chatwoot set
    acts.chatwoot.syncPerson,
    // @ts-expect-error nor through the store proxy
    acts.store.writeConversation,
    // ...and a Chatwoot read not through the Krayin one.
    // @ts-expect-error readConversation is not in the Krayin set
    acts.krayin.readConversation,
    // CRM facts: the lead is read on the Krayin queue and written to Chatwoot on the main one, never the other way.
    // @ts-expect-error readLeadForChatwoot is not in the Chatwoot set
    acts.chatwoot.readLeadForChatwoot,
    // @ts-expect-error applyLeadToChatwoot is not in the Krayin set
    acts.krayin.applyLeadToChatwoot,
    // The Krayin set's activities cannot reach a Chatwoot client, nor the Chatwoot set a Krayin one.
    // @ts-expect-error no chatwoot on the Krayin side
    krayin.chatwoot,
    // @ts-expect-error no agents (Chatwoot) on the Krayin side
    krayin.agents,
    // @ts-expect-error no krayin on the Chatwoot side
    chatwoot.krayin,
    // @ts-expect-error no Krayin lookups on the Chatwoot side
    chatwoot.lookups,
    // What each side may use compiles.
    acts.krayin.syncPerson,
    acts.chatwoot.readConversation,
    acts.krayin.readLeadForChatwoot,
    acts.chatwoot.applyLeadToChatwoot,
    krayin.lookups,
    chatwoot.agents,
  ];
}
