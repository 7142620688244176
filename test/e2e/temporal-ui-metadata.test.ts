/**
 * What an operator reads in the Temporal UI, read back from the real dev server: the workflow's static
 * summary and details (describe), the summaries of its timers and activities (history events'
 * `userMetadata`), and its current details (the SDK's `__temporal_workflow_metadata` query, which the
 * UI calls). Decoded with the payload converter, through the encryption codec when payloads are
 * encrypted, in which case none of it is stored in clear. A contact with a conversation whose first
 * agent reply moves its lead, so the conversation steps are covered too.
 */
import { type temporal } from '@temporalio/proto';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { generateKey, parseKeyring } from '../../src/codec/keyring';
import { createEncryptionCodec } from '../../src/codec/encryption-codec';
import { startHarness, type Harness } from '../helpers/harness';
import { loadFixture } from '../helpers/webhooks';

// Contact 1042 and conversation 87 are those of the recorded Chatwoot fixtures (src/chatwoot/README.md §7).
const CONTACT = 1042;
const JANE = {
  id: CONTACT,
  name: 'Jane Doe',
  email: 'jane.doe@example.com',
  phone_number: '+4915112345678',
  additional_attributes: { company_name: 'Acme Logistics GmbH' },
  custom_attributes: {},
};
const PII = ['Jane', 'jane.doe', '4915112345678', 'Acme'];
const STAGE_RULES = [{ on: 'first_agent_reply', stage: 'prospect' }];

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** A new contact writes to Chatwoot, then an agent replies: two syncs, the second moves the lead. */
async function contactWithAReply(h: Harness): Promise<void> {
  h.chatwoot.upsertContact(JANE);
  h.chatwoot.upsertConversation({ id: 87, contactId: CONTACT, inboxId: 3, created_at: 1781946843, status: 'open' });
  h.chatwoot.addMessage(87, { id: 58210, message_type: 'incoming', content: 'Hi!', created_at: 1781946843 });
  expect((await h.post(loadFixture('conversation_created.json'))).status).toBe(202);
  await h.waitFor(CONTACT, (s) => s.syncCount >= 1 && s.status === 'idle', 60_000);

  h.chatwoot.addMessage(87, { id: 58217, message_type: 'outgoing', content: 'Hello', created_at: 1781946965 });
  h.chatwoot.upsertConversation({ id: 87, contactId: CONTACT, first_reply_created_at: 1781946965, waiting_since: 0 });
  expect((await h.post(loadFixture('conversation_updated.first_reply.json'))).status).toBe(202);
  await h.waitFor(CONTACT, (s) => s.syncCount >= 2 && s.status === 'idle', 60_000);
}

async function text(payload: Payload | null | undefined, codec: PayloadCodec | null): Promise<string | undefined> {
  if (!payload) return undefined;
  const [decoded] = codec ? await codec.decode([payload]) : [payload];
  return defaultPayloadConverter.fromPayload<string>(decoded!);
}

/** The summaries of the history's timers and scheduled activities, in order. */
async function summaries(events: HistoryEvent[], codec: PayloadCodec | null) {
  const timers: (string | undefined)[] = [];
  const activities: { type: string; summary: string | undefined }[] = [];
  for (const e of events) {
    if (e.timerStartedEventAttributes) timers.push(await text(e.userMetadata?.summary, codec));
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      activities.push({
        type: scheduled.activityType?.name ?? '',
        summary: await text(e.userMetadata?.summary, codec),
      });
    }
  }
  return { timers, activities };
}

