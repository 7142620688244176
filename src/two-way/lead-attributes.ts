/**
 * CRM facts in Chatwoot (docs/two-way-sync.md, "CRM facts in Chatwoot"), the pure part: a Krayin lead (with the reference
 * data it names) -> the `crm_*` contact attributes, their definitions, the stage label and the private
 * note of a stage or owner change; and, for the forward path, whether a contact_updated webhook is only
 * the echo of those writes. No I/O and no Node modules: types and values here may reach workflow code.
 */
import { canonicalJson } from '../mapping/canonical-json';
import { sha256Hex } from '../mapping/sha256';
import { krayinDateFromOutput } from '../krayin/datetime';
import type { KrayinLead, KrayinPipeline, KrayinUser } from '../krayin/api';
import { CRM_ATTRIBUTE_PREFIX, CRM_LABEL_PREFIX } from '../config/crm-attributes';

export { CRM_ATTRIBUTE_PREFIX };

/** What the contact shows of its lead; read on the Krayin queue, handed to the Chatwoot write (Temporal history). */
export interface LeadFacts {
  leadId: number;
  stageId: number | null;
  stageName: string | null;
  /** Krayin's stage code (`won`, `lost`, ...): what the stage label map may name. */
  stageCode: string | null;
  pipelineId: number | null;
  pipelineName: string | null;
  value: number | null;
  ownerId: number | null;
  ownerName: string | null;
  /** `Y-m-d`: the calendar date the lead was given in Krayin (not shifted by Krayin's time zone). */
  expectedClose: string | null;
  /** The lead in Krayin's web UI. */
  url: string;
}

export type CrmAttributeKey =
  'crm_lead_stage' | 'crm_pipeline' | 'crm_lead_value' | 'crm_lead_owner' | 'crm_expected_close' | 'crm_lead_url';

export type CrmAttributeValue = string | number | null;
export type CrmAttributes = Record<CrmAttributeKey, CrmAttributeValue>;

export interface CrmAttributeDefinition {
  key: CrmAttributeKey;
  displayName: string;
  /** Chatwoot attribute_display_type: the dashboard shows and edits the value accordingly. */
  displayType: 'text' | 'number' | 'date' | 'link';
  description: string;
}

/** The definitions the account needs (created when missing), in the order the dashboard lists them. */
export const CRM_ATTRIBUTE_DEFINITIONS: readonly CrmAttributeDefinition[] = [
  {
    key: 'crm_lead_stage',
    displayName: 'CRM lead stage',
    displayType: 'text',
    description: 'Stage of the Krayin lead (written by the Krayin sync)',
  },
  {
    key: 'crm_pipeline',
    displayName: 'CRM pipeline',
    displayType: 'text',
    description: 'Pipeline of the Krayin lead (written by the Krayin sync)',
  },
  {
    key: 'crm_lead_value',
    displayName: 'CRM lead value',
    displayType: 'number',
    description: 'Value of the Krayin lead (written by the Krayin sync)',
  },
  {
    key: 'crm_lead_owner',
    displayName: 'CRM lead owner',
    displayType: 'text',
    description: 'Sales owner of the Krayin lead (written by the Krayin sync)',
  },
  {
    key: 'crm_expected_close',
    displayName: 'CRM expected close',
    displayType: 'date',
    description: 'Expected close date of the Krayin lead (written by the Krayin sync)',
  },
  {
    key: 'crm_lead_url',
    displayName: 'CRM lead',
    displayType: 'link',
    description: 'The lead in Krayin (written by the Krayin sync)',
  },
];

export interface LeadReferenceData {
  pipelines: readonly KrayinPipeline[];
  /** Used when the lead read names its owner by id only. */
  users: readonly KrayinUser[];
}

export interface LeadFactsOptions {
  /** Krayin's APP_TIMEZONE: its expected_close_date comes back as local midnight in UTC. */
  timeZone: string;
  /** Krayin's web origin (src/config/crm-attributes.ts krayinWebBase). */
  webBase: string;
}

