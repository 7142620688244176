/**
 * The Krayin side of the two-way sync (docs/two-way-sync.md): the poll of changed persons and leads,
 * and the read of one contact's linked person. Krayin has no "updated since" filter and custom
 * attributes do not bump updated_at (src/krayin/README.md §5), so the poll pages `sort=updated_at&order=desc`
 * by hand until it passes its watermark minus a lookback margin (updated_at has second precision).
 */
import { pollIntervalMs, scanIntervalMs } from '../../src/config/two-way';
import { parseKrayinTimestamp } from '../../src/krayin/datetime';
import type { KrayinApi, KrayinLead, KrayinPerson, KrayinUpdatedPage } from '../../src/krayin/api';
import { MAX_PAGES } from '../../src/krayin/paging';
import { identityHashSalt, personIsOurs } from '../../src/sync/ownership';
import { fieldHashes } from '../../src/two-way/field-hash';
import { comparedFields, krayinFieldValues } from '../../src/two-way/field-values';
import type { SyncSettings } from '../../src/config/schema';
import type { ContactRef } from '../contracts';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';
import { NEW_PERSONS_PER_POLL, planNewPerson } from '../../src/two-way/new-persons';
import type {
  HandedChange,
  NewPersonCandidate,
  PollKrayinInput,
  PollKrayinResult,
  PollWatermarks,
  ReadPersonResult,
} from '../two-way-person-contracts';

/** Rows within this margin before the watermark are looked at again (second precision, clock skew). */
export const POLL_LOOKBACK_MS = 2000;
/** Rows per page: at idle one page of each entity is one request. */
export const POLL_PAGE_SIZE = 50;
/** The cursor names of the poll's watermarks (sync_cursors). */
export const WATERMARK_CURSOR = { persons: 'krayin-poll:persons', leads: 'krayin-poll:leads' } as const;

const EPOCH = new Date(0).toISOString();

export function twoWayKrayinActivities(deps: KrayinActivityDeps) {
  const { store, connections } = deps;
  return {
    async pollKrayinChanges({ connectionId }: PollKrayinInput): Promise<PollKrayinResult> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const twoWay = conn.config.twoWay;
        if (!twoWay.enabled) return { enabled: false };
        const krayin: KrayinApi = conn.krayin;
        let calls = 0;
        const counted = <T>(fetch: (page: number, limit: number) => Promise<KrayinUpdatedPage<T>>) => {
          return (page: number, limit: number) => {
            calls++;
            return fetch(page, limit);
          };
        };
        const changes: HandedChange[] = [];
        let unlinkedPersons = 0;

        const persons = await changedSince(
          counted((page, limit) => krayin.listPersonsByUpdate(page, limit)),
          await watermarkOf('persons'),
        );
        const newPersons: NewPersonCandidate[] = [];
        /** The persons watermark may not pass a person left for a later poll (settling, or over the cap). */
        let holdBefore: number | null = null;
        const now = deps.now?.() ?? new Date();
        for (const person of persons.rows) {
          const links = await store.links.findContactsByPerson(connectionId, person.id);
          if (links.length === 0) {
            unlinkedPersons++;
            if (twoWay.newPersons !== 'create') continue; // KRAYIN_NEW_PERSONS=ignore: left alone
            const plan = planNewPerson(person, conn.config.sync, now);
            if (plan.kind === 'skip') continue;
            if (plan.kind === 'wait' || newPersons.length >= NEW_PERSONS_PER_POLL) {
              const at = parseKrayinTimestamp(person.updated_at).getTime();
              holdBefore = holdBefore === null ? at : Math.min(holdBefore, at);
              continue;
            }
            newPersons.push({ personId: person.id, updatedAt: person.updated_at, createdAt: person.created_at, plan });
          }
          for (const link of links) {
            if (!(await krayinValueIsNew(store, connectionId, link.contactId, person, conn.config.sync))) continue;
            changes.push({ contactId: link.contactId, change: { personId: person.id, updatedAt: person.updated_at } });
          }
        }
        const leads = await changedSince(
          counted((page, limit) => krayin.listLeadsByUpdate(page, limit)),
          await watermarkOf('leads'),
        );
        for (const lead of leads.rows) {
          for (const link of await store.links.findContactsByLead(connectionId, lead.id)) {
            changes.push({ contactId: link.contactId, change: { leadId: lead.id, updatedAt: lead.updated_at } });
          }
        }
        const watermarks: PollWatermarks = {
          persons: holdBefore === null ? persons.watermark : heldWatermark(persons.watermark, holdBefore),
          leads: leads.watermark,
        };
        return {
          enabled: true,
          pollIntervalMs: pollIntervalMs(twoWay),
          scanIntervalMs: scanIntervalMs(twoWay),
          changes,
          watermarks,
          calls,
          unlinkedPersons,
          ...(twoWay.newPersons === 'create' ? { newPersons } : {}),
          ...(conn.config.crmFacts.activityNotes ? { activityNotes: true as const } : {}),
        };

        async function watermarkOf(entity: keyof typeof WATERMARK_CURSOR): Promise<string | null> {
          const value = (await store.cursors.get(connectionId, WATERMARK_CURSOR[entity]))?.value;
          return typeof value === 'string' ? value : null;
        }
      });
    },

    /** The contact's linked person as Krayin has it now, if it is still ours (src/sync/ownership.ts). */
    async readPersonForTwoWay({ connectionId, contactId }: ContactRef): Promise<ReadPersonResult> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const link = await store.links.getContact(connectionId, contactId);
        if (!link?.personId) return { kind: 'unlinked' };
        const person = await conn.krayin.getPerson(link.personId);
        if (!person) return { kind: 'gone' };
        // The identities we last wrote to this person prove it is still the contact's.
        const written = await store.writtenIdentities.get(connectionId, contactId);
        const ours = personIsOurs(person, {
          emails: [],
          phones: [],
          writtenHashes: written?.personId === person.id ? written.hashes : [],
          salt: identityHashSalt(connectionId, contactId),
        });
        if (!ours) return { kind: 'not_ours' };
        const { name, emails, contact_numbers, job_title } = person;
        const organization = person.organization
          ? { id: person.organization.id, name: person.organization.name }
          : null;
        return {
          kind: 'person',
          personId: person.id,
          person: { name, emails, contact_numbers, job_title, organization },
          updatedAt: person.updated_at,
        };
      });
    },
  };
}

