/**
 * The fake's list semantics, as strict as Chatwoot's finders (src/chatwoot/README.md §5):
 * contacts: only "resolved" ones (email, phone or identifier), 15 a page, sort keys of procore-sift,
 * no sort = no defined order (deliberately scrambled here so callers that forget `sort` notice);
 * messages: latest 20, `before` -> 20 older, `after` -> up to 100 newer, both -> up to 1000 between,
 * always ascending.
 */
import type { FakeChatwootState, FakeContact, FakeConversation, FakeMessage } from './state';

export const CONTACTS_PER_PAGE = 15;

const SORT_KEYS: Record<string, (c: FakeContact) => string | number | null> = {
  name: (c) => c.name,
  email: (c) => c.email,
  phone_number: (c) => c.phone_number,
  last_activity_at: (c) => c.last_activity_at,
  created_at: (c) => c.created_at,
  company_name: (c) => stringAttr(c, 'company_name'),
  city: (c) => stringAttr(c, 'city'),
  country: (c) => stringAttr(c, 'country'),
};

function stringAttr(c: FakeContact, key: string): string | null {
  const v = c.additional_attributes[key];
  return typeof v === 'string' ? v : null;
}

const present = (v: string | null) => v !== null && v !== '';

/** contact.rb `resolved_contacts`: anonymous widget visitors are never listed. */
export function isResolved(c: FakeContact): boolean {
  return present(c.email) || present(c.phone_number) || present(c.identifier);
}

/** Deterministic but meaningless order, standing in for Postgres without ORDER BY. */
function scramble(id: number): number {
  return Math.imul(id ^ 0x5bd1e995, 0x27d4eb2d) >>> 0;
}

function compare(a: string | number | null, b: string | number | null): number {
  // Postgres sorts NULLs last ascending (and first descending, which the caller's reversal yields).
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function sortContacts(contacts: FakeContact[], sort: string | undefined): FakeContact[] {
  const desc = sort?.startsWith('-') ?? false;
  const key = sort === undefined ? undefined : SORT_KEYS[desc ? sort.slice(1) : sort];
  if (!key) return [...contacts].sort((a, b) => scramble(a.id) - scramble(b.id));
  const sorted = [...contacts].sort((a, b) => compare(key(a), key(b)) || a.id - b.id);
  return desc ? sorted.reverse() : sorted;
}

/** Kaminari: a missing, non-numeric or < 1 page is page 1. */
export function pageNumber(raw: unknown): number {
  const n = typeof raw === 'string' ? Number.parseInt(raw, 10) : NaN;
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

export function listContactPage(state: FakeChatwootState, page: number, sort: string | undefined) {
  const resolved = sortContacts([...state.contacts.values()].filter(isResolved), sort);
  const start = (page - 1) * CONTACTS_PER_PAGE;
  return { total: resolved.length, contacts: resolved.slice(start, start + CONTACTS_PER_PAGE) };
}

/** CONVERSATION_RESULTS_PER_PAGE */
export const CONVERSATIONS_PER_PAGE = 25;

/**
 * conversation_finder.rb: `status` defaults to open (`all` = any), `sort_by` defaults to the latest
 * activity first (`created_at_asc` is the other order modelled here); meta counts are over the filter.
 */
export function listConversationPage(
  state: FakeChatwootState,
  page: number,
  query: { status?: string | undefined; sortBy?: string | undefined },
) {
  const status = query.status ?? 'open';
  const matching = [...state.conversations.values()].filter((c) => status === 'all' || c.status === status);
  const byCreated = (a: FakeConversation, b: FakeConversation) => a.created_at - b.created_at || a.id - b.id;
  const byActivity = (a: FakeConversation, b: FakeConversation) =>
    b.last_activity_at - a.last_activity_at || b.id - a.id;
  const sorted = matching.sort(query.sortBy === 'created_at_asc' ? byCreated : byActivity);
  const start = (page - 1) * CONVERSATIONS_PER_PAGE;
  const assigned = matching.filter((c) => c.assigneeId !== null).length;
  return {
    counts: {
      mine_count: 0,
      assigned_count: assigned,
      unassigned_count: matching.length - assigned,
      all_count: matching.length,
    },
    conversations: sorted.slice(start, start + CONVERSATIONS_PER_PAGE),
  };
}

function idParam(raw: unknown): number | undefined {
  return typeof raw === 'string' && raw !== '' ? Number.parseInt(raw, 10) || 0 : undefined;
}

/** message_finder.rb */
export function listMessages(
  state: FakeChatwootState,
  conversationId: number,
  query: { before?: unknown; after?: unknown; filter_internal_messages?: unknown },
): FakeMessage[] {
  let all = state.messagesOf(conversationId);
  if (query.filter_internal_messages === 'true') all = all.filter((m) => !m.private && m.message_type !== 2);
  const before = idParam(query.before);
  const after = idParam(query.after);
  if (before !== undefined && after !== undefined) {
    return all.filter((m) => m.id > after && m.id < before).slice(0, 1000);
  }
  if (before !== undefined) return all.filter((m) => m.id < before).slice(-20);
  if (after !== undefined) return all.filter((m) => m.id > after).slice(0, 100);
  return all.slice(-20);
}
