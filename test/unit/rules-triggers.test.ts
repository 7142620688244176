import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectTriggers, parseTrigger, type ConversationObservedState, type Trigger } from '../../src/rules/triggers';

const FIXTURES = process.env.CHATWOOT_FIXTURES_DIR ?? path.resolve(__dirname, '../../../shared/chatwoot-fixtures');

/** The conversation state a webhook body shows (conversation_* bodies are the conversation itself). */
function observed(file: string): ConversationObservedState {
  const body = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
  const c = (body.conversation ?? body) as {
    status: ConversationObservedState['status'];
    labels: string[];
    meta: { assignee: { id: number } | null };
    first_reply_created_at: string | null;
    priority: ConversationObservedState['priority'];
  };
  return {
    status: c.status,
    labels: c.labels,
    assigneeId: c.meta.assignee?.id ?? null,
    firstReplyAt: c.first_reply_created_at,
    priority: c.priority,
  };
}

const state = (s: Partial<ConversationObservedState> = {}): ConversationObservedState => ({
  status: 'open',
  labels: [],
  assigneeId: null,
  firstReplyAt: null,
  priority: null,
  ...s,
});

/** Conversation 87, src/chatwoot/README.md §7: created, assignee, note, labels, reply, first reply, resolve (x2). */
const SEQUENCE = [
  'conversation_created.json',
  'conversation_updated.assignee.json',
  'message_created.private_note.json',
  'conversation_updated.json',
  'message_created.outgoing.json',
  'conversation_updated.first_reply.json',
  'conversation_status_changed.json',
  'conversation_updated.status.json',
];

describe('detectTriggers over the fixture sequence', () => {
  it('fires each lifecycle step once, at the event that first shows it', () => {
    const states = SEQUENCE.map(observed);
    const fired = states.map((next, i) => detectTriggers(i === 0 ? null : (states[i - 1] ?? null), next));
    expect(fired).toEqual([
      ['conversation_created'],
      ['assigned'],
      [], // a private note changes nothing a rule looks at
      ['label_added:upgrade', 'label_added:vip'],
      ['first_agent_reply'], // the reply's payload already shows first_reply_created_at
      [], // ...so its own conversation_updated is a no-op
      ['conversation_resolved'],
      [], // the fan-out twin of the status change
    ]);
  });

  it('fires everything once when a whole burst is coalesced into one diff', () => {
    const first = observed('conversation_created.json');
    expect(detectTriggers(first, observed('conversation_updated.status.json'))).toEqual([
      'assigned',
      'first_agent_reply',
      'label_added:upgrade',
      'label_added:vip',
      'conversation_resolved',
    ]);
  });

  it('sees a conversation first met after the fact as created plus everything already true', () => {
    expect(detectTriggers(null, observed('conversation_updated.status.json'))).toEqual([
      'conversation_created',
      'assigned',
      'first_agent_reply',
      'label_added:upgrade',
      'label_added:vip',
      'conversation_resolved',
    ]);
  });

  it('depends on states only: deliveries in any order fire the same triggers in total', () => {
    // Chatwoot delivers unordered; the sync re-reads the conversation, so what it compares is the
    // current state each time. Shuffled deliveries of one history, processed against the latest
    // state seen, yield each trigger exactly once.
    const states = SEQUENCE.map(observed);
    const deliveryOrder = [6, 0, 3, 7, 1, 5, 2, 4];
    let last: ConversationObservedState | null = null;
    const all: Trigger[] = [];
    let newest = -1;
    for (const index of deliveryOrder) {
      newest = Math.max(newest, index); // re-reading returns the newest state, whichever event woke us
      const current = states[newest] as ConversationObservedState;
      all.push(...detectTriggers(last, current));
      last = current;
    }
    expect(all.sort()).toEqual(
      [
        'conversation_created',
        'assigned',
        'first_agent_reply',
        'label_added:upgrade',
        'label_added:vip',
        'conversation_resolved',
      ].sort(),
    );
  });

  it('does not re-fire from stale data showing an older state', () => {
    const done = observed('conversation_updated.status.json');
    const stale = { ...observed('conversation_updated.assignee.json'), status: 'resolved' as const };
    expect(detectTriggers(done, stale)).toEqual([]);
  });
});

describe('detectTriggers rules', () => {
  it('a new open conversation is only created', () => {
    expect(detectTriggers(null, state())).toEqual(['conversation_created']);
  });

  it('reopened means resolved -> open or pending', () => {
    expect(detectTriggers(state({ status: 'resolved' }), state({ status: 'open' }))).toEqual(['conversation_reopened']);
    expect(detectTriggers(state({ status: 'resolved' }), state({ status: 'pending' }))).toEqual([
      'conversation_reopened',
    ]);
    expect(detectTriggers(state({ status: 'resolved' }), state({ status: 'snoozed' }))).toEqual([]);
    expect(detectTriggers(state({ status: 'open' }), state({ status: 'pending' }))).toEqual([]);
    expect(detectTriggers(state({ status: 'snoozed' }), state({ status: 'resolved' }))).toEqual([
      'conversation_resolved',
    ]);
  });

  it('assigned means unassigned -> assigned, not a hand-over or an unassignment', () => {
    expect(detectTriggers(state(), state({ assigneeId: 7 }))).toEqual(['assigned']);
    expect(detectTriggers(state({ assigneeId: 7 }), state({ assigneeId: 8 }))).toEqual([]);
    expect(detectTriggers(state({ assigneeId: 7 }), state())).toEqual([]);
  });

  it('labels: added ones only, compared case-insensitively, sorted; a re-added label fires again', () => {
    expect(detectTriggers(state({ labels: ['VIP'] }), state({ labels: ['vip', 'Upgrade', 'b2b'] }))).toEqual([
      'label_added:b2b',
      'label_added:upgrade',
    ]);
    expect(detectTriggers(state({ labels: ['vip'] }), state())).toEqual([]);
    expect(detectTriggers(state(), state({ labels: ['vip'] }))).toEqual(['label_added:vip']);
  });

  it('priority: a new non-null priority fires', () => {
    expect(detectTriggers(state(), state({ priority: 'urgent' }))).toEqual(['priority:urgent']);
    expect(detectTriggers(state({ priority: 'high' }), state({ priority: 'low' }))).toEqual(['priority:low']);
    expect(detectTriggers(state({ priority: 'high' }), state())).toEqual([]);
    expect(detectTriggers(null, state({ priority: 'high' }))).toEqual(['conversation_created', 'priority:high']);
  });

  it('first_agent_reply fires once, and a later null does not undo it', () => {
    const replied = state({ firstReplyAt: '2026-06-20T09:16:05.902Z' });
    expect(detectTriggers(state(), replied)).toEqual(['first_agent_reply']);
    expect(detectTriggers(replied, { ...replied, firstReplyAt: '2026-06-21T00:00:00.000Z' })).toEqual([]);
    expect(detectTriggers(replied, state())).toEqual([]);
  });

  it('identical states fire nothing', () => {
    const s = observed('conversation_updated.json');
    expect(detectTriggers(s, { ...s, labels: [...s.labels].reverse() })).toEqual([]);
  });
});

describe('parseTrigger', () => {
  it.each<[string, Trigger | null]>([
    ['conversation_created', 'conversation_created'],
    ['assigned', 'assigned'],
    ['label_added:VIP ', 'label_added:vip'],
    ['label_added:', null],
    ['priority:urgent', 'priority:urgent'],
    ['priority:critical', null],
    ['conversation_opened', null],
    ['', null],
  ])('%p -> %p', (text, expected) => {
    expect(parseTrigger(text)).toBe(expected);
  });
});
