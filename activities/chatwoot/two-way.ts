/**
 * Krayin -> Chatwoot for one contact (docs/two-way-sync.md): decide each compared field with its owner,
 * write the fields Krayin won to the Chatwoot contact (PUT /contacts/{id}), and remember what was
 * written so the `contact_updated` webhook Chatwoot sends back for our own write costs no Krayin call:
 *
 * - per field, the written value's hash becomes the agreed base (field rows of store.twoWay);
 * - when Chatwoot held nothing the forward sync had not written yet, the forward sync's stored hash is
 *   moved to the contact as it now reads, so the echo's plan finds it unchanged. With a field map that
 *   needs Krayin's attribute catalog the hash cannot be computed here: the echo then costs one
 *   forward round (the person write finds nothing to change).
 */
import { effectiveOwnership } from '../../src/config/two-way';
import { ChatwootValidationError } from '../../src/chatwoot/errors';
import { mapContact } from '../../src/mapping/contact';
import { customAttributeCodes, fieldMapNeedsCatalog } from '../../src/mapping/field-map';
import { MAP_SECTIONS } from '../../src/mapping/fields';
import type { FieldMap, SyncSettings } from '../../src/config/schema';
import { parseKrayinTimestamp } from '../../src/krayin/datetime';
import { addToPatch, applyPatch, chatwootPathOf, type ChatwootContactPatch } from '../../src/two-way/chatwoot-patch';
import { ChatwootContactWriter } from '../../src/two-way/chatwoot-writer';
import {
  comparedFields,
  desiredFieldValues,
  krayinFieldValues,
  type ComparedField,
} from '../../src/two-way/field-values';
import { organizationNameKey } from '../../src/mapping/organization';
import { decidePersonFields } from '../../src/two-way/person-fields';
import { identityHashes, identityHashSalt } from '../../src/sync/ownership';
import type { TwoWayFieldUpdate } from '../../src/store/types';
import type { ChatwootActivityDeps } from '../deps';
import { classified } from '../failures';
import { recordConflicts } from '../two-way-records';
import type { ApplyKrayinPersonInput, ApplyKrayinPersonResult } from '../two-way-person-contracts';
import { leadIsDue, planHashOf } from './plan';

/** The field map without custom attributes: the compared fields are standard ones and need no catalog. */
function standardOnly(sync: SyncSettings): SyncSettings {
  const fieldMap = {} as FieldMap;
  for (const section of MAP_SECTIONS) {
    const custom = new Set(customAttributeCodes(sync.fieldMap, section));
    fieldMap[section] = Object.fromEntries(
      Object.entries(sync.fieldMap[section]).filter(([code]) => !custom.has(code)),
    );
  }
  return { ...sync, fieldMap };
}

