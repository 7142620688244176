/**
 * CRM facts in Chatwoot (docs/two-way-sync.md, "CRM facts in Chatwoot"): what the two-way sync shows of a contact's Krayin
 * lead on the Chatwoot contact. Part of each connection (`connections[].crmFacts`); the environment loader
 * fills the `default` connection's from CRM_ATTRIBUTES, CRM_STAGE_LABELS, CRM_STAGE_NOTES and
 * CRM_KRAYIN_WEB_URL. Messages never repeat a value (house rule of src/config/schema.ts).
 */
import { z } from 'zod';

/** Labels this service owns on Chatwoot contacts start with this; every other label is an agent's. */
export const CRM_LABEL_PREFIX = 'crm-';
/** Every custom attribute key this service writes starts with this, so agents and the forward path can tell. */
export const CRM_ATTRIBUTE_PREFIX = 'crm_';

/**
 * A field map entry reading one of our `crm_*` attributes would send Krayin's own facts back to Krayin
 * on every echo of their write (a loop): refused, with the reason.
 */
export function crmFactsPathProblem(chatwootPath: string): string | null {
  return chatwootPath.startsWith(`custom_attributes.${CRM_ATTRIBUTE_PREFIX}`)
    ? `custom_attributes.${CRM_ATTRIBUTE_PREFIX}* are the lead's facts the sync writes from Krayin (CRM facts): mapping them back to Krayin would loop`
    : null;
}

const labelMessage = `must be ${CRM_LABEL_PREFIX}<letters, digits, "-" or "_">, lower case (labels this service owns start with "${CRM_LABEL_PREFIX}")`;
/** Chatwoot label titles are lower-case letters, digits, "-" and "_" (label.rb); ours carry the prefix. */
const crmLabel = z
  .string({ error: labelMessage })
  .regex(new RegExp(`^${CRM_LABEL_PREFIX}[\\p{Ll}\\p{N}_-]+$`, 'u'), labelMessage);

const mapMessage =
  'must be <stage>=<label> pairs separated by commas (e.g. "Won=crm-won,Lost=crm-lost"), or a JSON object of stage -> label';

/**
 * "Won=crm-won,Lost=crm-lost" (the environment) or {"Won":"crm-won"} (the file): a Krayin stage (id, code or
 * name, matched like LEAD_STAGE) -> the label the contact carries while its lead is in that stage.
 */
const stageLabels = z.preprocess(
  (raw) => (typeof raw === 'string' ? parsePairs(raw) : raw),
  z.record(z.string().trim().min(1, { error: mapMessage }), crmLabel, { error: mapMessage }),
);

/** `Won=crm-won, Lost=crm-lost` -> object; anything that is not such a list is left for the schema to reject. */
function parsePairs(text: string): unknown {
  if (text.trim() === '') return {};
  const pairs = text.split(',').map((p) => p.split('='));
  if (pairs.some((p) => p.length !== 2)) return text;
  return Object.fromEntries(pairs.map(([stage, label]) => [stage!.trim(), label!.trim()]));
}

export const crmFactsSchema = z.object({
  /**
   * Write the lead's stage, pipeline, value, owner, expected close date and link as `crm_*` contact
   * attributes (definitions created on the account when missing). Applies while the two-way sync runs.
   */
  attributes: z.boolean({ error: 'must be true or false' }).default(true),
  /** Stage -> contact label; the contact's other `crm-` labels are removed, agents' labels kept. Empty: off. */
  stageLabels: stageLabels.default({}),
  /** A private note in the contact's open conversation when the lead's stage or owner changes. */
  stageNotes: z.boolean({ error: 'must be true or false' }).default(false),
  /**
   * A private note in the contact's open conversation when a sales user logs or changes an activity (call,
   * meeting, lunch, note) on its Krayin lead or person. Off: Krayin's activities are not polled at all.
   */
  activityNotes: z.boolean({ error: 'must be true or false' }).default(false),
  /**
   * Origin of Krayin's web UI for the lead link, when it is not the API URL without its `/api/...`
   * path (a separate admin host, a proxy).
   */
  krayinWebUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
});

export type CrmFactsSettings = z.infer<typeof crmFactsSchema>;

export const DEFAULT_CRM_FACTS: CrmFactsSettings = {
  attributes: true,
  stageLabels: {},
  stageNotes: false,
  activityNotes: false,
};

/**
 * Where Krayin's admin UI lives: the configured web URL, else the API URL (`http://host/api/v1`) without
 * its `/api` path (Krayin serves both from one Laravel app).
 */
export function krayinWebBase(krayinApiUrl: string, settings: Pick<CrmFactsSettings, 'krayinWebUrl'>): string {
  if (settings.krayinWebUrl) return settings.krayinWebUrl;
  return krayinApiUrl.replace(/\/+$/, '').replace(/\/api(\/v\d+)?$/, '');
}
