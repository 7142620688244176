/**
 * Two-way sync settings of a connection (`connections[].twoWay`, docs/two-way-sync.md): Krayin persons
 * flow back to their Chatwoot contacts. Off by default: nothing changes for installs that don't enable it.
 *
 * - `enabled` (TWO_WAY_SYNC, default off).
 * - `pollInterval` (KRAYIN_POLL_INTERVAL, default `1m`): how often Krayin is polled for changed persons
 *   and leads, `<n>s|m|h` (at least 10 s) or `off` (then only a poll-now hint polls).
 * - `fieldOwnership` (FIELD_OWNERSHIP): per field, which side's change wins: `chatwoot`, `krayin` or
 *   `newest` (the later change; a tie goes to `tieGoesTo`). Overrides only, merged over
 *   DEFAULT_FIELD_OWNERSHIP; the environment form is `name=newest,job_title=krayin`.
 * - `tieGoesTo` (FIELD_OWNERSHIP_TIE, default `krayin`).
 * - `scanInterval` (KRAYIN_SCAN_INTERVAL, default `1h`): how often the poll pages every person and lead by
 *   id (deletions, and edits that leave `updated_at` alone), `<n>s|m|h` (at least 10 s) or `off`.
 * - `newPersons` (KRAYIN_NEW_PERSONS, default `ignore`): a person created or changed in Krayin that no
 *   contact links to is left alone (`ignore`), or gets a Chatwoot contact (`create`: an existing contact
 *   with its email or phone is linked, else one is created; src/two-way/new-persons.ts).
 */
import { z } from 'zod';

/** The fields the two-way sync compares, as the field ownership names them. */
export const TWO_WAY_FIELDS = ['name', 'email', 'phone', 'job_title', 'organization'] as const;
export type TwoWayField = (typeof TWO_WAY_FIELDS)[number];

export const OWNERS = ['chatwoot', 'krayin', 'newest'] as const;
export type FieldOwner = (typeof OWNERS)[number];
export type Side = 'chatwoot' | 'krayin';

/** Identity fields follow the newest change; the job title is a CRM fact (Krayin's). */
export const DEFAULT_FIELD_OWNERSHIP: Readonly<Record<TwoWayField, FieldOwner>> = {
  name: 'newest',
  email: 'newest',
  phone: 'newest',
  job_title: 'krayin',
  organization: 'newest',
};

const MIN_POLL_MS = 10_000;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `30s`, `1m`, `2h` -> ms; `off` -> null; anything else -> undefined. */
export function parsePollInterval(text: string): number | null | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'off') return null;
  const m = /^(\d+)\s*([smh])$/.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

const POLL_MESSAGE = 'must be an interval such as 30s, 1m or 2h (at least 10s), or off';

/** `name=newest,email=krayin` (the environment form) -> {name: 'newest', email: 'krayin'}. */
function ownershipFromText(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [part, ''] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    });
  return Object.fromEntries(entries);
}

/** `attribute.<code>`, `custom_attributes` and the like: what an owner of a custom attribute would be called. */
function isCustomAttributeKey(key: unknown): boolean {
  return typeof key === 'string' && /^(attribute\.|attributes?$|custom_attributes?\b)/.test(key);
}

/** The message for unknown field names (`keys`): custom attributes get told why they cannot be owned. */
function fieldsMessage(keys: unknown[]): string {
  const fields = `fields are ${TWO_WAY_FIELDS.join(', ')}`;
  return keys.some(isCustomAttributeKey)
    ? `custom attributes have no owner: Krayin's API never returns their values, so they only flow from Chatwoot to Krayin (${fields})`
    : fields;
}

const ownershipSchema = z.preprocess(
  ownershipFromText,
  z.partialRecord(
    z.enum(TWO_WAY_FIELDS, { error: (issue) => fieldsMessage([issue.input]) }),
    z.enum(OWNERS, { error: `owners are ${OWNERS.join(', ')}` }),
    {
      // Not an object: the form is wrong; an object with other keys: the field names are.
      error: (issue) =>
        issue.code === 'invalid_type'
          ? 'must be field=owner pairs such as name=newest,job_title=krayin'
          : fieldsMessage((issue as { keys?: unknown[] }).keys ?? []),
    },
  ),
);

export const twoWaySchema = z.object({
  enabled: z.boolean({ error: 'must be true or false' }).default(false),
  pollInterval: z
    .string({ error: POLL_MESSAGE })
    .default('1m')
    .refine(
      (text) => {
        const ms = parsePollInterval(text);
        return ms === null || (ms !== undefined && ms >= MIN_POLL_MS);
      },
      { error: POLL_MESSAGE },
    ),
  scanInterval: z
    .string({ error: POLL_MESSAGE })
    .default('1h')
    .refine(
      (text) => {
        const ms = parsePollInterval(text);
        return ms === null || (ms !== undefined && ms >= MIN_POLL_MS);
      },
      { error: POLL_MESSAGE },
    ),
  fieldOwnership: ownershipSchema.default({}),
  tieGoesTo: z.enum(['chatwoot', 'krayin'], { error: 'must be chatwoot or krayin' }).default('krayin'),
  newPersons: z.enum(['ignore', 'create'], { error: 'must be ignore or create' }).default('ignore'),
});

export type TwoWaySettings = z.infer<typeof twoWaySchema>;

/** The owner of every field: the defaults with the connection's overrides over them. */
export function effectiveOwnership(settings: Pick<TwoWaySettings, 'fieldOwnership'>): Record<TwoWayField, FieldOwner> {
  return { ...DEFAULT_FIELD_OWNERSHIP, ...settings.fieldOwnership };
}

/** Poll interval in ms, or null when polling on a timer is off. */
export function pollIntervalMs(settings: Pick<TwoWaySettings, 'pollInterval'>): number | null {
  return parsePollInterval(settings.pollInterval) ?? null;
}

/** Id-scan interval in ms (KRAYIN_SCAN_INTERVAL), or null when the scan is off. */
export function scanIntervalMs(settings: Pick<TwoWaySettings, 'scanInterval'>): number | null {
  return parsePollInterval(settings.scanInterval) ?? null;
}