export function twoWayChatwootActivities({ store, connections, now: clock }: ChatwootActivityDeps) {
  const now = () => clock?.() ?? new Date();
  return {
    async applyKrayinPerson(input: ApplyKrayinPersonInput): Promise<ApplyKrayinPersonResult> {
      const { connectionId, contactId } = input;
      return classified(async () => {
        const conn = connections.get(connectionId);
        const { twoWay, sync } = conn.config;
        if (!twoWay.enabled) return { kind: 'disabled' };
        const contact = await conn.chatwoot.getContact(contactId);
        if (!contact) return { kind: 'gone' };
        const mapped = mapContact(contact, standardOnly(sync), undefined, { timezone: conn.config.krayin.timezone });
        if (mapped.kind !== 'sync') return { kind: 'skipped' };

        const chatwoot = desiredFieldValues(mapped.person, mapped.organization?.name ?? null);
        const krayin = krayinFieldValues(input.person);
        const fields = comparedFields(sync, input.person.organization !== undefined);
        const krayinChangedAt = parseKrayinTimestamp(input.krayinUpdatedAt).getTime();
        const chatwootChangedAt = input.chatwootChangedAt === null ? null : Date.parse(input.chatwootChangedAt);
        const stored = await store.twoWay.getFields(connectionId, contactId);
        const ownership = effectiveOwnership(twoWay);
        const outcomes = decidePersonFields({
          connectionId,
          contactId,
          chatwoot,
          chatwootChangedAt,
          krayin,
          krayinChangedAt,
          stored,
          ownership,
          tieGoesTo: twoWay.tieGoesTo,
          trigger: 'krayin',
          fields,
        });

        const patch: ChatwootContactPatch = {};
        const toWrite: ComparedField[] = [];
        const refused: ComparedField[] = [];
        for (const o of outcomes) {
          if (o.decision.action !== 'write_chatwoot') continue;
          const why = addToPatch(patch, chatwootPathOf(sync, o.field), o.field, krayin[o.field]);
          if (why === null) toWrite.push(o.field);
          else {
            refused.push(o.field);
            await store.audit.append({
              connectionId,
              contactId,
              action: 'two_way.unwritable',
              detail: { field: o.field, why },
            });
          }
        }

        // Before writing: did Chatwoot hold anything the forward sync has not written yet?
        const rebase = toWrite.length > 0 ? await forwardHashRebase() : null;
        let written: ComparedField[] = [];
        if (toWrite.length > 0) {
          try {
            await new ChatwootContactWriter(conn.config.chatwoot).updateContact(contactId, patch);
            written = toWrite;
          } catch (err) {
            // Another contact has that email or phone (Chatwoot's uniqueness): left as it is, said in the audit.
            if (!(err instanceof ChatwootValidationError)) throw err;
            refused.push(...toWrite);
            await store.audit.append({
              connectionId,
              contactId,
              action: 'two_way.chatwoot_refused',
              detail: { fields: toWrite.join(','), attributes: err.attributes.join(',') },
            });
          }
        }
        const at = now();
        if (written.length > 0) await rebase?.(at);
        if (written.includes('email') || written.includes('phone')) await rememberKrayinIdentities();
        if (written.includes('organization')) await linkKrayinOrganization();

        const updates: Record<string, TwoWayFieldUpdate> = {};
        for (const o of outcomes) {
          // Every Krayin value looked at here is "seen": the poll hands it over again only when it changes.
          const update: TwoWayFieldUpdate = { krayinSeenHash: o.krayinHash, krayinSeenAt: new Date(krayinChangedAt) };
          if (o.decision.action === 'none') update.baseHash = o.krayinHash;
          if (written.includes(o.field)) {
            Object.assign(update, { baseHash: o.krayinHash, chatwootWrittenHash: o.krayinHash, chatwootWrittenAt: at });
          }
          updates[o.field] = update;
        }
        await store.twoWay.recordFields(connectionId, contactId, updates);
        if (written.length > 0) {
          await store.audit.append({
            connectionId,
            contactId,
            action: 'two_way.chatwoot_updated',
            detail: { personId: input.personId, fields: written.join(',') },
          });
        }
        const conflicts = await recordConflicts(
          store,
          { connectionId, contactId, outcomes, chatwoot, krayin, chatwootChangedAt, krayinChangedAt, ownership },
          () => true,
          at,
        );
        const forceForward = outcomes.some((o) => o.decision.action === 'write_krayin');
        return { kind: 'applied', written, refused, forceForward, conflicts };

        /**
         * The email or phone just brought from Krayin is now the contact's too, so it joins the evidence
         * that the linked person is ours (src/sync/ownership.ts). Without it, a person whose email and
         * phone were both changed in Krayin no longer matched what the forward sync had written, was taken
         * for another customer's, and every later Krayin change to it was dropped (found by the soak test).
         */
        async function rememberKrayinIdentities(): Promise<void> {
          const salt = identityHashSalt(connectionId, contactId);
          const before = await store.writtenIdentities.get(connectionId, contactId);
          const kept = before?.personId === input.personId ? before.hashes : [];
          const brought = identityHashes(
            salt,
            written.includes('email') && krayin.email ? [krayin.email] : [],
            written.includes('phone') && krayin.phone ? [krayin.phone] : [],
          );
          await store.writtenIdentities.set(
            connectionId,
            contactId,
            input.personId,
            [...new Set([...kept, ...brought])].sort(),
          );
        }

        /**
         * The contact's company is now Krayin's organization: link it (by its name key, as the forward
         * sync does), so a later person write keeps the person in it instead of the company it had before.
         */
        async function linkKrayinOrganization(): Promise<void> {
          const org = input.person.organization;
          if (!org || krayin.organization === null) return;
          await store.links.setOrganization(connectionId, organizationNameKey(krayin.organization), org.id);
          await store.links.upsertContact(connectionId, contactId, { organizationId: org.id });
        }

        /**
         * When the stored forward hash still describes the contact, returns the step that moves it to
         * the contact as our write leaves it (so the echo webhook plans "unchanged"); else null.
         */
        async function forwardHashRebase(): Promise<((at: Date) => Promise<void>) | null> {
          if (!contact || fieldMapNeedsCatalog(sync.fieldMap)) return null;
          const opts = { timezone: conn.config.krayin.timezone };
          const full = mapContact(contact, sync, undefined, opts);
          if (full.kind !== 'sync') return null;
          const [state, link, conversations] = await Promise.all([
            store.syncState.get(connectionId, contactId),
            store.links.getContact(connectionId, contactId),
            store.conversations.listByContact(connectionId, contactId),
          ]);
          const leadDue = leadIsDue(sync, false, conversations.length, link?.leadId ?? null);
          if (state?.status !== 'synced' || state.lastHash !== planHashOf(full, sync, leadDue)) return null;
          return async (at) => {
            const after = mapContact(applyPatch(contact, patch), sync, undefined, opts);
            if (after.kind === 'sync')
              await store.syncState.markSynced(connectionId, contactId, planHashOf(after, sync, leadDue), at);
          };
        }
      });
    },
  };
}
