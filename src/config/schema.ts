/**
 * Configuration schema. Designed for many connections (one Chatwoot account <-> one Krayin each);
 * the environment loader (env.ts) builds a single connection named "default".
 * Every field is documented in docs/configuration.md: keep both in step.
 * Error messages are phrased to read well after either an environment variable name or a JSON path,
 * and never contain the offending value (it may be a secret).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { conversationSettingsSchema } from '../conversations/settings';
import { crmFactsPathProblem, crmFactsSchema } from './crm-attributes';
import { codecConfigSchema } from '../codec/config';
import { keyringSchema } from '../codec/keyring';
import { krayinHooksSchema } from './krayin-hooks';
import { notificationsSchema } from '../notify/config';
import { stageRulesSchema } from '../rules/schema';
import { isReservedField, MAP_SECTIONS, reservedFieldMessage } from '../mapping/fields';
import { TITLE_PLACEHOLDERS, unknownPlaceholders } from '../mapping/template';
import { PRICE_MAX } from '../mapping/limits';
import { DEFAULT_RECONCILE_SCHEDULE, parseReconcileSchedule } from '../reconcile/schedule-spec';
import { twoWaySchema } from './two-way';

/** An integer in [min, max]; one message for every failure (wrong type, fraction, out of range). */
function int(min: number, max?: number, message?: string) {
  const error =
    message ?? (max === undefined ? `must be an integer >= ${min}` : `must be an integer between ${min} and ${max}`);
  const base = z.number({ error }).int({ error }).min(min, { error });
  return max === undefined ? base : base.max(max, { error });
}

const bool = z.boolean({ error: 'must be true or false' });

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

