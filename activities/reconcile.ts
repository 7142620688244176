/**
 * The reconciliation's activities: read Chatwoot's lists, compare with the store, and hand every
 * difference to the contact's own workflow through the same signalWithStart path as a webhook (so a
 * reconciliation can never race a live event, and the contact workflow decides what to write).
 * None of them calls Krayin: the queue each belongs to is noted on it (chatwoot = main queue reads,
 * store = store-only).
 */
import type { ConnectionConfig } from '../src/config/schema';
import type { EventDispatcher } from '../src/ingest/types';
import { ConnectionSwitches } from '../src/ops/connection-switches';
import { CONTACTS_PAGE_SIZE, CONVERSATIONS_PAGE_SIZE } from '../src/chatwoot/api-client';
import type { ReconcileCounts, ReconcileMode } from '../workflows/reconcile-api';
import {
  compareContact,
  conversationHasNews,
  cutAtCheckpoint,
  missingLinkedIds,
  readCheckpoint,
  RECONCILE_CURSOR,
  type ReconcileCheckpoint,
} from '../src/reconcile/compare';
import type { KrayinRecordKind } from '../src/reconcile/krayin-deletions';
import type { ChatwootActivityDeps } from './deps';
import { classified } from './failures';
import { handOverThrough, planListedContact } from './listed-contacts';
import { fieldMapNeedsCatalog } from '../src/mapping/field-map';
import type { AttributeCatalog } from '../src/mapping/attributes';

/** The contact_links key of each Krayin record kind. */
const LINK_KEY = { person: 'personId', lead: 'leadId', organization: 'organizationId' } as const;

/** The note recordGone leaves (activities/outcomes.ts): such a contact was handled already. */
const GONE_NOTE = 'contact deleted or merged in Chatwoot';

/** Chatwoot and the store only: the Krayin client is not even in reach (activities/deps.ts). */
export interface ReconcileDeps extends ChatwootActivityDeps {
  /** The webhook path's dispatcher (src/temporal/dispatcher.ts): signalWithStart of the contact workflow. */
  dispatcher: EventDispatcher;
}

interface PageInput {
  connectionId: string;
  page: number;
  /** Incremental passes stop at items older than this (epoch seconds); null = no stop. */
  stopBefore: number | null;
  runKey: string;
}

export interface ContactsPageInput extends PageInput {
  mode: ReconcileMode;
  /** Full pass: highest contact id listed before this page (the deletion check's lower bound). */
  maxContactId: number;
  /** Krayin's attribute catalog, read by the workflow on the Krayin queue when a page asked for it. */
  catalog?: AttributeCatalog;
}

export interface PageResult {
  counts: Partial<ReconcileCounts>;
  /** No further page in this phase (a short page, or the incremental checkpoint reached). */
  done: boolean;
  maxContactId: number;
  /**
   * The field map has custom attributes and no catalog was given: nothing was read; the workflow reads
   * the catalog on the Krayin queue (fieldMapCatalog) and asks for the page again with it.
   */
  needsCatalog?: true;
}

export type ReconcileActivities = ReturnType<typeof reconcileActivities>;

