/**
 * Conversation lifecycle triggers for stage rules, detected from two observed states of one
 * conversation. Chatwoot webhooks are unordered, duplicated and built from database state at send time
 * (src/chatwoot/README.md §2, §4), so an event's name says little: a `conversation_status_changed` may arrive
 * after the state already moved on, or twice. Only the difference between what we last saw and what
 * the conversation looks like now decides. Pure: also runs in workflow code.
 */

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type ConversationPriority = (typeof PRIORITIES)[number];

export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';

/** Triggers without a parameter. */
export const SIMPLE_TRIGGERS = [
  'conversation_created',
  'first_agent_reply',
  'conversation_resolved',
  'conversation_reopened',
  'assigned',
] as const;
export type SimpleTrigger = (typeof SIMPLE_TRIGGERS)[number];

/** `label_added:<label>` carries the label lower-cased (labels are compared case-insensitively). */
export type Trigger = SimpleTrigger | `label_added:${string}` | `priority:${ConversationPriority}`;

/** What stage rules look at; everything else about a conversation is irrelevant to them. */
export interface ConversationObservedState {
  status: ConversationStatus;
  labels: readonly string[];
  /** A human agent; null when unassigned (or assigned to a bot). */
  assigneeId: number | null;
  /** ISO instant of the first public agent reply, or null. */
  firstReplyAt: string | null;
  priority: ConversationPriority | null;
}

const LABEL_PREFIX = 'label_added:';
const PRIORITY_PREFIX = 'priority:';

/** Canonical form of a label for comparison: trimmed, lower-cased. */
export function labelKey(label: string): string {
  return label.trim().toLowerCase();
}

export function labelAddedTrigger(label: string): Trigger {
  return `${LABEL_PREFIX}${labelKey(label)}`;
}

/** Parses a configured trigger, normalising the label; null when it is not one of the forms. */
export function parseTrigger(text: string): Trigger | null {
  if ((SIMPLE_TRIGGERS as readonly string[]).includes(text)) return text as SimpleTrigger;
  if (text.startsWith(LABEL_PREFIX)) {
    const label = labelKey(text.slice(LABEL_PREFIX.length));
    return label === '' ? null : labelAddedTrigger(label);
  }
  if (text.startsWith(PRIORITY_PREFIX)) {
    const priority = text.slice(PRIORITY_PREFIX.length);
    return (PRIORITIES as readonly string[]).includes(priority) ? (text as Trigger) : null;
  }
  return null;
}

/**
 * Triggers fired between two observations, in a fixed order (created, assigned, first reply, labels
 * sorted, priority, resolved/reopened) so the same diff always yields the same list.
 *
 * `prev` null: the conversation is new to us. It fires `conversation_created` plus everything that is
 * already true, because the states in between were never observed (a conversation first seen resolved
 * was also created and resolved). A burst coalesced into one diff fires each of its changes once.
 */
export function detectTriggers(prev: ConversationObservedState | null, next: ConversationObservedState): Trigger[] {
  const triggers: Trigger[] = [];
  if (prev === null) triggers.push('conversation_created');

  // Only the step from unassigned to assigned is progress; a hand-over between agents is not.
  if (next.assigneeId !== null && (prev === null || prev.assigneeId === null)) triggers.push('assigned');

  // first_reply_created_at is set once; a later null (stale or odd data) never "un-replies".
  if (next.firstReplyAt !== null && (prev === null || prev.firstReplyAt === null)) triggers.push('first_agent_reply');

  const before = new Set((prev?.labels ?? []).map(labelKey));
  const added = [...new Set(next.labels.map(labelKey))].filter((l) => l !== '' && !before.has(l)).sort();
  for (const label of added) triggers.push(labelAddedTrigger(label));

  if (next.priority !== null && next.priority !== (prev?.priority ?? null)) triggers.push(`priority:${next.priority}`);

  const wasResolved = prev !== null && prev.status === 'resolved';
  if (next.status === 'resolved' && !wasResolved) triggers.push('conversation_resolved');
  if (wasResolved && (next.status === 'open' || next.status === 'pending')) triggers.push('conversation_reopened');

  return triggers;
}
