/**
 * The backfill's activities: list Chatwoot's contacts (and conversations), hand each contact that is not
 * in sync to its own workflow through the webhook path's dispatcher (signalWithStart, so a backfill can
 * never race a live event), and read back from the store how each one ended. Only the dry run's person
 * lookups call Krayin, on the connection's Krayin queue (backfillKrayinActivities).
 */
import { heartbeat } from '@temporalio/activity';
import type { ChatwootApiContact } from '../src/chatwoot/api-schemas';
import { CONTACTS_PAGE_SIZE, CONVERSATIONS_PAGE_SIZE } from '../src/chatwoot/api-client';
import type { EventDispatcher } from '../src/ingest/types';
import type { AttributeCatalog } from '../src/mapping/attributes';
import { fieldMapNeedsCatalog } from '../src/mapping/field-map';
import { ConnectionSwitches } from '../src/ops/connection-switches';
import { conversationHasNews } from '../src/reconcile/compare';
import {
  outcomeFromAudit,
  outcomeFromState,
  settledBeforeDispatch,
  sinceEpochSec,
  type ContactOutcome,
} from '../src/backfill/outcomes';
import type { BackfillOutcome, InFlightContact, LinkKey } from '../workflows/backfill-api';
import { CountedOnce, backfillRunKey } from '../src/backfill/counted-once';
import { handOverThrough, planListedContact } from './listed-contacts';
import type { ChatwootActivityDeps, KrayinActivityDeps } from './deps';
import { classified } from './failures';
import { runWithKrayinPriority } from '../src/krayin/priority';

export interface BackfillDeps extends ChatwootActivityDeps {
  /** The webhook path's dispatcher (src/temporal/dispatcher.ts): signalWithStart of the contact workflow. */
  dispatcher: EventDispatcher;
  /** Told about every contact's outcome (metrics). Must not throw. */
  onOutcome?: (connectionId: string, outcome: BackfillOutcome, dryRun: boolean) => void;
  /** Which outcomes were counted already (default: one per activity set, i.e. per worker process). */
  countedOnce?: CountedOnce;
}

export type SettledContact = ContactOutcome & { contactId: number };

/** A contact the dry run must look up in Krayin (not linked yet). Activity payload only, never a memo. */
export interface LookupContact {
  contactId: number;
  email: string;
  phone: string | null;
}

export interface BackfillPageResult {
  settled: SettledContact[];
  dispatched: InFlightContact[];
  /** Dry run: contacts whose Krayin person is to be looked up (backfillFindPersons). */
  lookups: LookupContact[];
  /** Contacts listed on this page (in range or not). */
  listed: number;
  /** Contacts created before --since: not part of the backfill (taken off the total). */
  outOfRange: number;
  done: boolean;
  needsCatalog?: true;
}

export type BackfillActivities = ReturnType<typeof backfillActivities>;

/** Delivery ids: one per backfill and contact, so a page sent again (after a crash) is deduped. */
export const backfillDeliveryId = (runKey: string, contactId: number) => `backfill:${runKey}:${contactId}`;
/** Event names of backfill deliveries: the contact workflow treats a round of only these as background work. */
export const BACKFILL_CONTACT_EVENT = 'backfill_contact';
export const BACKFILL_CONVERSATION_EVENT = 'backfill_conversation';

