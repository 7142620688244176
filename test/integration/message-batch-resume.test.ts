/**
 * writeMessages (the Krayin half of per-message activities) heartbeats each message it is done with;
 * a retry of the same batch (a worker killed mid-batch) starts after the last heartbeated message.
 * Real store (PGlite) and the fake Krayin over HTTP; the activity runs in the SDK's activity test
 * environment, which hands it the previous attempt's heartbeat details as Temporal would.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityBody } from '../../activities/contracts';
import { messageMarker } from '../../src/conversations/marker';
import { createConnectionRegistry, krayinClientFor } from '../../src/sync/create-registry';
import { identityHashes, identityHashSalt } from '../../src/sync/ownership';
import { createKrayinActivities } from '../../activities/krayin';
import type { WriteMessagesInput } from '../../activities/contracts';
import { startHarness, type Harness } from '../helpers/harness';

const CONTACT = 77;
const CONVERSATION = 5;
const EMAIL = 'jane.resume@example.com';
const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

describe('a message batch resumes after its last heartbeat', () => {
  let h: Harness;
  let input: WriteMessagesInput;
  let acts: ReturnType<typeof createKrayinActivities>;

  beforeAll(async () => {
    h = await startHarness({ workers: false });
    const conn = h.config.connections[0]!;
    const person = await krayinClientFor(conn).createPerson({
      name: 'Jane Resume',
      emails: [{ value: EMAIL, label: 'work' }],
      contact_numbers: [],
    });
    acts = createKrayinActivities({ store: h.store, connections: createConnectionRegistry(h.config) });
    const note = (messageId: number): ActivityBody => ({
      type: 'note',
      title: `Message ${messageId}`,
      comment: 'text',
      additional: messageMarker(CONVERSATION, messageId, conn.chatwoot.accountId) as unknown as Record<string, unknown>,
      location: '',
      is_done: 1,
    });
    input = {
      connectionId: conn.id,
      contactId: CONTACT,
      conversationId: CONVERSATION,
      leadId: null,
      personId: person.id,
      contactHashes: identityHashes(identityHashSalt(conn.id, CONTACT), [EMAIL], []),
      messages: [101, 102, 103].map((messageId) => ({ messageId, activity: note(messageId) })),
    };
  });
  afterAll(() => h?.close());

  const notes = () =>
    h.krayin
      .snapshot()
      .activities.map((a) => (a.additional as { chatwoot?: { message?: number } } | null)?.chatwoot?.message)
      .filter((m) => m !== undefined)
      .sort();

  it('heartbeats every message id it finished, in order', async () => {
    const env = new MockActivityEnvironment({ attempt: 1 }, { logger: quiet });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    await expect(env.run(acts.writeMessages, { ...input, messages: input.messages.slice(0, 2) })).resolves.toEqual({
      written: 2,
      targetUsable: true,
    });
    expect(beats).toEqual([101, 102]);
    expect(notes()).toEqual([101, 102]);
  });

  it('a retry whose previous attempt heartbeated 102 writes only what follows, once', async () => {
    h.krayin.clearRequests();
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: 102 }, { logger: quiet });
    await expect(env.run(acts.writeMessages, input)).resolves.toEqual({ written: 1, targetUsable: true });
    expect(notes()).toEqual([101, 102, 103]);
    expect((await h.store.conversations.get(input.connectionId, CONVERSATION))?.lastMessageId).toBe(103);
    // Nothing before the heartbeat was looked at again: one timeline read, one create.
    expect(h.krayinCalls().filter((c) => c.method === 'POST' && c.path === '/activities')).toHaveLength(1);
  });

  it('a retry after the whole batch was heartbeated makes no Krayin call', async () => {
    h.krayin.clearRequests();
    const env = new MockActivityEnvironment({ attempt: 3, heartbeatDetails: 103 }, { logger: quiet });
    await expect(env.run(acts.writeMessages, input)).resolves.toEqual({ written: 0, targetUsable: true });
    expect(h.krayinCalls()).toEqual([]);
  });
});