const connectionId = z
  .string({ error: 'required' })
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit',
  );

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const ianaTimezone = z.string({ error: 'must be an IANA time zone such as "UTC" or "Asia/Kolkata"' }).refine(
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
const idOrNameMessage = 'must be a positive integer id or a non-empty name';
const idOrName = z.union(
  [
    z.number({ error: idOrNameMessage }).int({ error: idOrNameMessage }).positive({ error: idOrNameMessage }),
    z.string({ error: idOrNameMessage }).min(1, { error: idOrNameMessage }),
  ],
  { error: idOrNameMessage },
);

/** Where a Chatwoot value comes from: name, email, phone_number, identifier, additional_attributes.x, custom_attributes.x */
export const chatwootFieldPath = z
  .string({ error: 'must be a Chatwoot field path' })
  .regex(
    /^(name|email|phone_number|identifier|(additional_attributes|custom_attributes)\.[\p{L}\p{N}_.-]+)$/u,
    'must be name, email, phone_number, identifier, additional_attributes.<key> or custom_attributes.<key>',
  );

/** Krayin attribute code -> Chatwoot field path. */
const fieldMap = z.record(
  z.string().regex(/^[a-z_][a-z0-9_]*$/, 'Krayin attribute codes are snake_case'),
  chatwootFieldPath,
  {
    // Key errors keep the key schema's own message ("snake_case"); only a non-object gets this one.
    error: (issue) =>
      issue.code === 'invalid_type' ? 'must be an object of Krayin attribute code -> Chatwoot field path' : undefined,
  },
);

const fieldMapSections = z
  .strictObject(
    {
      person: fieldMap.default({}),
      organization: fieldMap.default({}),
      lead: fieldMap.default({}),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown section ${issue.keys.map((k) => `"${k}"`).join(', ')}: the sections are person, organization and lead`
          : 'must be an object with "person", "organization" and/or "lead" sections',
    },
  )
  .superRefine((map, ctx) => {
    // Fields the sync owns (owner, links, pipeline/stage...) would be overwritten on every write.
    for (const section of MAP_SECTIONS) {
      for (const code of Object.keys(map[section])) {
        if (isReservedField(section, code)) {
          ctx.addIssue({ code: 'custom', path: [section, code], message: reservedFieldMessage(code) });
        }
        const loop = crmFactsPathProblem(map[section][code] ?? '');
        if (loop) ctx.addIssue({ code: 'custom', path: [section, code], message: loop });
      }
    }
  });

const domainName = z
  .string({ error: 'must be a domain name such as no-email.invalid' })
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
    'must be a domain name such as no-email.invalid',
  )
  .transform((d) => d.toLowerCase());

export const krayinSchema = z.object({
  /** API base, e.g. http://127.0.0.1:8000/api/v1 */
  url: httpUrl.transform((u) => u.replace(/\/+$/, '')),
  /** Sanctum token "<id>|<secret>" of a dedicated user with global view permission. */
  token: z
    .string({ error: 'must be a Krayin API token of the form <id>|<secret>' })
    .regex(/^\d+\|\S{8,}$/, 'must be a Krayin API token of the form <id>|<secret>'),
  /** Krayin's APP_TIMEZONE: input datetimes are wall time in this zone. */
  timezone: ianaTimezone.default('UTC'),
  /** Krayin allows 60 requests/minute per user; stay under it. */
  requestsPerMinute: int(1, 6000).default(50),
  timeoutMs: int(100, 120_000).default(15_000),
  /** A write that timed out may still be running in Krayin this long; the retry re-reads only after it. */
  writeSettleMs: int(0, 600_000).default(60_000),
});

/** A bearer token we check: long enough not to be guessed, printable ASCII. */
const secretToken = z
  .string({ error: 'must be at least 16 visible ASCII characters' })
  .regex(/^[\x21-\x7e]{16,}$/, 'must be at least 16 visible ASCII characters');

export const chatwootSchema = z.object({
  /** Chatwoot origin, e.g. https://chat.example.com */
  url: httpUrl.transform((u) => u.replace(/\/+$/, '')),
  accountId: int(1, undefined, 'must be a positive integer'),
  apiToken: z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string'),
  /** Per-webhook secret (Chatwoot >= 4.11.2 signs every delivery). */
  webhookSecret: z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string').optional(),
  /**
   * For Chatwoot versions that do not sign: an unguessable token that must end the webhook URL
   * (/webhooks/chatwoot/<connection>/<token>). Off unless set; with a secret too, both are required.
   */
  webhookToken: z
    .string({ error: 'must be at least 24 characters of A-Z, a-z, 0-9, "-" or "_"' })
    .regex(/^[A-Za-z0-9_-]{24,}$/, 'must be at least 24 characters of A-Z, a-z, 0-9, "-" or "_"')
    .optional(),
  timeoutMs: int(100, 120_000).default(10_000),
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
  titleTemplate: z
    .string({ error: 'must be a non-empty template' })
    .min(1, 'must be a non-empty template')
    .refine((t) => unknownPlaceholders(t).length === 0, {
      error: `may only use the placeholders ${TITLE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
    })
    .default('{{name}} (Chatwoot)'),
  /** Initial lead value (Krayin decimal(12,4)). */
  value: z
    .number({ error: `must be a number between 0 and ${PRICE_MAX}` })
    .min(0, { error: `must be a number between 0 and ${PRICE_MAX}` })
    .max(PRICE_MAX, { error: `must be a number between 0 and ${PRICE_MAX}` })
    .default(0),
});