/** Checks what the UI shows; returns the history events of every run, for further checks. */
async function expectOperatorView(h: Harness, codec: PayloadCodec | null): Promise<HistoryEvent[]> {
  const handle = h.handle(CONTACT);
  const lead = h.krayin.snapshot().leads[0]!;
  const person = h.krayin.snapshot().persons[0]!;

  // The test server suggests continue-as-new after 60 events: the two syncs may span runs (of this
  // harness: another test's runs of the same workflow id are on its own task queue).
  const runs: string[] = [];
  const query = `WorkflowId = "contact:default:${CONTACT}" AND TaskQueue = "${h.config.temporal.taskQueue}"`;
  for await (const wf of h.client.workflow.list({ query })) {
    runs.unshift(wf.runId); // newest first in the list
  }
  const firstRun = h.client.workflow.getHandle(`contact:default:${CONTACT}`, runs[0]);
  const description = await firstRun.describe();
  expect(await description.staticSummary()).toBe(`Contact ${CONTACT} on connection default`);
  expect(await description.staticDetails()).toContain(`Syncs Chatwoot contact **${CONTACT}** of connection`);
  const events: HistoryEvent[] = [];
  for (const runId of runs) {
    events.push(
      ...((await h.client.workflow.getHandle(`contact:default:${CONTACT}`, runId).fetchHistory()).events ?? []),
    );
  }
  const { timers, activities } = await summaries(events, codec);
  expect(timers.length).toBeGreaterThanOrEqual(3);
  expect(new Set(timers)).toEqual(new Set(['Close after 1m idle', 'Wait 300ms for more events (debounce)']));
  for (const a of activities) expect(a).toEqual({ type: a.type, summary: expect.any(String) });
  const said = activities.map((a) => a.summary);
  expect(said).toEqual(
    expect.arrayContaining([
      `Read contact ${CONTACT} from Chatwoot and plan the sync`,
      `Find or create Krayin person (and lead) for contact ${CONTACT}`,
      `Record contact ${CONTACT} synced (person ${person.id}, lead ${lead.id})`,
      `Write conversation 87 to Krayin lead ${lead.id} timeline`,
      `Read Krayin lead ${lead.id} stage for the stage rules (first agent reply)`,
      expect.stringMatching(new RegExp(`^Update Krayin lead ${lead.id} stage to \\d+ \\(first agent reply\\)$`)),
      'Record conversation 87 as seen',
    ]),
  );

  const metadata = await handle.query<temporal.api.sdk.v1.IWorkflowMetadata>('__temporal_workflow_metadata');
  const details = metadata.currentDetails ?? '';
  expect(details).toContain(`**Contact ${CONTACT} on connection default: synced** (waiting for events)`);
  expect(details).toContain(`- Krayin: person ${person.id}, lead ${lead.id}`);
  expect(details).toContain('- Events received: 2; syncs: 2');
  expect(details).toContain('- Pending conversations: none');

  const everything = [...timers, ...said, details].map(String).join('\n');
  for (const word of PII) expect(everything).not.toContain(word);
  return events;
}

describe('Temporal UI metadata of a contact workflow', () => {
  it('gives the workflow, its timers and its activities plain-words summaries, and current details', async () => {
    const h = await startHarness({ sync: { leadPolicy: 'first_conversation', stageRules: STAGE_RULES } });
    try {
      await contactWithAReply(h);
      await expectOperatorView(h, null);
    } finally {
      await h.close();
    }
  });

  it('encrypts the metadata with the payloads when a key is set, and decodes it through the codec', async () => {
    const keyring = parseKeyring(`k1:${generateKey()}`);
    const h = await startHarness({
      sync: { leadPolicy: 'first_conversation', stageRules: STAGE_RULES },
      service: { codec: { encryption: keyring } },
    });
    try {
      await contactWithAReply(h);
      const events = await expectOperatorView(h, createEncryptionCodec(keyring));
      // In history, every summary is ciphertext: unreadable without the key.
      const stored = events.flatMap((e) => (e.userMetadata?.summary ? [e.userMetadata.summary] : []));
      expect(stored.length).toBeGreaterThan(5);
      for (const p of stored) expect(Buffer.from(p.metadata!.encoding!).toString()).toBe('binary/encrypted');
    } finally {
      await h.close();
    }
  });
});