/** The facts of a lead as Krayin's lead show returns it, names resolved through the reference data. */
export function leadFacts(lead: KrayinLead, ref: LeadReferenceData, opts: LeadFactsOptions): LeadFacts {
  const stageId = lead.lead_pipeline_stage_id;
  const pipeline =
    ref.pipelines.find((p) => stageId !== null && p.stages.some((s) => s.id === stageId)) ??
    ref.pipelines.find((p) => p.id === lead.lead_pipeline_id) ??
    null;
  const stage = pipeline?.stages.find((s) => s.id === stageId) ?? null;
  const ownerId = lead.user?.id ?? null;
  const ownerName = lead.user?.name || ref.users.find((u) => u.id === ownerId)?.name || null;
  return {
    leadId: lead.id,
    stageId,
    stageName: stage?.name ?? null,
    stageCode: stage?.code ?? null,
    pipelineId: pipeline?.id ?? lead.lead_pipeline_id,
    pipelineName: pipeline?.name ?? null,
    value: leadValue(lead.lead_value),
    ownerId,
    ownerName,
    expectedClose: closeDate(lead.expected_close_date, opts.timeZone),
    url: `${opts.webBase.replace(/\/+$/, '')}/admin/leads/view/${lead.id}`,
  };
}

/** `"1000.0000"` on reads (decimal(12,4)), the sent JSON type on a create's echo. */
function leadValue(raw: string | number | null): number | null {
  if (raw === null || raw === '') return null;
  const n = typeof raw === 'number' ? raw : Number(raw);
  return Number.isFinite(n) ? n : null;
}

/**
 * Krayin answers local midnight of the date as UTC (`2030-01-14T18:30:00.000000Z` for 2030-01-15 in
 * IST): back to the date in Krayin's zone, the one sales set. Chatwoot's date attributes are ISO
 * strings; a bare date shows as that day in every agent's time zone (date-fns parseISO reads it as
 * local midnight, inferred).
 */
function closeDate(raw: string | null, timeZone: string): string | null {
  if (!raw) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return raw;
  try {
    return krayinDateFromOutput(raw, timeZone);
  } catch {
    return null;
  }
}

/** The attribute values of the facts; null means "the lead has none" (the key is removed from the contact). */
export function crmAttributeValues(facts: LeadFacts): CrmAttributes {
  return {
    crm_lead_stage: facts.stageName,
    crm_pipeline: facts.pipelineName,
    crm_lead_value: facts.value,
    crm_lead_owner: facts.ownerName,
    crm_expected_close: facts.expectedClose,
    crm_lead_url: facts.url,
  };
}

/** One-way hash of one value (what the store keeps instead of the value: owner names are personal data). */
export function valueHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** Per key, the hash of each value present (null values are absent: those keys are not on the contact). */
export function attributeHashes(values: CrmAttributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== null) out[key] = valueHash(value);
  return out;
}

/** The hash of everything written, compared first: equal means nothing to do. */
export function attributesHash(values: CrmAttributes): string {
  return valueHash(attributeHashes(values));
}

export interface AttributeWrite {
  /** Keys whose value changed (or was never written): one shallow-merging contact update. */
  set: Partial<CrmAttributes>;
  /** Keys written before whose value is gone now (e.g. the close date was cleared): destroy_custom_attributes. */
  remove: CrmAttributeKey[];
}

/** What to send, given the hashes of what was last written (null: nothing yet, so every present value). */
export function attributeWrite(values: CrmAttributes, written: Record<string, string> | null): AttributeWrite {
  const set: Partial<CrmAttributes> = {};
  const remove: CrmAttributeKey[] = [];
  for (const [key, value] of Object.entries(values) as [CrmAttributeKey, CrmAttributeValue][]) {
    const before = written?.[key];
    if (value === null) {
      if (before !== undefined) remove.push(key);
    } else if (before !== valueHash(value)) {
      set[key] = value;
    }
  }
  return { set, remove };
}

/**
 * The label the contact should carry for its lead's stage, or null. Map keys match like LEAD_STAGE: a
 * numeric key is a stage id, any other the stage's code or name (case-insensitive).
 */
export function stageLabel(facts: Pick<LeadFacts, 'stageId' | 'stageCode' | 'stageName'>, map: Record<string, string>) {
  for (const [stage, label] of Object.entries(map)) {
    const ref = stage.trim();
    const matches = /^\d+$/.test(ref)
      ? facts.stageId === Number(ref)
      : [facts.stageCode, facts.stageName].some((n) => n !== null && n.toLowerCase() === ref.toLowerCase());
    if (matches) return label;
  }
  return null;
}