/** Scheduled reconciliation (docs/reconciliation.md). */
export const reconcileSchema = z.object({
  /** When the incremental and the full pass run: see src/reconcile/schedule-spec.ts. */
  schedule: z
    .string({ error: 'must be a string' })
    .default(DEFAULT_RECONCILE_SCHEDULE)
    .superRefine((value, ctx) => {
      try {
        parseReconcileSchedule(value);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  /**
   * A linked contact Chatwoot answers 404 for and that was not merged into another contact: keep its
   * Krayin records (audit only), tag its person and lead `chatwoot-deleted`, or delete its person
   * (a person that leads refer to is tagged instead). See docs/reconciliation.md.
   */
  onChatwootDelete: z
    .enum(['keep', 'tag', 'delete_person'], { error: 'must be keep, tag or delete_person' })
    .default('keep'),
});

export const syncSchema = z.object({
  /**
   * When a lead is created for a contact: when its first conversation starts (default: a contact who
   * never talks to you is not a sales lead), as soon as it is synced, or never.
   */
  leadPolicy: oneOf(['first_conversation', 'contact_created', 'never']).default('first_conversation'),
  syncOrganizations: bool.default(true),
  /** Chatwoot field that names the contact's company. */
  organizationSource: chatwootFieldPath.default('additional_attributes.company_name'),
  /** Krayin requires an email on persons: wait for one (skip) or use <phone digits>@<domain>. */
  emaillessPolicy: oneOf(['skip', 'placeholder']).default('skip'),
  placeholderEmailDomain: domainName.default('no-email.invalid'),
  lead: leadSchema.default(() => leadSchema.parse({})),
  /** Extra field mapping, merged over the defaults (see src/mapping/field-map.ts). */
  fieldMap: fieldMapSections.default({ person: {}, organization: {}, lead: {} }),
  /** How conversations (and optionally messages) become Krayin activities; see src/conversations/settings.ts. */
  conversations: conversationSettingsSchema.default(() => conversationSettingsSchema.parse({})),
  /** Stage progression rules evaluated on conversation changes; see src/rules/schema.ts. */
  stageRules: stageRulesSchema,
  /** Make the lead's owner the Krayin user whose email is the Chatwoot assignee's (else lead.owner). */
  assigneeOwner: bool.default(true),
  /** Quiet period that coalesces a burst of events into one sync. */
  debounceMs: int(0, 600_000).default(2_000),
  /** A contact workflow closes after this long without events; the next event starts a new run. */
  idleCloseMs: int(1_000).default(3_600_000),
  reconcile: reconcileSchema.default(() => reconcileSchema.parse({})),
});

/** The Chatwoot dashboard app (src/chatwoot-app): off unless its per-connection URL token is set. */
export const dashboardAppSchema = z.object({
  /**
   * Secret part of the app's URL (/chatwoot-app/<connection>/<token>/), also the key its context tokens
   * are signed with. Unset: the app answers 404 for this connection.
   */
  token: z
    .string({ error: 'must be at least 24 characters of A-Z, a-z, 0-9, "-" or "_"' })
    .regex(/^[A-Za-z0-9_-]{24,}$/, 'must be at least 24 characters of A-Z, a-z, 0-9, "-" or "_"')
    .optional(),
  /**
   * Who may move a lead to any stage of its pipeline from the panel (backwards, out of won or lost):
   * Chatwoot agent emails or roles (`administrator`, `agent`), lower-cased. Empty: forward only for all.
   * A comma-separated string (the env variable) is split.
   */
  backwardMoves: z
    .preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s.length > 0)
          : v,
      z.array(z.string().trim().min(1).toLowerCase()),
    )
    .default([]),
});

export const connectionSchema = z.object({
  id: connectionId,
  enabled: bool.default(true),
  krayin: krayinSchema,
  chatwoot: chatwootSchema,
  sync: syncSchema.default(() => syncSchema.parse({})),
  /** Krayin's own webhooks as poll hints (src/config/krayin-hooks.ts). */
  krayinHooks: krayinHooksSchema,
  /** Krayin -> Chatwoot (docs/two-way-sync.md); off by default. */
  twoWay: twoWaySchema.default(() => twoWaySchema.parse({})),
  /** What the two-way sync shows of the contact's Krayin lead in Chatwoot (src/config/crm-attributes.ts). */
  crmFacts: crmFactsSchema.default(() => crmFactsSchema.parse({})),
  /** Alert channels of this connection; default: the service-wide `notifications`. */
  notifications: notificationsSchema.optional(),
  /** The CRM panel inside Chatwoot's conversation view (docs/chatwoot-app.md); off by default. */
  dashboardApp: dashboardAppSchema.default(() => dashboardAppSchema.parse({})),
});

const PEM_BEGIN = '-----BEGIN ';

/**
 * A certificate or key for the Temporal connection: a file path or the PEM text itself (secrets
 * mounted as files, or passed as values). The file is read here so a missing one is a config error
 * at start, not a connection failure later; messages name the path, never the PEM content.
 */
const pemSource = z
  .object(
    {
      path: z.string({ error: 'must be a file path' }).min(1, 'must be a file path').optional(),
      data: z.string({ error: 'must be PEM text' }).min(1, 'must be PEM text').optional(),
    },
    { error: 'must be an object with "path" or "data"' },
  )
  .superRefine((source, ctx) => {
    if (source.path !== undefined && source.data !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: 'set either the file path or the PEM text, not both' });
      return;
    }
    if (source.data !== undefined && !source.data.includes(PEM_BEGIN)) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: 'must be PEM text (a "-----BEGIN ..." block)' });
    }
    if (source.path === undefined) return;
    let text: string;
    try {
      text = readFileSync(source.path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      ctx.addIssue({ code: 'custom', path: ['path'], message: `cannot read ${source.path} (${code})` });
      return;
    }
    if (!text.includes(PEM_BEGIN)) {
      ctx.addIssue({
        code: 'custom',
        path: ['path'],
        message: `${source.path} is not a PEM file (no "-----BEGIN" line)`,
      });
    }
  });

