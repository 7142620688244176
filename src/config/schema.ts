/**
 * Configuration schema. Designed for many connections (one Chatwoot account <-> one Krayin each);
 * the environment loader (env.ts) builds a single connection named "default".
 * Every field is documented in docs/configuration.md: keep both in step.
 */
import { z } from 'zod';

const connectionId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit',
  );

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const ianaTimezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone such as "UTC" or "Asia/Kolkata"' },
);

/** A Krayin reference given either as a numeric id or as a code/name to resolve through the API. */
const idOrName = z.union([z.number().int().positive(), z.string().min(1)]);

/** Where a Chatwoot value comes from: name, email, phone_number, identifier, additional_attributes.x, custom_attributes.x */
export const chatwootFieldPath = z
  .string()
  .regex(
    /^(name|email|phone_number|identifier|(additional_attributes|custom_attributes)\.[\p{L}\p{N}_.\-]+)$/u,
    'must be name, email, phone_number, identifier, additional_attributes.<key> or custom_attributes.<key>',
  );

/** Krayin attribute code -> Chatwoot field path. */
const fieldMap = z.record(
  z.string().regex(/^[a-z_][a-z0-9_]*$/, 'Krayin attribute codes are snake_case'),
  chatwootFieldPath,
);

export const krayinSchema = z.object({
  /** API base, e.g. http://127.0.0.1:8000/api/v1 */
  url: httpUrl.transform((u) => u.replace(/\/+$/, '')),
  /** Sanctum token "<id>|<secret>" of a dedicated user with global view permission. */
  token: z.string().regex(/^\d+\|\S{8,}$/, 'must be a Krayin API token of the form <id>|<secret>'),
  /** Krayin's APP_TIMEZONE: input datetimes are wall time in this zone. */
  timezone: ianaTimezone.default('UTC'),
  /** Krayin allows 60 requests/minute per user; stay under it. */
  requestsPerMinute: z.number().int().min(1).max(6000).default(50),
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
});

export const chatwootSchema = z.object({
  /** Chatwoot origin, e.g. https://chat.example.com */
  url: httpUrl.transform((u) => u.replace(/\/+$/, '')),
  accountId: z.number().int().positive(),
  apiToken: z.string().min(1),
  /** Per-webhook secret (Chatwoot >= 4.11.2 signs every delivery). */
  webhookSecret: z.string().min(1).optional(),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
});

export const leadSchema = z.object({
  /** Pipeline id or name; default: Krayin's default pipeline. */
  pipeline: idOrName.optional(),
  /** Stage id or code within the pipeline; default: the pipeline's first stage. */
  stage: idOrName.optional(),
  /** Lead source id or name (e.g. "Web"); omitted when unset. */
  source: idOrName.optional(),
  /** Lead type id or name (e.g. "New Business"); omitted when unset. */
  type: idOrName.optional(),
  /** Sales owner: Krayin user id or email; also used as the person's owner. */
  owner: idOrName.optional(),
  /** {{name}}, {{email}}, {{company}}, {{contact_id}} are replaced. */
  titleTemplate: z.string().min(1).default('{{name}} (Chatwoot)'),
  /** Initial lead value. */
  value: z.number().min(0).default(0),
});

export const syncSchema = z.object({
  /** When a lead is created for a contact. */
  leadPolicy: z.enum(['contact_created', 'never']).default('contact_created'),
  syncOrganizations: z.boolean().default(true),
  /** Chatwoot field that names the contact's company. */
  organizationSource: chatwootFieldPath.default('additional_attributes.company_name'),
  /** Krayin requires an email on persons: wait for one (skip) or use <phone digits>@<domain>. */
  emaillessPolicy: z.enum(['skip', 'placeholder']).default('skip'),
  placeholderEmailDomain: z
    .string()
    .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain name such as no-email.invalid')
    .default('no-email.invalid'),
  lead: leadSchema.default(() => leadSchema.parse({})),
  /** Extra field mapping, merged over the defaults (see src/mapping/field-map.ts). */
  fieldMap: z
    .object({
      person: fieldMap.default({}),
      organization: fieldMap.default({}),
      lead: fieldMap.default({}),
    })
    .default({ person: {}, organization: {}, lead: {} }),
  /** Quiet period that coalesces a burst of events into one sync. */
  debounceMs: z.number().int().min(0).max(600_000).default(2_000),
  /** A contact workflow closes after this long without events; the next event starts a new run. */
  idleCloseMs: z.number().int().min(1_000).default(3_600_000),
});

export const connectionSchema = z.object({
  id: connectionId,
  enabled: z.boolean().default(true),
  krayin: krayinSchema,
  chatwoot: chatwootSchema,
  sync: syncSchema.default(() => syncSchema.parse({})),
});

export const serviceSchema = z.object({
  port: z.number().int().min(0).max(65535).default(3000),
  /** Host the ingest server binds to. */
  host: z.string().default('0.0.0.0'),
  /** Public base URL printed for the webhook (default http://localhost:<port>). */
  publicUrl: httpUrl.optional(),
  dataDir: z.string().min(1).default('.data'),
  /** Max webhook body size, e.g. "1mb". */
  bodyLimit: z.string().default('1mb'),
  temporal: z.object({
    /** host:port of an existing Temporal server; absent = start the embedded dev server. */
    address: z.string().optional(),
    namespace: z.string().default('default'),
    taskQueue: z.string().default('chatwoot-krayin-sync'),
    uiPort: z.number().int().default(8233),
    port: z.number().int().default(7233),
  }),
  database: z.object({
    /** postgres:// URL; absent = embedded PGlite under <dataDir>/pglite. */
    url: z.string().optional(),
  }),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export const appConfigSchema = serviceSchema.extend({
  connections: z
    .array(connectionSchema)
    .min(1, 'at least one connection is required')
    .refine((cs) => new Set(cs.map((c) => c.id)).size === cs.length, { error: 'connection ids must be unique' }),
});

export type ConnectionConfig = z.infer<typeof connectionSchema>;
export type SyncSettings = z.infer<typeof syncSchema>;
export type LeadSettings = z.infer<typeof leadSchema>;
export type AppConfig = z.infer<typeof appConfigSchema>;
export type FieldMap = z.infer<typeof syncSchema>['fieldMap'];