export function isCrmLabel(label: string): boolean {
  return label.startsWith(CRM_LABEL_PREFIX);
}

/**
 * The contact's full label set after the stage label is applied: every label this service owns (the
 * `crm-` prefix) is replaced by `desired`, every other label stays, in its place. POST labels replaces
 * the whole set, so this is what gets sent.
 */
export function nextLabels(current: readonly string[], desired: string | null): string[] {
  const kept = current.filter((l) => !isCrmLabel(l));
  return desired === null ? kept : [...kept, desired];
}

/** Same labels, whatever the order (Chatwoot may answer them in another). */
export function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((l) => y.has(l));
}

/** What was written last time (stage and owner ids): the note compares against it. */
export interface PreviousLeadState {
  stageId: number | null;
  ownerId: number | null;
}

/**
 * The private note for a stage or owner change, or null when neither changed (or nothing was written
 * before: the first write is not a change the agent needs told). Krayin does not say who moved the
 * lead, so the note names the owner, not an actor.
 */
export function leadChangeNote(previous: PreviousLeadState | null, facts: LeadFacts): string | null {
  if (previous === null) return null;
  const stageChanged = previous.stageId !== facts.stageId;
  const ownerChanged = previous.ownerId !== facts.ownerId;
  if (!stageChanged && !ownerChanged) return null;
  const stage = facts.stageName ?? 'an unknown stage';
  const pipeline = facts.pipelineName ? ` (${facts.pipelineName})` : '';
  const owner = facts.ownerName ?? 'nobody';
  const line =
    stageChanged && ownerChanged
      ? `CRM: lead moved to ${stage}${pipeline}, owner changed to ${owner}`
      : stageChanged
        ? `CRM: lead moved to ${stage}${pipeline}, owner ${owner}`
        : `CRM: lead owner changed to ${owner} (stage ${stage})`;
  return `${line}\n${facts.url}`;
}

/** What the store keeps of the last write, as the echo check needs it. */
export interface WrittenCrmFacts {
  attributeHashes: Record<string, string>;
  /** The `crm-` labels last set (empty when stage labels are off). */
  labels: string[];
}

type ChangedAttributes = readonly Record<string, { previous_value?: unknown; current_value?: unknown }>[];

/** Keys Chatwoot changes on every save or derives from other columns: never a change of their own. */
const BOOKKEEPING = new Set(['updated_at', 'cached_label_list']);

/**
 * Whether a contact_updated webhook is only the echo of our CRM-facts writes, so the forward path can
 * drop it without planning a Krayin write: every changed attribute is bookkeeping, a custom_attributes
 * change that touches only `crm_` keys, each now holding what we wrote (or removed), or a label_list
 * change that touches only `crm-` labels, now the ones we set. An agent editing a `crm_` value by hand
 * is not an echo (the value is not ours).
 */
export function isCrmFactsEcho(
  changed: ChangedAttributes | null | undefined,
  written: WrittenCrmFacts | null,
): boolean {
  if (!written || !changed || changed.length === 0) return false;
  let ours = false;
  for (const entry of changed) {
    for (const [name, change] of Object.entries(entry)) {
      if (BOOKKEEPING.has(name)) continue;
      if (name === 'custom_attributes' && customAttributesEcho(change, written)) ours = true;
      else if (name === 'label_list' && labelsEcho(change, written)) ours = true;
      else return false;
    }
  }
  return ours;
}

function customAttributesEcho(change: { previous_value?: unknown; current_value?: unknown }, written: WrittenCrmFacts) {
  const before = asRecord(change.previous_value);
  const after = asRecord(change.current_value);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (canonicalJson(before[key]) === canonicalJson(after[key])) continue;
    if (!key.startsWith(CRM_ATTRIBUTE_PREFIX)) return false;
    const expected = written.attributeHashes[key];
    const removed = !(key in after);
    if (removed ? expected !== undefined : expected !== valueHash(after[key])) return false;
  }
  return true;
}

function labelsEcho(change: { previous_value?: unknown; current_value?: unknown }, written: WrittenCrmFacts) {
  const before = asStrings(change.previous_value);
  const after = asStrings(change.current_value);
  const touched = [...before.filter((l) => !after.includes(l)), ...after.filter((l) => !before.includes(l))];
  return touched.every(isCrmLabel) && sameLabels(after.filter(isCrmLabel), written.labels);
}

function asRecord(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
