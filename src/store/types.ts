/**
 * Our own state: Chatwoot <-> Krayin links, sync state and hashes, delivery dedupe, audit.
 * One implementation (repositories over a `Db`), two engines: Postgres through `pg`, and PGlite
 * embedded. Nothing here may hold secrets; contact data is limited to ids and hashes.
 */

export type SyncStatus = 'pending' | 'synced' | 'parked' | 'failed' | 'skipped';

/** Why a sync is parked. `kind` drives resume rules (e.g. `retry-parked --reason auth`). */
export interface ParkReason {
  kind: 'validation' | 'auth' | 'mapping' | 'ambiguous' | 'not_found' | 'config';
  /** Human-readable, PII-free: field names and Krayin messages, never values. */
  message: string;
  /** Krayin field errors (field -> messages), when the reason is a 422. */
  fieldErrors?: Record<string, string[]>;
  /** Route template of the failing Krayin call, e.g. "POST /contacts/persons". */
  endpoint?: string;
}

export interface ContactLink {
  connectionId: string;
  contactId: number;
  personId: number | null;
  organizationId: number | null;
  leadId: number | null;
  updatedAt: Date;
}

export interface SyncState {
  connectionId: string;
  contactId: number;
  status: SyncStatus;
  /** Hash of the mapped Krayin state last written successfully (null before the first sync). */
  lastHash: string | null;
  lastSyncedAt: Date | null;
  parkReason: ParkReason | null;
  parkedAt: Date | null;
  /** Free-form PII-free note for `skipped` (e.g. "waiting for an email address"). */
  note: string | null;
  updatedAt: Date;
}

export interface AuditEntry {
  connectionId: string;
  contactId: number | null;
  /** e.g. "person.created", "person.linked", "lead.created", "sync.parked", "sync.noop". */
  action: string;
  /** Ids, route templates, counts: never emails, phones or names. */
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: Date;
}

export interface StatusCount {
  connectionId: string;
  status: SyncStatus;
  count: number;
  /** Oldest `parked_at` among parked rows of this connection (null for other statuses). */
  oldestParkedAt: Date | null;
}

export interface Store {
  /** Apply pending migrations (idempotent; safe when several processes start at once). */
  migrate(): Promise<void>;
  /** Throws when the database is not reachable. */
  ping(): Promise<void>;
  close(): Promise<void>;

  links: {
    getContact(connectionId: string, contactId: number): Promise<ContactLink | null>;
    /** Insert or update only the given ids; `null` clears a link (e.g. after a 404 relink). */
    upsertContact(
      connectionId: string,
      contactId: number,
      patch: Partial<Pick<ContactLink, 'personId' | 'organizationId' | 'leadId'>>,
    ): Promise<ContactLink>;
    /** Organization links keyed by the normalised company name (see src/mapping). */
    getOrganization(connectionId: string, nameKey: string): Promise<number | null>;
    setOrganization(connectionId: string, nameKey: string, organizationId: number): Promise<void>;
    deleteOrganization(connectionId: string, nameKey: string): Promise<void>;
  };

  syncState: {
    get(connectionId: string, contactId: number): Promise<SyncState | null>;
    markPending(connectionId: string, contactId: number): Promise<void>;
    markSynced(connectionId: string, contactId: number, hash: string, at: Date): Promise<void>;
    markSkipped(connectionId: string, contactId: number, note: string): Promise<void>;
    markParked(connectionId: string, contactId: number, reason: ParkReason, at: Date): Promise<void>;
    markFailed(connectionId: string, contactId: number, reason: ParkReason, at: Date): Promise<void>;
    /** Forget the hash so the next sync writes again (used by replay). */
    clearHash(connectionId: string, contactId: number): Promise<void>;
    countByStatus(connectionId?: string): Promise<StatusCount[]>;
    listParked(connectionId: string, kind?: ParkReason['kind'], limit?: number): Promise<SyncState[]>;
  };

  deliveries: {
    /** Records a webhook delivery id; resolves true when it is new, false for a duplicate. */
    record(connectionId: string, deliveryId: string, event: string, contactId: number | null): Promise<boolean>;
    /** Drop dedupe rows older than `before`; returns how many. */
    prune(before: Date): Promise<number>;
  };

  audit: {
    append(entry: AuditEntry): Promise<void>;
    list(connectionId: string, contactId: number, limit?: number): Promise<AuditRecord[]>;
  };
}
