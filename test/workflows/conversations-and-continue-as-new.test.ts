/**
 * Conversations whose lead sales deleted in Krayin sync again in the next round, and continue-as-new
 * (suggested after 60 history events by the test dev server) carries what the next run needs: counters,
 * the park reason, the delivery ids seen, the conversations not synced yet.
 */
import { toFailure } from '../../activities/failures';
import { KrayinValidationError } from '../../src/krayin/errors';
import {
  LEAD_ID,
  newContactId,
  PERSON_ID,
  startStubWorld,
  syncPlan,
  type StubActivities,
  type StubWorld,
} from './helpers/stub-world';

let world: StubWorld;
beforeAll(async () => {
  world = await startStubWorld();
});
afterAll(async () => {
  await world?.close();
});

const linked = { personId: PERSON_ID, organizationId: null, leadId: LEAD_ID };
const unchangedPlan: StubActivities['planContactSync'] = async () => ({
  kind: 'unchanged',
  links: linked,
  unsyncedConversations: [],
});

it('a conversation whose lead is gone syncs in the next round, after the contact got a lead again', async () => {
  const contactId = newContactId();
  let plans = 0;
  let conversations = 0;
  world.behave(contactId, {
    // Round 1: the contact is linked. Round 2: the activity forgot the deleted lead, so the plan ensures one.
    planContactSync: async (input) =>
      ++plans === 1
        ? unchangedPlan(input)
        : syncPlan({
            changed: { organization: false, person: false, lead: false },
            links: { ...linked, leadId: null },
            lead: { title: 'Ada', description: null, value: 0, attributes: {} },
          }),
    writeConversation: async () => (++conversations === 1 ? { kind: 'lead_gone' } : { kind: 'written', activityId: 9 }),
  });
  await world.send(contactId, { event: 'conversation_created', conversationId: 5 });

  const status = await world.waitFor(contactId, (s) => s.syncCount === 2 && s.status === 'idle');
  expect(status).toMatchObject({ eventsReceived: 1, syncStatus: 'synced' });
  expect(status.lastOutcome).toEqual({
    kind: 'synced',
    personId: PERSON_ID,
    leadId: LEAD_ID,
    organizationId: null,
    conversationsSynced: 1,
  });
  expect(world.calls(contactId).map((c) => c.name)).toEqual([
    'planContactSync',
    'readConversation',
    'writeConversation',
    // The next round, with no new event: the person is verified (and gets its lead), then the conversation.
    'planContactSync',
    'syncPerson',
    'recordSynced',
    'readConversation',
    'writeConversation',
    'recordConversation',
  ]);
  const convs = world.calls(contactId, 'writeConversation').map((c) => [c.input.conversationId, c.input.leadId]);
  expect(convs).toEqual([
    [5, LEAD_ID],
    [5, LEAD_ID],
  ]);
  expect(world.calls(contactId, 'planContactSync').map((c) => c.input.conversationStarted)).toEqual([true, true]);
});

it('continue-as-new carries the counters, the park reason and the delivery ids seen', async () => {
  const contactId = newContactId();
  world.behave(contactId, {
    syncPerson: async () => {
      throw toFailure(new KrayinValidationError('/contacts/persons', { name: ['is required'] }, 'invalid'));
    },
  });
  const first = await world.send(contactId);
  let rounds = 1;
  await world.waitFor(contactId, (s) => s.syncCount === 1);
  while ((await world.handle(contactId).describe()).runId === first.runId) {
    if (rounds === 10) throw new Error('no continue-as-new after 10 rounds (dev server threshold: 60 events)');
    await world.send(contactId);
    rounds++;
    await world.waitFor(contactId, (s) => s.syncCount === rounds);
  }

  const carried = await world.status(contactId);
  expect(carried).toMatchObject({
    status: 'idle',
    syncStatus: 'parked',
    parkReason: { kind: 'validation', endpoint: '/contacts/persons' },
    syncCount: rounds,
    eventsReceived: rounds,
    duplicatesIgnored: 0,
  });

  // The first delivery, redelivered to the new run, is still known.
  await world.send(contactId, { deliveryId: first.deliveryId });
  const next = await world.send(contactId);
  const status = await world.waitFor(contactId, (s) => s.syncCount === rounds + 1);
  expect(status).toMatchObject({ eventsReceived: rounds + 1, duplicatesIgnored: 1 });
  const newRun = world.calls(contactId, 'planContactSync').filter((c) => c.runId === next.runId);
  expect(newRun).toHaveLength(1);
});

it('continue-as-new carries the conversations not synced yet', async () => {
  const contactId = newContactId();
  const firstRunId = () => world.calls(contactId)[0]?.runId;
  world.behave(contactId, {
    planContactSync: unchangedPlan,
    // The lead stays gone in the first run: each round asks for another, until the run continues as new.
    writeConversation: async (input) =>
      world.calls(contactId, 'writeConversation').at(-1)?.runId === firstRunId()
        ? { kind: 'lead_gone' }
        : { kind: 'written', activityId: input.conversationId },
  });
  const first = await world.send(contactId, { event: 'conversation_created', conversationId: 5 });

  const status = await world.waitFor(
    contactId,
    (s) => s.lastOutcome?.kind === 'unchanged' && s.lastOutcome.conversationsSynced === 1,
    20_000,
  );
  const calls = world.calls(contactId, 'writeConversation');
  const inFirstRun = calls.filter((c) => c.runId === first.runId);
  const later = calls.filter((c) => c.runId !== first.runId);
  expect(inFirstRun.length).toBeGreaterThanOrEqual(1);
  expect(later.map((c) => c.input.conversationId)).toEqual([5]);
  expect(status).toMatchObject({ syncCount: inFirstRun.length + 1, eventsReceived: 1 });
  // The new run had no event of its own: it knew conversation 5 from the carried state.
  const plansInNewRun = world.calls(contactId, 'planContactSync').filter((c) => c.runId === later[0]?.runId);
  expect(plansInNewRun.map((c) => c.input.conversationStarted)).toEqual([true]);
});