/**
 * Whether a field of the person holds a value that is neither the one both sides last agreed on (our own
 * write, or older) nor one already handed over: only that is a change for Chatwoot. The watermark poll and
 * the id scan (two-way-scan.ts) both decide through this one function.
 */
export async function krayinValueIsNew(
  store: KrayinActivityDeps['store'],
  connectionId: string,
  contactId: number,
  person: KrayinPerson,
  sync: Pick<SyncSettings, 'syncOrganizations'>,
): Promise<boolean> {
  const stored = await store.twoWay.getFields(connectionId, contactId);
  const hashes = fieldHashes(connectionId, contactId, krayinFieldValues(person));
  return comparedFields(sync).some((f) => hashes[f] !== stored[f]?.baseHash && hashes[f] !== stored[f]?.krayinSeenHash);
}

/**
 * Rows updated at or after `watermark - lookback`, newest first, and the new watermark (the newest
 * updated_at seen). Without a watermark (the first poll) nothing is a change: the watermark starts at
 * the newest row, so enabling two-way sync does not replay Krayin's history into Chatwoot.
 */
/**
 * The watermark when a person at `holdAt` is left for a later poll: just after it minus the lookback, so
 * the next poll lists it again (rows at or after watermark - POLL_LOOKBACK_MS are looked at).
 */
function heldWatermark(watermark: string, holdAt: number): string {
  return new Date(Math.min(Date.parse(watermark), holdAt)).toISOString();
}

async function changedSince<T extends KrayinPerson | KrayinLead>(
  fetchPage: (page: number, limit: number) => Promise<KrayinUpdatedPage<T>>,
  watermark: string | null,
): Promise<{ rows: T[]; watermark: string }> {
  const cutoff = watermark === null ? Infinity : Date.parse(watermark) - POLL_LOOKBACK_MS;
  const rows: T[] = [];
  const seen = new Set<number>();
  let newest = watermark === null ? EPOCH : watermark;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const listed = await fetchPage(page, POLL_PAGE_SIZE);
    let passed = false;
    for (const r of listed.rows) {
      const at = parseKrayinTimestamp(r.updated_at).getTime();
      if (at > Date.parse(newest)) newest = new Date(at).toISOString();
      if (at < cutoff || watermark === null) {
        passed = true;
        continue;
      }
      if (!seen.has(r.id)) rows.push(r);
      seen.add(r.id);
    }
    if (passed || listed.rows.length === 0 || listed.last) break;
  }
  return { rows, watermark: newest };
}
