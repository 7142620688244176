/**
 * The CRM panel's actions in the contact workflow (agentAction signal): "Create lead" plans the lead
 * from Chatwoot and hands it to the sync's ensureLead (behind the chatwoot-app-create-lead patch), the
 * other actions run as before; the recorded history replays against the current code.
 */
import { Worker } from '@temporalio/worker';
import type { DesiredLead } from '../../src/mapping/types';
import { agentActionSignal } from '../../workflows/api';
import { workflowBundle } from '../helpers/harness';
import { LEAD_ID, newContactId, PERSON_ID, startStubWorld, type StubWorld } from './helpers/stub-world';

let world: StubWorld;
beforeAll(async () => {
  world = await startStubWorld();
});
afterAll(async () => {
  await world?.close();
});

const LEAD: DesiredLead = { title: 'Ada – lead', description: null, value: 0, attributes: {} };

it('"Create lead" plans the lead, ensureLead writes it once; a second request finds it and writes nothing', async () => {
  const contactId = newContactId();
  let linked = false;
  world.behave(contactId, {
    planAgentLead: async () => (linked ? { kind: 'has_lead' } : { kind: 'lead', personId: PERSON_ID, lead: LEAD }),
    // The stored person is proven the contact's before the lead is written onto it.
    readPersonForTwoWay: async () => ({
      kind: 'person',
      personId: PERSON_ID,
      person: { name: 'Ada', emails: [], contact_numbers: [], job_title: null },
      updatedAt: '2026-12-07T10:00:00.000000Z',
    }),
    ensureLead: async () => {
      linked = true;
      return { leadId: LEAD_ID };
    },
  });
  await world.send(contactId);
  await world.waitFor(contactId, (s) => s.syncStatus === 'synced' && s.status === 'idle');
  const handle = world.handle(contactId);
  await handle.signal(agentActionSignal, { kind: 'create_lead', requestedBy: 'chatwoot-app' });
  await handle.signal(agentActionSignal, { kind: 'create_lead', requestedBy: 'chatwoot-app' });
  await handle.signal(agentActionSignal, { kind: 'move_stage', stageId: 2, requestedBy: 'chatwoot-app' });
  const deadline = Date.now() + 20_000;
  while (world.calls(contactId, 'moveLeadForward').length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(world.calls(contactId, 'planAgentLead')).toHaveLength(2);
  expect(world.calls(contactId, 'ensureLead').map((c) => c.input)).toEqual([
    { connectionId: 'default', contactId, personId: PERSON_ID, lead: LEAD },
  ]);
  expect(world.calls(contactId, 'moveLeadForward').map((c) => c.input)).toEqual([
    { connectionId: 'default', contactId, stageId: 2 },
  ]);

  // The proof came first, once per lead written.
  expect(world.calls(contactId, 'readPersonForTwoWay')).toHaveLength(1);

  const history = await handle.fetchHistory();
  await expect(
    Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `replay-${contactId}`),
  ).resolves.toBeUndefined();
});

it('"Create lead" writes nothing when the stored person is not the contact\'s any more (Krayin restored)', async () => {
  const contactId = newContactId();
  world.behave(contactId, {
    planAgentLead: async () => ({ kind: 'lead', personId: PERSON_ID, lead: LEAD }),
    readPersonForTwoWay: async () => ({ kind: 'not_ours' }),
  });
  await world.send(contactId);
  await world.waitFor(contactId, (s) => s.syncStatus === 'synced' && s.status === 'idle');
  const handle = world.handle(contactId);
  await handle.signal(agentActionSignal, { kind: 'create_lead', requestedBy: 'chatwoot-app' });
  const deadline = Date.now() + 20_000;
  while (world.calls(contactId, 'readPersonForTwoWay').length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 500));
  expect(world.calls(contactId, 'ensureLead')).toEqual([]);
});
