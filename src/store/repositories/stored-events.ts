/**
 * How a webhook's event is kept in a row (held_events, inbound_events): ids and event names in a jsonb
 * column, never contact data. One codec for both tables, so an event held for `catch-up` and one waiting
 * in the inbound log come back the same.
 */
import type { ContactEvent } from '../../../workflows/api';
import { toId } from './row-values';

/** The columns both tables share. */
export interface StoredEventRow {
  seq: unknown;
  connection_id: string;
  delivery_id: string;
  chatwoot_contact_id: unknown;
  event: { event?: unknown; receivedAt?: unknown; changedAt?: unknown; conversationId?: unknown; messageId?: unknown };
}

/** The jsonb `event` column's value: what the contact workflow's signal needs besides the ids. */
export function eventColumn(e: ContactEvent): Record<string, unknown> {
  return {
    event: e.event,
    receivedAt: e.receivedAt,
    ...(e.changedAt === undefined ? {} : { changedAt: e.changedAt }),
    ...(e.conversationId === undefined ? {} : { conversationId: e.conversationId }),
    ...(e.messageId === undefined ? {} : { messageId: e.messageId }),
  };
}

export function fromStoredEventRow(row: StoredEventRow): ContactEvent & { seq: number } {
  const e = row.event;
  return {
    seq: toId(row.seq, 'seq'),
    connectionId: row.connection_id,
    deliveryId: row.delivery_id,
    contactId: toId(row.chatwoot_contact_id, 'chatwoot_contact_id'),
    event: String(e.event),
    receivedAt: String(e.receivedAt),
    ...(typeof e.changedAt === 'string' ? { changedAt: e.changedAt } : {}),
    ...(typeof e.conversationId === 'number' ? { conversationId: e.conversationId } : {}),
    ...(typeof e.messageId === 'number' ? { messageId: e.messageId } : {}),
  };
}