export function reconcileActivities(deps: ReconcileDeps) {
  const { store, connections, dispatcher } = deps;
  const now = deps.now ?? (() => new Date());
  const switches = new ConnectionSwitches(store);

  const send = handOverThrough(dispatcher, connections, now);

  /** A linked contact Chatwoot answers 404 for: ON_CHATWOOT_DELETE (keep = audit, the contact's workflow records it gone). */
  async function handleGone(config: ConnectionConfig, contactId: number, runKey: string): Promise<boolean> {
    const connectionId = config.id;
    const state = await store.syncState.get(connectionId, contactId);
    if (state?.status === 'skipped' && state.note === GONE_NOTE) return false;
    // Parked or failed (e.g. merged into a contact linked to another Krayin person): left alone like any
    // parked contact, so a pass does not park it again every day; `retry-parked` resumes it.
    if (state?.status === 'parked' || state?.status === 'failed') return false;
    await send(connectionId, contactId, `reconcile:${runKey}:${contactId}:gone`, 'reconcile_contact_gone');
    await store.audit.append({
      connectionId,
      contactId,
      action: 'reconcile.chatwoot_deleted',
      detail: { policy: config.sync.reconcile.onChatwootDelete },
    });
    return true;
  }

  function linkedTo(connectionId: string, kind: KrayinRecordKind, id: number) {
    switch (kind) {
      case 'person':
        return store.links.findContactsByPerson(connectionId, id);
      case 'lead':
        return store.links.findContactsByLead(connectionId, id);
      case 'organization':
        return store.links.findContactsByOrganization(connectionId, id);
    }
  }

  /** Krayin deleted a person's or lead's activities with it: their conversations are written again. */
  async function forgetActivitiesOf(
    connectionId: string,
    contactId: number,
    kind: 'person' | 'lead',
    id: number,
  ): Promise<void> {
    for (const c of await store.conversations.listByContact(connectionId, contactId)) {
      if ((kind === 'person' ? c.personId : c.leadId) === id) {
        await store.conversations.upsert(connectionId, c.conversationId, { activityId: null });
      }
    }
  }

  return {
    /**
     * Queue: store. The last completed pass (where the next incremental pass stops), and whether the
     * connection is switched off (`disable`): a pass then sends nothing, like held webhooks.
     */
    async reconcileCheckpoint({
      connectionId,
    }: {
      connectionId: string;
    }): Promise<ReconcileCheckpoint & { disabled: boolean }> {
      const checkpoint = readCheckpoint((await store.cursors.get(connectionId, RECONCILE_CURSOR))?.value ?? null);
      return { ...checkpoint, disabled: !(await switches.isEnabled(connectionId)) };
    },

    /**
     * Queue: chatwoot. One page of contacts: full passes read everything by created_at (new contacts land
     * at the end, and linked ids missing from the page are checked for deletion); incremental passes read
     * the newest first and stop at the last pass's checkpoint (contacts created since, e.g. imports).
     */
    async reconcileContactsPage(input: ContactsPageInput): Promise<PageResult> {
      return classified(async () => {
        const { connectionId, mode, page, runKey } = input;
        const conn = connections.get(connectionId);
        if (input.catalog === undefined && fieldMapNeedsCatalog(conn.config.sync.fieldMap)) {
          return { counts: {}, done: false, maxContactId: input.maxContactId, needsCatalog: true };
        }
        const listed = await conn.chatwoot.listContacts(page, mode === 'full' ? 'created_at' : '-created_at');
        const { keep, reachedCheckpoint } = cutAtCheckpoint(
          listed.contacts,
          (c) => c.created_at,
          mode === 'full' ? null : input.stopBefore,
        );
        const counts = { pages: 1, contactsSeen: keep.length, contactsSent: 0, parkedLeft: 0, goneFound: 0 };
        for (const contact of keep) {
          const [state, link, conversations] = await Promise.all([
            store.syncState.get(connectionId, contact.id),
            store.links.getContact(connectionId, contact.id),
            store.conversations.listByContact(connectionId, contact.id),
          ]);
          const verdict = compareContact(
            planListedContact(conn, contact, conversations.length > 0, link?.leadId != null, input.catalog).planned,
            state,
            link,
          );
          if (verdict === 'parked') counts.parkedLeft++;
          if (verdict !== 'differs') continue;
          await send(connectionId, contact.id, `reconcile:${runKey}:${contact.id}`, 'reconcile_contact');
          counts.contactsSent++;
        }

        let maxContactId = input.maxContactId;
        const done = listed.contacts.length < CONTACTS_PAGE_SIZE || reachedCheckpoint;
        if (mode === 'full' && listed.contacts.length > 0) {
          const pageMax = Math.max(maxContactId, ...listed.contacts.map((c) => c.id));
          const linked = await store.links.listLinkedContactIds(connectionId, maxContactId, pageMax, 10_000);
          for (const id of missingLinkedIds(
            linked,
            listed.contacts.map((c) => c.id),
          )) {
            if ((await conn.chatwoot.getContact(id)) === null && (await handleGone(conn.config, id, runKey)))
              counts.goneFound++;
          }
          maxContactId = pageMax;
        }
        return { counts, done, maxContactId };
      });
    },

    /**
     * Queue: chatwoot. Full pass, after the last contact page: linked contacts with ids above every listed
     * one (deleted at the end of the list), up to `limit` a call.
     */
    async reconcileLinkedAfter(input: {
      connectionId: string;
      afterId: number;
      limit: number;
      runKey: string;
    }): Promise<PageResult> {
      return classified(async () => {
        const conn = connections.get(input.connectionId);
        const ids = await store.links.listLinkedContactIds(input.connectionId, input.afterId, null, input.limit);
        let goneFound = 0;
        for (const id of ids) {
          if ((await conn.chatwoot.getContact(id)) === null && (await handleGone(conn.config, id, input.runKey)))
            goneFound++;
        }
        return { counts: { goneFound }, done: ids.length < input.limit, maxContactId: ids.at(-1) ?? input.afterId };
      });
    },

    /**
     * Queue: chatwoot. One page of conversations, latest activity first: those the store never saw, or with
     * activity since we last wrote them, go to their contact's workflow as a conversation event.
     */
    async reconcileConversationsPage(input: PageInput): Promise<PageResult> {
      return classified(async () => {
        const { connectionId, page, runKey } = input;
        const conn = connections.get(connectionId);
        const { conversations } = await conn.chatwoot.listConversations(page);
        const { keep, reachedCheckpoint } = cutAtCheckpoint(conversations, (c) => c.lastActivityAt, input.stopBefore);
        let sent = 0;
        for (const c of keep) {
          const link = await store.conversations.get(connectionId, c.displayId);
          if (!conversationHasNews(c.lastActivityAt, link?.updatedAt ?? null)) continue;
          await send(
            connectionId,
            c.contactId,
            `reconcile:${runKey}:${c.contactId}:c${c.displayId}`,
            'reconcile_conversation',
            c.displayId,
          );
          sent++;
        }
        return {
          counts: { pages: 1, conversationsSeen: keep.length, conversationsSent: sent },
          done: conversations.length < CONVERSATIONS_PAGE_SIZE || reachedCheckpoint,
          maxContactId: 0,
        };
      });
    },

    /**
     * Queue: store. Krayin records sales deleted (confirmed on the Krayin queue by krayinLinkedMissing):
     * as the lead-gone path does, the link is dropped (and the conversation activities Krayin deleted with
     * a person or lead are forgotten), and the contact goes to its workflow, whose next sync finds or
     * re-creates the record. An organization's persons lost it in Krayin too (FK SET NULL, without a
     * change to their updated_at): the contact's hash is cleared, so its next sync re-creates (or finds)
     * the organization and re-attaches the person. The signal goes through the webhook dispatcher, so
     * it never races a live event.
     */
    async reconcileKrayinMissing(input: {
      connectionId: string;
      kind: KrayinRecordKind;
      ids: number[];
      runKey: string;
    }): Promise<PageResult> {
      const { connectionId, kind, ids, runKey } = input;
      let krayinDeletedFound = 0;
      for (const id of ids) {
        if (kind === 'organization') await store.links.deleteOrganizationLinksTo(connectionId, id);
        for (const link of await linkedTo(connectionId, kind, id)) {
          // The hash first: a crash before the signal then leaves a contact the next pass sees as changed.
          if (kind === 'organization') await store.syncState.clearHash(connectionId, link.contactId);
          await store.links.upsertContact(connectionId, link.contactId, { [LINK_KEY[kind]]: null });
          if (kind !== 'organization') await forgetActivitiesOf(connectionId, link.contactId, kind, id);
          await store.audit.append({
            connectionId,
            contactId: link.contactId,
            action: 'reconcile.krayin_deleted',
            detail: { kind, krayinId: id },
          });
          await send(
            connectionId,
            link.contactId,
            `reconcile:${runKey}:${link.contactId}:k${kind}${id}`,
            'reconcile_krayin_deleted',
          );
          krayinDeletedFound++;
        }
      }
      return { counts: { krayinDeletedFound }, done: true, maxContactId: 0 };
    },

    /** Queue: store. Records the completed pass: the next incremental pass stops at its start. */
    async reconcileCompletePass(input: {
      connectionId: string;
      mode: ReconcileMode;
      passStartedAt: string;
      counts: ReconcileCounts;
    }): Promise<void> {
      const { connectionId, mode, passStartedAt, counts } = input;
      const previous = readCheckpoint((await store.cursors.get(connectionId, RECONCILE_CURSOR))?.value ?? null);
      const later = (a: string | null) => (a !== null && Date.parse(a) > Date.parse(passStartedAt) ? a : passStartedAt);
      await store.cursors.set(connectionId, RECONCILE_CURSOR, {
        lastPassStartedAt: later(previous.lastPassStartedAt),
        lastFullPassStartedAt: mode === 'full' ? later(previous.lastFullPassStartedAt) : previous.lastFullPassStartedAt,
      });
      await store.audit.append({
        connectionId,
        contactId: null,
        action: `reconcile.${mode}_completed`,
        detail: { ...counts },
      });
    },
  };
}
