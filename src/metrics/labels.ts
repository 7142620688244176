/**
 * Label values for Prometheus must be bounded (every distinct value is a new time series kept in memory
 * forever) and PII-free (metrics are scraped into systems with weaker access control than the store).
 * `safeLabel` lets through only values from an allow-list or matching an anchored pattern; anything else,
 * an email, a phone number, a name, an id, becomes "other".
 */
export const OTHER = 'other';
/** Reason label when there is none (accepted webhooks). */
export const NO_REASON = 'none';
const MAX_LABEL_LENGTH = 64;

export interface LabelRule {
  allow?: ReadonlySet<string>;
  /** Must be anchored (^...$). */
  pattern?: RegExp;
}

export function safeLabel(value: unknown, rule: LabelRule): string {
  if (typeof value !== 'string' && typeof value !== 'number') return OTHER;
  const s = String(value);
  if (s === '' || s.length > MAX_LABEL_LENGTH) return OTHER;
  if (rule.allow?.has(s) || rule.pattern?.test(s)) return s;
  return OTHER;
}

export const WEBHOOK_OUTCOMES = ['accepted', 'duplicate', 'held', 'ignored', 'rejected'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

export const SYNC_OUTCOMES = ['synced', 'unchanged', 'skipped', 'gone', 'parked', 'failed'] as const;
export type SyncOutcome = (typeof SYNC_OUTCOMES)[number];

/**
 * Every reason ingest answers with (src/ingest/README.md) and every classification reason
 * (src/chatwoot/events.ts). A new reason shows up as "other" until it is added here or passed as
 * `extraReasons`: free text can never leak in.
 */
export const WEBHOOK_REASONS = [
  NO_REASON,
  'unknown_connection',
  'content_type_not_json',
  'charset_unsupported',
  'content_encoding_unsupported',
  'body_too_large',
  'request_aborted',
  'request_size_invalid',
  'missing_signature',
  'malformed_signature',
  'missing_timestamp',
  'malformed_timestamp',
  'stale_timestamp',
  'bad_signature',
  'missing_url_token',
  'bad_url_token',
  'connection_disabled',
  'malformed_delivery_id',
  'invalid_json',
  'not_an_object',
  'unknown_event',
  'schema_mismatch',
  'noise',
  'anonymous',
  'no_contact',
  'typing',
  'inbox_event',
  'webwidget_triggered',
  'dispatch_failed',
  'inbound_log_full',
  'no_route',
  'method_not_allowed',
  'bad_request',
  'internal_error',
  // The Krayin hint route's own answers (src/ingest/krayin-hint-route.ts).
  'temporal_unavailable',
  'hints_unavailable',
] as const;

/** What happened to one Krayin hint (POST /webhooks/krayin/...): cks_krayin_hints_total's `outcome`. */
export const KRAYIN_HINT_OUTCOMES = ['accepted', 'coalesced', 'ignored', 'rejected'] as const;
export type KrayinHintOutcome = (typeof KRAYIN_HINT_OUTCOMES)[number];

/**
 * Words that occur in Krayin (and Chatwoot) API route templates. An endpoint label is a method plus
 * segments from this vocabulary or `{id}`-style placeholders, so a new route of a known shape
 * ("DELETE /contacts/persons/{id}") is kept while a path with a real id or a name in it is not.
 */
export const ROUTE_SEGMENTS = [
  'activities',
  'attributes',
  'contacts',
  'conversations',
  'edit',
  'emails',
  'files',
  'get',
  'leads',
  'login',
  'logout',
  'mass-destroy',
  'mass-update',
  'messages',
  'organizations',
  'persons',
  'pipelines',
  'products',
  'quotes',
  'search',
  'settings',
  'sources',
  'stage',
  'tags',
  'types',
  'users',
] as const;

const ROUTE_PLACEHOLDER = /^\{(id|[a-z]+_id)\}$/;
const ROUTE_SEGMENT_SET: ReadonlySet<string> = new Set(ROUTE_SEGMENTS);
const ROUTE_METHOD = /^(GET|POST|PUT|PATCH|DELETE)$/;

/** True for "POST /contacts/persons", "GET /leads/{id}/activities"; false for anything with an id or free text. */
export function isRouteTemplate(value: string): boolean {
  const space = value.indexOf(' ');
  if (space < 0 || !ROUTE_METHOD.test(value.slice(0, space))) return false;
  const path = value.slice(space + 1);
  if (!path.startsWith('/') || path.length === 1) return false;
  return path
    .slice(1)
    .split('/')
    .every((seg) => ROUTE_SEGMENT_SET.has(seg) || ROUTE_PLACEHOLDER.test(seg));
}

/**
 * Config's connection id shape, but starting with a letter: used only without a configured list, where a
 * digit-first value could be a phone number typed into a URL.
 */
export const CONNECTION_ID_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
export const HTTP_STATUS_PATTERN = /^[1-5]\d\d$/;

export const rules = {
  webhookOutcome: { allow: new Set<string>(WEBHOOK_OUTCOMES) },
  krayinHintOutcome: { allow: new Set<string>(KRAYIN_HINT_OUTCOMES) },
  syncOutcome: { allow: new Set<string>(SYNC_OUTCOMES) },
  recordType: { allow: new Set(['person', 'organization', 'lead', 'activity']) },
  backfillOutcome: { allow: new Set(['created', 'linked', 'updated', 'unchanged', 'skipped', 'invalid', 'failed']) },
  status: { allow: new Set(['network']), pattern: HTTP_STATUS_PATTERN },
} satisfies Record<string, LabelRule>;

export function webhookReasonRule(extra: readonly string[] = []): LabelRule {
  return { allow: new Set<string>([...WEBHOOK_REASONS, ...extra]) };
}

export function endpointLabel(value: unknown, extraEndpoints: ReadonlySet<string> = new Set()): string {
  if (typeof value !== 'string') return OTHER;
  return value.length <= 128 && (extraEndpoints.has(value) || isRouteTemplate(value)) ? value : OTHER;
}

/**
 * Connection ids come from config, so they are few. With a configured list (what production passes) only
 * those pass; a function gives the list in force at each call (the service passes its catalog's). Without one, letter-first values of the id shape pass until `cap` distinct ones were seen, so
 * an attacker posting to random /webhooks/chatwoot/<x> URLs cannot grow the series without bound; that
 * fallback cannot tell a lower-case word from a connection id, which is why the list is recommended.
 */
export function connectionLabeler(
  known: readonly string[] | (() => readonly string[]) | undefined,
  cap = 100,
): (value: unknown) => string {
  if (typeof known === 'function') {
    // The connections in force now (console-edited settings add and remove them without a restart):
    // the allow-list is rebuilt when the list handed back is a different one.
    let list: readonly string[] | null = null;
    let allow: ReadonlySet<string> = new Set();
    return (value) => {
      const current = known();
      if (current !== list) {
        list = current;
        allow = new Set(current);
      }
      return safeLabel(value, { allow });
    };
  }
  if (known) {
    const allow = new Set(known);
    return (value) => safeLabel(value, { allow });
  }
  const seen = new Set<string>();
  return (value) => {
    const label = safeLabel(value, { pattern: CONNECTION_ID_PATTERN });
    if (label === OTHER || seen.has(label)) return label;
    if (seen.size >= cap) return OTHER;
    seen.add(label);
    return label;
  };
}