export function backfillActivities(deps: BackfillDeps) {
  const { store, connections, dispatcher } = deps;
  const now = deps.now ?? (() => new Date());
  const switches = new ConnectionSwitches(store);
  // One count per run and contact, however often a retried activity reports it (src/backfill/counted-once.ts).
  const counted = deps.countedOnce ?? new CountedOnce();
  const told = (connectionId: string, run: string, contactId: number, outcome: BackfillOutcome, dryRun: boolean) => {
    try {
      if (counted.first(connectionId, run, contactId)) deps.onOutcome?.(connectionId, outcome, dryRun);
    } catch {
      // metrics must never fail a backfill
    }
  };

  const send = handOverThrough(dispatcher, connections, now);

  return {
    /**
     * Queue: main (Chatwoot + store). Whether the connection is switched off, Chatwoot's contact count
     * (meta.count, for done/total) and the audit-log watermark outcomes are read after.
     */
    async backfillStart(input: {
      connectionId: string;
    }): Promise<{ disabled: boolean; total: number; auditWatermark: number }> {
      return classified(async () => {
        const { connectionId } = input;
        const disabled = !(await switches.isEnabled(connectionId));
        const auditWatermark = await store.audit.maxId();
        if (disabled) return { disabled, total: 0, auditWatermark };
        const first = await connections.get(connectionId).chatwoot.listContacts(1, 'created_at');
        return { disabled, total: first.totalCount, auditWatermark };
      });
    },

    /**
     * Queue: main. One page of contacts, oldest first (new contacts land at the end, so the page numbers
     * of a running backfill stay valid). Contacts in sync cost nothing; the others are handed to their
     * workflow (dry run: classified instead, nothing written).
     */
    async backfillContactsPage(input: {
      connectionId: string;
      page: number;
      runKey: string;
      since?: string;
      dryRun: boolean;
      catalog?: AttributeCatalog;
      /** The backfill's audit watermark (absent in a dry run, which records nothing). */
      auditWatermark?: number;
    }): Promise<BackfillPageResult> {
      return classified(async () => {
        const { connectionId, page, runKey, dryRun } = input;
        const conn = connections.get(connectionId);
        const empty = { settled: [], dispatched: [], lookups: [], listed: 0, outOfRange: 0 };
        if (input.catalog === undefined && fieldMapNeedsCatalog(conn.config.sync.fieldMap)) {
          return { ...empty, done: false, needsCatalog: true };
        }
        const since = sinceEpochSec(input.since);
        const listed = await conn.chatwoot.listContacts(page, 'created_at');
        const result: BackfillPageResult = {
          ...empty,
          settled: [],
          dispatched: [],
          lookups: [],
          listed: listed.contacts.length,
          done: listed.contacts.length < CONTACTS_PAGE_SIZE,
        };
        // The page's contacts in parallel: store reads and hand-overs are independent per contact.
        const one = async (contact: ChatwootApiContact): Promise<void> => {
          if (since !== null && contact.created_at < since) {
            result.outOfRange++;
            return;
          }
          const [state, link, conversations] = await Promise.all([
            store.syncState.get(connectionId, contact.id),
            store.links.getContact(connectionId, contact.id),
            store.conversations.listByContact(connectionId, contact.id),
          ]);
          const plan = planListedContact(conn, contact, conversations.length > 0, link?.leadId != null, input.catalog);
          const before = settledBeforeDispatch(plan.planned, state, link);
          if (before !== 'dispatch') {
            result.settled.push({ contactId: contact.id, ...before });
            return;
          }
          if (dryRun) {
            const p = plan.planned;
            if (p.kind === 'skip') result.settled.push({ contactId: contact.id, outcome: 'skipped', reason: p.note });
            else if (p.kind === 'invalid' || !plan.identity)
              result.settled.push({ contactId: contact.id, outcome: 'invalid', reason: 'cannot be mapped' });
            else if (link?.personId != null)
              result.settled.push({ contactId: contact.id, outcome: 'updated', reason: 'already linked' });
            else result.lookups.push({ contactId: contact.id, ...plan.identity });
            return;
          }
          await send(connectionId, contact.id, backfillDeliveryId(runKey, contact.id), BACKFILL_CONTACT_EVENT);
          result.dispatched.push({ contactId: contact.id });
        };
        await Promise.all(listed.contacts.map(one));
        // A page read again after a crash finds contacts its first reading handed over already synced:
        // their outcome is what their sync recorded after the watermark, not "unchanged".
        if (input.auditWatermark !== undefined && result.settled.length > 0) {
          const entries = await store.audit.listAfter(
            connectionId,
            result.settled.map((r) => r.contactId),
            input.auditWatermark,
          );
          result.settled = result.settled.map((r) => {
            const recorded = outcomeFromAudit(entries.filter((e) => e.contactId === r.contactId));
            return recorded ? { contactId: r.contactId, ...recorded } : r;
          });
        }
        // Stable order (examples, lookups) whatever order the parallel work finished in.
        result.settled.sort((a, b) => a.contactId - b.contactId);
        result.lookups.sort((a, b) => a.contactId - b.contactId);
        result.dispatched.sort((a, b) => a.contactId - b.contactId);
        const run = backfillRunKey(dryRun, runKey, input.auditWatermark);
        for (const s of result.settled) told(connectionId, run, s.contactId, s.outcome, dryRun);
        return result;
      });
    },

    /**
     * Queue: main (store only). Waits (heartbeating, up to `waitMs`) for handed-over contacts to record
     * an outcome after the watermark; returns those that did. A contact still without one after
     * `staleAfterRounds` calls is read from its stored state (its workflow found nothing to do).
     */
    async backfillSettle(input: {
      connectionId: string;
      inFlight: (InFlightContact & { rounds?: number })[];
      auditWatermark: number;
      waitMs: number;
      staleAfterRounds: number;
    }): Promise<SettledContact[]> {
      const { connectionId, auditWatermark } = input;
      const deadline = Date.now() + input.waitMs;
      const settled = new Map<number, SettledContact>();
      let firstSettledAt = 0;
      for (;;) {
        const open = input.inFlight.filter((c) => !settled.has(c.contactId));
        const entries = await store.audit.listAfter(
          connectionId,
          open.map((c) => c.contactId),
          auditWatermark,
        );
        for (const c of open) {
          const mine = entries.filter((e) => e.contactId === c.contactId);
          let outcome = outcomeFromAudit(mine);
          if (!outcome && mine.length === 0 && (c.rounds ?? 0) >= input.staleAfterRounds) {
            outcome = outcomeFromState(await store.syncState.get(connectionId, c.contactId));
          }
          if (outcome) {
            settled.set(c.contactId, { contactId: c.contactId, ...outcome });
            told(connectionId, backfillRunKey(false, '', auditWatermark), c.contactId, outcome.outcome, false);
            firstSettledAt ||= Date.now();
          }
        }
        heartbeat();
        const allDone = settled.size === input.inFlight.length;
        // Return soon after the first outcomes, so the workflow refills the window while the rest sync.
        const someAWhileAgo = firstSettledAt > 0 && Date.now() - firstSettledAt >= 300;
        if (allDone || someAWhileAgo || Date.now() >= deadline) return [...settled.values()];
        await new Promise((r) => setTimeout(r, 200));
      }
    },

    /**
     * Queue: main. --conversations: one page of all conversations (latest activity first); those the
     * store never wrote, or with activity since, go to their contact's workflow as conversation events.
     */
    async backfillConversationsPage(input: {
      connectionId: string;
      page: number;
      runKey: string;
      since?: string;
    }): Promise<{ sent: number; done: boolean }> {
      return classified(async () => {
        const { connectionId, page, runKey } = input;
        const since = sinceEpochSec(input.since);
        const { conversations } = await connections.get(connectionId).chatwoot.listConversations(page);
        let sent = 0;
        let reachedSince = false;
        for (const c of conversations) {
          if (since !== null && c.lastActivityAt < since) {
            reachedSince = true;
            break;
          }
          const link = await store.conversations.get(connectionId, c.displayId);
          if (!conversationHasNews(c.lastActivityAt, link?.updatedAt ?? null)) continue;
          await send(
            connectionId,
            c.contactId,
            `${backfillDeliveryId(runKey, c.contactId)}:c${c.displayId}`,
            BACKFILL_CONVERSATION_EVENT,
            c.displayId,
          );
          sent++;
        }
        return { sent, done: conversations.length < CONVERSATIONS_PAGE_SIZE || reachedSince };
      });
    },

    /** Queue: main (store). The backfill's end, in the audit log (counts only). */
    async backfillRecordEnd(input: {
      connectionId: string;
      dryRun: boolean;
      cancelled: boolean;
      counts: Record<string, number>;
    }): Promise<void> {
      const what = input.dryRun ? 'dry_run' : input.cancelled ? 'cancelled' : 'completed';
      await store.audit.append({
        connectionId: input.connectionId,
        contactId: null,
        action: `backfill.${what}`,
        detail: { ...input.counts },
      });
    },
  };
}