/** The key of the one side of a PEM source that is set (for issue paths that name its variable). */
function pemSide(source: unknown): 'path' | 'data' {
  return asRecord(source).path !== undefined ? 'path' : 'data';
}

/**
 * TLS to an existing Temporal server (production cluster, Temporal Cloud). Present = TLS on (with the
 * system CAs unless serverCaCert is given), like the Temporal SDKs' environment configuration.
 */
const temporalTlsSchema = z
  .object({
    /** false turns TLS off even with an API key; true turns it on with nothing else set. */
    enabled: bool.optional(),
    /** Server name the certificate is checked against (SNI), when it differs from the address host. */
    serverName: z.string({ error: 'must be a host name' }).min(1, 'must be a host name').optional(),
    /** CA of the server's certificate; default: the system CAs. */
    serverCaCert: pemSource.optional(),
    /** mTLS: the client certificate and its private key, both or neither. */
    clientCert: pemSource.optional(),
    clientKey: pemSource.optional(),
  })
  .superRefine((tls, ctx) => {
    if (tls.clientKey && !tls.clientCert) {
      ctx.addIssue({
        code: 'custom',
        path: ['clientKey', pemSide(tls.clientKey)],
        message: 'needs the client certificate too (mTLS: TEMPORAL_TLS_CLIENT_CERT_PATH or _DATA)',
      });
    }
    if (tls.clientCert && !tls.clientKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['clientCert', pemSide(tls.clientCert)],
        message: 'needs the client key too (mTLS: TEMPORAL_TLS_CLIENT_KEY_PATH or _DATA)',
      });
    }
  });

export type TemporalTlsSettings = z.infer<typeof temporalTlsSchema>;

const temporalSchema = z.object({
  /** host:port of an existing Temporal server; absent = start the embedded dev server. */
  address: z
    .string({ error: 'must be host:port, e.g. temporal:7233' })
    .regex(/^(\[[0-9a-f:.]+\]|[^\s:/[\]]+):\d{1,5}$/i, 'must be host:port, e.g. temporal:7233')
    .optional(),
  namespace: z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string').default('default'),
  taskQueue: z
    .string({ error: 'must be a non-empty string' })
    .min(1, 'must be a non-empty string')
    .default('chatwoot-krayin-sync'),
  /** API key (Temporal Cloud); implies TLS unless tls.enabled is false. */
  apiKey: z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string').optional(),
  tls: temporalTlsSchema.optional(),
  /** Embedded dev server only: Web UI port and gRPC port (0 = pick a free port). */
  uiPort: int(0, 65535).default(8233),
  /**
   * Where operators open the Temporal Web UI (the console's "Open in Temporal" links). Default: the
   * embedded dev server's UI; with TEMPORAL_ADDRESS there are no links unless this is set.
   */
  uiUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  port: int(0, 65535).default(7233),
});

