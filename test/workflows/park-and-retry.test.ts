/**
 * What the contact workflow does with failures: a failure retrying cannot fix parks the contact with a
 * PII-free reason until a retry signal or new data; an unexpected one marks it failed; a transient one
 * is retried by the activity's policy and never reaches the workflow. Failures are the real
 * ApplicationFailures the activities throw (activities/failures.ts translating the clients' errors).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { toFailure } from '../../activities/failures';
import { KrayinTransientError, KrayinValidationError } from '../../src/krayin/errors';
import { newContactId, PERSON_ID, startStubWorld, syncPlan, type StubWorld } from './helpers/stub-world';

let world: StubWorld;
beforeAll(async () => {
  world = await startStubWorld();
});
afterAll(async () => {
  await world?.close();
});

const rejected = () =>
  toFailure(new KrayinValidationError('/contacts/persons', { emails: ['is invalid'] }, 'The given data was invalid.'));

/** syncPerson fails with Krayin's 422 until `fixed()`. */
function personRejectedUntilFixed(contactId: number) {
  let fixed = false;
  world.behave(contactId, {
    syncPerson: async () => {
      if (!fixed) throw rejected();
      return { personId: PERSON_ID, leadId: null, created: true };
    },
  });
  return () => {
    fixed = true;
  };
}

it('parks on a failure retrying cannot fix, and a retry signal resumes it (forced)', async () => {
  const contactId = newContactId();
  const fix = personRejectedUntilFixed(contactId);
  await world.send(contactId);

  const parked = await world.waitFor(contactId, (s) => s.syncStatus === 'parked');
  expect(parked.parkReason).toMatchObject({ kind: 'validation', endpoint: '/contacts/persons' });
  expect(parked.parkReason?.message).toContain('emails');
  const [recorded] = world.calls(contactId, 'recordParked');
  expect(recorded?.input).toMatchObject({ status: 'parked', reason: { kind: 'validation' } });
  // One attempt: non-retryable, so the activity's retry policy did not run it again.
  expect(world.calls(contactId, 'syncPerson')).toHaveLength(1);

  fix();
  await world.retry(contactId);
  const synced = await world.waitFor(contactId, (s) => s.syncStatus === 'synced');
  expect(synced).toMatchObject({ parkReason: null, syncCount: 2, eventsReceived: 1 });
  expect(world.calls(contactId, 'planContactSync').map((c) => c.input.force)).toEqual([false, true]);
});

it('a parked contact resumes on new data (not forced)', async () => {
  const contactId = newContactId();
  const fix = personRejectedUntilFixed(contactId);
  await world.send(contactId);
  await world.waitFor(contactId, (s) => s.syncStatus === 'parked');

  fix();
  await world.send(contactId);
  const synced = await world.waitFor(contactId, (s) => s.syncStatus === 'synced');
  expect(synced).toMatchObject({ parkReason: null, syncCount: 2, eventsReceived: 2 });
  expect(world.calls(contactId, 'planContactSync').map((c) => c.input.force)).toEqual([false, false]);
});

it('an unexpected non-retryable failure is "failed", not "parked", and the conversations are remembered', async () => {
  const contactId = newContactId();
  world.behave(contactId, {
    syncPerson: async () => {
      throw ApplicationFailure.nonRetryable('the activity hit a bug', 'SomethingUnexpected');
    },
  });
  await world.send(contactId, { event: 'conversation_created', conversationId: 4 });

  const failed = await world.waitFor(contactId, (s) => s.syncStatus === 'failed');
  expect(failed.parkReason).toEqual({ kind: 'internal', message: 'the activity hit a bug' });
  expect(failed.lastOutcome).toEqual({ kind: 'failed', reason: failed.parkReason });
  expect(world.calls(contactId).map((c) => c.name)).toEqual([
    'planContactSync',
    'syncPerson',
    'rememberConversations',
    'recordParked',
  ]);
  expect(world.calls(contactId, 'rememberConversations')[0]?.input.conversationIds).toEqual([4]);
  expect(world.calls(contactId, 'recordParked')[0]?.input.status).toBe('failed');
});

it('a mapping problem found by the plan parks without touching Krayin', async () => {
  const contactId = newContactId();
  world.behave(contactId, {
    planContactSync: async () => ({
      kind: 'invalid',
      problems: [{ field: 'fieldMap.person.tier', message: 'no such attribute' }],
    }),
  });
  await world.send(contactId);
  const parked = await world.waitFor(contactId, (s) => s.syncStatus === 'parked');
  expect(parked.parkReason).toEqual({ kind: 'mapping', message: 'fieldMap.person.tier: no such attribute' });
  expect(world.calls(contactId).map((c) => c.name)).toEqual(['planContactSync', 'recordParked']);
});

it('a transient failure is retried by the activity and never parks', async () => {
  const contactId = newContactId();
  world.behave(contactId, {
    planContactSync: async () => syncPlan(),
    syncPerson: async () => {
      // KRAYIN_RETRY waits 1 s before the second attempt.
      if (Context.current().info.attempt === 1)
        throw toFailure(new KrayinTransientError('/contacts/persons', 502, 'Bad Gateway'));
      return { personId: PERSON_ID, leadId: null, created: true };
    },
  });
  await world.send(contactId);
  const synced = await world.waitFor(contactId, (s) => s.syncStatus === 'synced');
  expect(synced.syncCount).toBe(1);
  expect(world.calls(contactId, 'syncPerson')).toHaveLength(2);
  expect(world.calls(contactId, 'recordParked')).toHaveLength(0);
});