export type BackfillKrayinActivities = ReturnType<typeof backfillKrayinActivities>;

/**
 * Queue: the connection's Krayin queue (its budget). The dry run's lookups: would an existing Krayin
 * person be linked (by email first, then phone, as the sync searches), or a new one created?
 */
export function backfillKrayinActivities(deps: KrayinActivityDeps) {
  return {
    async backfillFindPersons(input: {
      connectionId: string;
      contacts: LookupContact[];
    }): Promise<{ contactId: number; found: LinkKey | null }[]> {
      // Background priority: a dry run's lookups take what live webhooks leave of the budget.
      return runWithKrayinPriority('background', () => lookUp(input));
    },
  };

  async function lookUp(input: {
    connectionId: string;
    contacts: LookupContact[];
  }): Promise<{ contactId: number; found: LinkKey | null }[]> {
    {
      return classified(async () => {
        const { krayin } = deps.connections.get(input.connectionId);
        const out: { contactId: number; found: LinkKey | null }[] = [];
        for (const c of input.contacts) {
          let found: LinkKey | null = null;
          if ((await krayin.findPersonsByEmail(c.email)).length > 0) found = 'email';
          else if (c.phone && (await krayin.findPersonsByPhone(c.phone)).length > 0) found = 'phone';
          out.push({ contactId: c.contactId, found });
          heartbeat();
        }
        return out;
      });
    }
  }
}