/**
 * Temporal workers of this process. The workflow cache is what grows with the contacts a backfill (or a
 * busy day) touches: each contact workflow stays open `idleCloseMs` after its sync, and without a cap the
 * SDK caches about 600 of them per GB of V8 heap limit (2,310 with Node's 4 GB limit). Measured, each
 * cached contact workflow adds about 0.3 MB to the worker's RSS, and a full cache that keeps evicting
 * settles higher still (docs/performance.md "Backfill"). 50 is still above what a backfill has in flight
 * (its window of 30, a page of 15 and itself). An evicted workflow is replayed from its history when it
 * next has something to do (a short history for a contact): a little CPU later, never correctness.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 50;

const workerSchema = z.object({
  /** Workflow runs kept in the worker's memory between their tasks (0 = none: every task replays). */
  maxCachedWorkflows: int(0, 100_000)
    .refine((n) => n !== 1, { error: 'must be 0 (no cache) or at least 2' })
    .default(DEFAULT_MAX_CACHED_WORKFLOWS),
});

const databaseSchema = z.object({
  /** postgres:// URL; absent = embedded PGlite under <dataDir>/pglite. */
  url: z
    .string({ error: 'must be a postgres:// or postgresql:// URL' })
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
});

export const serviceSchema = z.object({
  port: int(0, 65535).default(3000),
  /** Host the ingest server binds to. */
  host: z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string').default('0.0.0.0'),
  /** Public base URL printed for the webhook (default http://localhost:<port>). */
  publicUrl: httpUrl.transform((u) => u.replace(/\/+$/, '')).optional(),
  dataDir: z.string({ error: 'must be a non-empty path' }).min(1, 'must be a non-empty path').default('.data'),
  /** Max webhook body size, e.g. "1mb". */
  bodyLimit: z
    .string({ error: 'must be a size such as "1mb"' })
    .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'must be a size such as "1mb"')
    .default('1mb'),
  temporal: temporalSchema.default(() => temporalSchema.parse({})),
  database: databaseSchema.default(() => databaseSchema.parse({})),
  /** Temporal worker limits that bound the worker's memory (docs/performance.md "Backfill"). */
  worker: workerSchema.default(() => workerSchema.parse({})),
  /** How accepted webhooks become durable (src/ingest/README.md, docs/architecture.md "Ingest"). */
  ingest: z
    .object({
      /**
       * `log`: 2xx after the event is committed to the store's inbound log (group commit); a forwarder
       * hands it to Temporal, so Temporal being down delays syncs instead of refusing webhooks.
       * `direct`: 2xx after Temporal accepted the signalWithStart (one round trip per webhook).
       */
      mode: oneOf(['log', 'direct']).default('log'),
      /** log mode: above this many events waiting for Temporal, webhooks are refused with 503 `inbound_log_full`. */
      logMaxEvents: int(100, 10_000_000).default(100_000),
      /** log mode: signalWithStart calls the forwarder keeps in flight (different contacts; one contact's stay in order). */
      forwardConcurrency: int(1, 1_000).default(64),
    })
    .default({ mode: 'log', logMaxEvents: 100_000, forwardConcurrency: 64 }),
  logLevel: oneOf(['debug', 'info', 'warn', 'error']).default('info'),
  /** Bearer token of the admin API (/admin/*); absent: `start` generates one under dataDir, other modes serve none. */
  adminToken: secretToken.optional(),
  metrics: z
    .object({
      /** Bearer token for GET /metrics; default: the admin token. */
      token: secretToken.optional(),
      /** A metrics-only HTTP port for processes without the ingest server (the `worker` command). */
      port: int(1, 65535).optional(),
    })
    .default({}),
  /** The console's analytics (sync_events): rows older than this many days are pruned. */
  analytics: z
    .object({
      retentionDays: int(1, 3650).default(400),
    })
    .default({ retentionDays: 400 }),
  /** Payload encryption in Temporal history, and the codec endpoint the Temporal UI can use. */
  codec: codecConfigSchema.default({}),
  /**
   * Keys that encrypt the secrets edited in the console (AES-256-GCM, first = active; src/settings).
   * Absent: embedded installs keep a generated key under dataDir, others cannot store console secrets.
   */
  settingsEncryption: keyringSchema.optional(),
  /** Alert channels for every connection without its own. */
  notifications: notificationsSchema.optional(),
  /** Accept webhooks that are neither signed nor carry the URL token (not recommended). */
  allowUnsignedWebhooks: bool.default(false),
  /** How the workers watch each connection's Krayin (src/ops/connection-health.ts). */
  health: z
    .object({
      /** While Krayin refuses the token, probe it this often. */
      authProbeIntervalMs: int(1_000, 3_600_000).default(60_000),
      /** Krayin failing (network errors, 5xx) this long raises the "krayin_unreachable" alert. */
      unreachableAlertAfterMs: int(1_000, 24 * 3_600_000).default(300_000),
    })
    .default({ authProbeIntervalMs: 60_000, unreachableAlertAfterMs: 300_000 }),
});

