/**
 * The Chatwoot half of CRM facts in Chatwoot (docs/two-way-sync.md, "CRM facts in Chatwoot"): bring a lead's facts, read by
 * readLeadForChatwoot on the Krayin queue, onto the contact. Writes only what differs from what was last
 * written (crm_attribute_state): the changed `crm_*` attributes (their definitions created once per
 * connection and process), the stage label (our `crm-` labels replaced, agents' kept), and with
 * CRM_STAGE_NOTES a private note in the contact's open conversation when the stage or owner changed.
 *
 * Every write comes back as a webhook (contact_updated, message_created). The contact's workflow runs
 * this activity and handles the echo after it, so the state stored here is what the echo is compared
 * with (isCrmFactsEcho); and the forward mapping never reads `crm_*` keys unless a field map names them.
 */
import { ChatwootValidationError } from '../../src/chatwoot/errors';
import type { ChatwootConnectionApi } from '../../src/chatwoot/api-client';
import type { CrmFactsState } from '../../src/store/types';
import {
  attributeHashes,
  attributesHash,
  attributeWrite,
  CRM_ATTRIBUTE_DEFINITIONS,
  crmAttributeValues,
  leadChangeNote,
  nextLabels,
  sameLabels,
  stageLabel,
} from '../../src/two-way/lead-attributes';
import type { ApplyLeadFactsInput, ApplyLeadToChatwootResult } from '../two-way-contracts';
import type { ChatwootActivityDeps } from '../deps';
import { classified } from '../failures';

export function crmAttributeActivities(deps: ChatwootActivityDeps) {
  /** Per connection: the definitions exist (checked, created if missing). Forgotten on failure. */
  const definitionsReady = new Map<string, Promise<void>>();
  const ensureDefinitions = (connectionId: string, chatwoot: ChatwootConnectionApi): Promise<void> => {
    let ready = definitionsReady.get(connectionId);
    if (!ready) {
      ready = createMissingDefinitions(chatwoot);
      definitionsReady.set(connectionId, ready);
      ready.catch(() => definitionsReady.delete(connectionId));
    }
    return ready;
  };

  return {
    async applyLeadToChatwoot(input: ApplyLeadFactsInput): Promise<ApplyLeadToChatwootResult> {
      const { connectionId, contactId, facts } = input;
      return classified(async () => {
        const { config, chatwoot } = deps.connections.get(connectionId);
        const settings = config.crmFacts;
        const stored = await deps.store.crmFacts.get(connectionId, contactId);
        const values = crmAttributeValues(facts);
        const labelsOn = Object.keys(settings.stageLabels).length > 0;
        const label = labelsOn ? stageLabel(facts, settings.stageLabels) : null;
        const wantedLabels = labelsOn ? (label === null ? [] : [label]) : (stored?.labels ?? []);
        // A note is for a change of the same lead: a first write, or another lead linked, is no "move".
        const previous = stored?.leadId === facts.leadId ? { stageId: stored.stageId, ownerId: stored.ownerId } : null;

        const attributesDue = settings.attributes && stored?.attributesHash !== attributesHash(values);
        const labelsDue = labelsOn && !(stored && sameLabels(stored.labels, wantedLabels));
        const stateDue = previous === null || previous.stageId !== facts.stageId || previous.ownerId !== facts.ownerId;
        if (!attributesDue && !labelsDue && !stateDue) return { kind: 'unchanged' };

        let attributesWritten = 0;
        if (attributesDue) {
          const write = attributeWrite(values, stored?.attributeHashes ?? null);
          const keys = Object.keys(write.set);
          if (keys.length > 0) {
            await ensureDefinitions(connectionId, chatwoot);
            if ((await chatwoot.updateContactCustomAttributes(contactId, write.set)) === null) {
              return { kind: 'contact_gone' };
            }
          }
          if (write.remove.length > 0) {
            if ((await chatwoot.destroyContactCustomAttributes(contactId, write.remove)) === null) {
              return { kind: 'contact_gone' };
            }
          }
          attributesWritten = keys.length + write.remove.length;
        }

        let labelsChanged = false;
        if (labelsDue) {
          const current = await chatwoot.getContactLabels(contactId);
          if (current === null) return { kind: 'contact_gone' };
          const next = nextLabels(current, label);
          if (!sameLabels(next, current)) {
            if ((await chatwoot.setContactLabels(contactId, next)) === null) return { kind: 'contact_gone' };
            labelsChanged = true;
          }
        }

        // Before the state is stored: a failure after the note repeats it rather than losing it.
        const note = settings.stageNotes ? leadChangeNote(previous, facts) : null;
        const noteWritten = note !== null && (await writeNote(chatwoot, contactId, note));

        const state: CrmFactsState = {
          leadId: facts.leadId,
          attributesHash: settings.attributes ? attributesHash(values) : (stored?.attributesHash ?? ''),
          attributeHashes: settings.attributes ? attributeHashes(values) : (stored?.attributeHashes ?? {}),
          labels: wantedLabels,
          stageId: facts.stageId,
          ownerId: facts.ownerId,
        };
        await deps.store.crmFacts.set(connectionId, contactId, state);
        if (attributesWritten === 0 && !labelsChanged && !noteWritten) return { kind: 'unchanged' };
        return { kind: 'applied', attributesWritten, labelsChanged, noteWritten };
      });
    },
  };
}

/** Creates the `crm_*` definitions the account lacks; a 422 "already been taken" is another worker's create. */
async function createMissingDefinitions(chatwoot: ChatwootConnectionApi): Promise<void> {
  const existing = new Set((await chatwoot.listContactAttributeDefinitions()).map((d) => d.attribute_key));
  for (const d of CRM_ATTRIBUTE_DEFINITIONS) {
    if (existing.has(d.key)) continue;
    try {
      await chatwoot.createContactAttributeDefinition({
        attribute_key: d.key,
        attribute_display_name: d.displayName,
        attribute_display_type: d.displayType,
        attribute_description: d.description,
      });
    } catch (err) {
      const taken =
        err instanceof ChatwootValidationError &&
        err.attributes.includes('attribute_key') &&
        /already been taken/.test(err.message);
      if (!taken) throw err;
    }
  }
}

/** Into the contact's most recently active open conversation; none open: no note (false). */
async function writeNote(chatwoot: ChatwootConnectionApi, contactId: number, note: string): Promise<boolean> {
  const conversations = await chatwoot.listContactConversations(contactId);
  const open = conversations?.find((c) => c.status === 'open');
  if (!open) return false;
  return (await chatwoot.createPrivateNote(open.id, note)) !== null;
}