export const appConfigSchema = serviceSchema
  .extend({
    connections: z
      .array(connectionSchema, { error: 'must be a list of connections' })
      .min(1, 'at least one connection is required')
      .refine((cs) => new Set(cs.map((c) => c.id)).size === cs.length, { error: 'connection ids must be unique' }),
  })
  // Runs even when other fields failed (`when`), so one report lists every problem: a missing webhook
  // secret is named together with a missing KRAYIN_URL, not only once the rest is fixed.
  .superRefine(crossFieldRules, { when: () => true });

/**
 * Rules spanning several fields. The value may be partly invalid here (it runs after other failures
 * too), so it is read defensively; a field that is present but invalid was already reported itself.
 */
function crossFieldRules(value: unknown, ctx: z.RefinementCtx): void {
  const config = asRecord(value);
  const codec = asRecord(config.codec);
  if (codec.codecServer && !codec.encryption) {
    ctx.addIssue({
      code: 'custom',
      path: ['codec', 'codecServer'],
      message: 'needs payload encryption keys (codec.encryption / PAYLOAD_ENCRYPTION_KEYS)',
    });
  }
  if (config.allowUnsignedWebhooks === true || !Array.isArray(config.connections)) return;
  config.connections.forEach((c: unknown, i) => {
    const chatwoot = asRecord(asRecord(c).chatwoot);
    if (chatwoot.webhookSecret || chatwoot.webhookToken) return;
    ctx.addIssue({
      code: 'custom',
      path: ['connections', i, 'chatwoot', 'webhookSecret'],
      message:
        'required: the webhook secret (Chatwoot >= 4.11.2), or a CHATWOOT_WEBHOOK_TOKEN for unsigned Chatwoot versions (or ALLOW_UNSIGNED_WEBHOOKS=true)',
    });
  });
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

export type ConnectionConfig = z.infer<typeof connectionSchema>;
export type SyncSettings = z.infer<typeof syncSchema>;
export type LeadSettings = z.infer<typeof leadSchema>;
export type AppConfig = z.infer<typeof appConfigSchema>;
export type TemporalSettings = AppConfig['temporal'];
export type WorkerSettings = AppConfig['worker'];
export type FieldMap = z.infer<typeof syncSchema>['fieldMap'];
