/**
 * Our own state: Chatwoot <-> Krayin links, sync state and hashes, delivery dedupe, audit.
 * One implementation (repositories over a `Db`), two engines: Postgres through `pg`, and PGlite
 * embedded. Nothing here may hold secrets; contact data is limited to ids and hashes.
 */

import type { ContactEvent, ParkReason } from '../../workflows/api';

export type SyncStatus = 'pending' | 'synced' | 'parked' | 'failed' | 'skipped';

/** Why a sync is parked; defined with the workflow API. `kind` drives resume rules (e.g. `retry-parked --reason auth`). */
export type { ParkReason };

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

/** Chatwoot conversation -> the one Krayin activity that mirrors it (design section 1). */
export interface ConversationLink {
  connectionId: string;
  /** Chatwoot's display id (the one in payloads and API paths). */
  conversationId: number;
  contactId: number | null;
  activityId: number | null;
  /** What the activity is attached to: the lead when there is one, else the person. */
  leadId: number | null;
  personId: number | null;
  /** Hash of the activity content last written (null before the first write). */
  lastHash: string | null;
  /** The conversation's state at the last sync (status, labels, assignee...): stage rules diff against it. */
  observedState: JsonValue | null;
  /** Newest Chatwoot message id already written as its own activity (per-message sync). */
  lastMessageId: number | null;
  updatedAt: Date;
}

/** Chatwoot message -> its Krayin activity (optional per-message sync). */
export interface MessageLink {
  connectionId: string;
  messageId: number;
  conversationId: number;
  activityId: number;
  updatedAt: Date;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A connection's Krayin request budget as the store keeps it (rules: src/krayin/budget-rules.ts). */
export interface StoredKrayinBudget {
  /** [ticket, countedUntil ms]: calls that may still count in Krayin's window. */
  calls: (readonly [string, number])[];
  blockedUntil: number;
  probe: 'none' | 'needed' | 'inflight';
  probeExpires: number;
  /** While a live caller waits for a slot (ms since the epoch): background callers hold back. */
  liveWaitingUntil?: number;
}

/** A versioned JSON document: writes name the version they read (compare-and-set). */
export interface VersionedJson {
  value: JsonValue;
  version: number;
}

/** A webhook held while its connection was disabled: the same event ingest dispatches. */
export type HeldEventInput = ContactEvent;

export interface HeldEvent extends HeldEventInput {
  /** Order of arrival (the table's sequence). */
  seq: number;
}

/** An accepted webhook in the inbound log (INGEST_MODE=log), waiting for the forwarder. */
export interface InboundEvent extends ContactEvent {
  /** Order of arrival (the table's sequence): the forwarder keeps it per contact. */
  seq: number;
}

/** What we last wrote to a contact's Krayin person, as hashes (see Store.writtenIdentities). */
export interface WrittenIdentity {
  personId: number;
  hashes: string[];
}

/** Two-way sync state of one compared field of a contact (hashes and times only; see Store.twoWay). */
export interface TwoWayFieldState {
  /** The value both sides last agreed on. */
  baseHash: string | null;
  chatwootWrittenHash: string | null;
  chatwootWrittenAt: Date | null;
  krayinWrittenHash: string | null;
  krayinWrittenAt: Date | null;
  /** The last Krayin value handed over by the poll or applied, and Krayin's updated_at then. */
  krayinSeenHash: string | null;
  krayinSeenAt: Date | null;
}

/** What to store for one field: given keys are set, absent ones keep their value. */
export type TwoWayFieldUpdate = Partial<Omit<TwoWayFieldState, never>>;

/** A conflict a field's owner decided: both sides changed since they last agreed. */
export interface TwoWayConflict {
  connectionId: string;
  contactId: number;
  field: string;
  chatwootHash: string;
  krayinHash: string;
  chatwootChangedAt: Date | null;
  krayinChangedAt: Date | null;
  /** The field's owner setting that decided it (chatwoot, krayin or newest). */
  owner: string;
  winner: 'chatwoot' | 'krayin';
}

export interface StoredTwoWayConflict extends TwoWayConflict {
  id: number;
  decidedAt: Date;
}

/**
 * What the sync last wrote of a contact's Krayin lead onto the Chatwoot contact (CRM facts,
 * docs/two-way-sync.md, "CRM facts in Chatwoot"): hashes of the `crm_*` attribute values, never the values.
 */
export interface CrmFactsState {
  leadId: number;
  /** Hash over attributeHashes. */
  attributesHash: string;
  /** Attribute key -> hash of the value written; a key absent is not on the contact. */
  attributeHashes: Record<string, string>;
  /** The `crm-` labels last set. */
  labels: string[];
  stageId: number | null;
  ownerId: number | null;
}

/** A named checkpoint of a long-running scan (reconcile, krayin-pull, backfill). */
export interface Cursor {
  connectionId: string;
  name: string;
  value: JsonValue;
  updatedAt: Date;
}

export interface StatusCount {
  connectionId: string;
  status: SyncStatus;
  count: number;
  /** Oldest `parked_at` among parked rows of this connection (null for other statuses). */
  oldestParkedAt: Date | null;
  /** Since when the oldest pending row of this connection waits (null for other statuses). */
  oldestPendingSince: Date | null;
}

/** What a sync_events row records (repositories/sync-events.ts): a contact's outcome, or a conversation step. */
export type SyncEventKind = 'synced' | 'skipped' | 'parked' | 'failed' | 'gone' | 'conversation';

export interface SyncEventInput {
  connectionId: string;
  contactId: number;
  kind: SyncEventKind;
  /** ParkReason.kind for parked and failed. */
  reasonKind?: string | null;
}

/** A connection and whole days [from, to) (YYYY-MM-DD) in an IANA time zone. */
export interface AnalyticsPeriod {
  connectionId: string;
  from: string;
  to: string;
  timeZone: string;
}

export interface AnalyticsDay {
  day: string;
  synced: number;
  skipped: number;
  parked: number;
  failed: number;
  gone: number;
  conversations: number;
  personsCreated: number;
  personsUpdated: number;
  leadsCreated: number;
  leadsUpdated: number;
  activitiesCreated: number;
  activitiesUpdated: number;
  krayinCalls: number;
}

export interface AnalyticsSummary {
  /** Contact outcomes recorded (synced, skipped, parked, failed, gone). */
  outcomes: number;
  /** Outcomes plus conversation steps: what calls per step are over. */
  steps: number;
  parked: number;
  failed: number;
  krayinCalls: number;
  callsPerStep: { avg: number | null; p50: number | null; p95: number | null };
  /** Webhook received -> Krayin write done, over the steps that wrote after a webhook. */
  latencyMs: { count: number; p50: number | null; p95: number | null };
  /** Most Krayin calls recorded within one minute of the period. */
  peakMinuteCalls: number;
  busyMinutes: number;
}

export interface StoredConsoleSession {
  idHash: string;
  csrfToken: string;
  expiresAt: Date;
  absoluteExpiresAt: Date;
}

/** One console-edited setting (src/settings): a JSON value, or for a secret its ciphertext only. */
export interface StoredSetting {
  connectionId: string;
  /** Dotted path in the connection object ("krayin.url", "sync.fieldMap"). */
  path: string;
  /** The value of a plain setting; null for a secret. */
  value: JsonValue | null;
  /** A secret: base64 of the AES-GCM blob and the id of the key that sealed it. */
  secret: { ciphertext: string; keyId: string } | null;
  updatedBy: string;
  updatedAt: Date;
}

export interface StoredConsoleConnection {
  connectionId: string;
  createdAt: Date;
  createdBy: string;
}

/** Every stored setting at one settings version. */
export interface SettingsSnapshot {
  version: number;
  settings: StoredSetting[];
  consoleConnections: StoredConsoleConnection[];
}

/** One change, applied in one transaction with the version bump. */
export interface SettingsWrite {
  by: string;
  put?: { connectionId: string; path: string; value: JsonValue | null; secret: StoredSetting['secret'] }[];
  drop?: { connectionId: string; path: string }[];
  /** Registers a console-added connection. */
  addConnection?: string;
  /** Deletes a console-added connection and every setting of it. */
  removeConnection?: string;
}

export interface Store {
  /** Apply pending migrations (idempotent; safe when several processes start at once). */
  migrate(): Promise<void>;
  /** Throws when the database is not reachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs `fn` with a Store bound to one transaction: its writes commit together or not at all (e.g. link
   * + markSynced + audit). Use only `tx` inside `fn`; the outer store throws there (see Db.transaction).
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;

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
    /**
     * Drops every name link to this Krayin organization (deleted in Krayin): the next sync of a contact of
     * that company finds or creates it again instead of verifying a dead id. Resolves how many were dropped.
     */
    deleteOrganizationLinksTo(connectionId: string, organizationId: number): Promise<number>;
    /** Contacts linked to a Krayin person (several Chatwoot contacts may share one), by contact id. */
    findContactsByPerson(connectionId: string, personId: number): Promise<ContactLink[]>;
    /** Contacts linked to a Krayin lead, by contact id. */
    findContactsByLead(connectionId: string, leadId: number): Promise<ContactLink[]>;
    /** Contacts linked to a Krayin organization (every contact of that company), by contact id. */
    findContactsByOrganization(connectionId: string, organizationId: number): Promise<ContactLink[]>;
    /**
     * Ids of contacts linked to a Krayin person, ascending, in (afterId, upToId] (upToId null: no upper
     * bound), at most `limit`: the reconciliation's deletion check pages through them.
     */
    listLinkedContactIds(
      connectionId: string,
      afterId: number,
      upToId: number | null,
      limit: number,
    ): Promise<number[]>;
    /**
     * Krayin person, lead or organization ids some contact links, ascending and distinct, in (afterId,
     * upToId] (upToId null: no upper bound), at most `limit`: the full pass diffs them against Krayin's
     * own id pages.
     */
    listLinkedKrayinIds(
      connectionId: string,
      kind: 'person' | 'lead' | 'organization',
      afterId: number,
      upToId: number | null,
      limit: number,
    ): Promise<number[]>;
  };

  /**
   * Every mark* is one upsert that creates the row when missing. Only markSynced sets lastHash and
   * lastSyncedAt (clearHash clears lastHash alone); every other mark keeps them. Park fields
   * (parkReason, parkedAt) are cleared by every mark except markParked/markFailed; note is cleared by
   * every mark except markSkipped, which sets it.
   */
  syncState: {
    get(connectionId: string, contactId: number): Promise<SyncState | null>;
    /** A sync with work to do started; `updated_at` keeps when it first became pending ("pending since"). */
    markPending(connectionId: string, contactId: number): Promise<void>;
    markSynced(connectionId: string, contactId: number, hash: string, at: Date): Promise<void>;
    markSkipped(connectionId: string, contactId: number, note: string): Promise<void>;
    /**
     * parkedAt means "parked since": parking a row that is already parked replaces the reason but keeps
     * the original parkedAt, so oldestParkedAt measures how long a contact has really been stuck.
     */
    markParked(connectionId: string, contactId: number, reason: ParkReason, at: Date): Promise<void>;
    /** A failure that will not be resumed automatically; reason and time go to parkReason/parkedAt. */
    markFailed(connectionId: string, contactId: number, reason: ParkReason, at: Date): Promise<void>;
    /** Forget the hash so the next sync writes again (used by replay). */
    clearHash(connectionId: string, contactId: number): Promise<void>;
    countByStatus(connectionId?: string): Promise<StatusCount[]>;
    /** Syncs waiting for an operator or new data (parked, and failed ones), oldest first; limit defaults to 100. */
    listParked(connectionId: string, kind?: ParkReason['kind'], limit?: number): Promise<SyncState[]>;
  };

  deliveries: {
    /** Records a webhook delivery id; resolves true when it is new, false for a duplicate. */
    record(
      connectionId: string,
      deliveryId: string,
      event: string,
      contactId: number | null,
      /** Defaults to the database clock. */
      receivedAt?: Date,
    ): Promise<boolean>;
    /**
     * `record` for many deliveries in one statement (ingest's group commit): one boolean per input, in
     * order; an id repeated within the call is new only at its first occurrence.
     */
    recordMany(
      deliveries: readonly { connectionId: string; deliveryId: string; event: string; contactId: number | null }[],
    ): Promise<boolean[]>;
    /** Drop dedupe rows older than `before`; returns how many. */
    prune(before: Date): Promise<number>;
  };

  audit: {
    append(entry: AuditEntry): Promise<void>;
    /** Newest first; limit defaults to 50. */
    list(connectionId: string, contactId: number, limit?: number): Promise<AuditRecord[]>;
    /** Highest id so far (0 when empty): later entries have higher ids (the backfill's watermark). */
    maxId(): Promise<number>;
    /** Entries of these contacts with an id above `afterId`, oldest first (how a backfill reads outcomes). */
    listAfter(connectionId: string, contactIds: number[], afterId: number): Promise<AuditRecord[]>;
  };

  conversations: {
    get(connectionId: string, conversationId: number): Promise<ConversationLink | null>;
    /** Every conversation linked to a contact (e.g. to know whether it has had a conversation yet). */
    listByContact(connectionId: string, contactId: number): Promise<ConversationLink[]>;
    /**
     * Contacts with a conversation open at its last sync, with that conversation's Krayin lead and person,
     * most recently synced first (CRM_ACTIVITY_NOTES: the only contacts a note can reach).
     */
    listOpen(
      connectionId: string,
      limit: number,
    ): Promise<{ contactId: number; leadId: number | null; personId: number | null }[]>;
    /** Same patch rules as links.upsertContact: only given keys change, `null` clears. */
    upsert(
      connectionId: string,
      conversationId: number,
      patch: Partial<
        Pick<
          ConversationLink,
          'contactId' | 'activityId' | 'leadId' | 'personId' | 'lastHash' | 'observedState' | 'lastMessageId'
        >
      >,
    ): Promise<ConversationLink>;
  };

  messages: {
    get(connectionId: string, messageId: number): Promise<MessageLink | null>;
    upsert(
      connectionId: string,
      messageId: number,
      link: Pick<MessageLink, 'conversationId' | 'activityId'>,
    ): Promise<MessageLink>;
  };

  /** Webhooks held while their connection was disabled, oldest first (see ops/connection-switches.ts). */
  heldEvents: {
    /** Holds one event; false when its delivery id is held already. */
    hold(event: HeldEventInput): Promise<boolean>;
    /** How many events, for how many contacts, a connection holds. */
    count(connectionId: string): Promise<{ events: number; contacts: number }>;
    /** The oldest `limit` held events of a connection. */
    oldest(connectionId: string, limit: number): Promise<HeldEvent[]>;
    /** Forget these (delivered or discarded); returns how many were removed. */
    remove(connectionId: string, seqs: number[]): Promise<number>;
    /** Forget every held event of the connection; returns how many. */
    discardAll(connectionId: string): Promise<number>;
  };

  /**
   * The inbound log of INGEST_MODE=log (src/inbound/README.md): webhooks accepted but not yet handed to
   * Temporal. Ids and event names only.
   */
  inbound: {
    /** One statement, one commit for the whole batch (group commit); a delivery already there is skipped. */
    append(events: readonly ContactEvent[]): Promise<void>;
    /** The oldest `limit` events of these connections, in order of arrival. */
    oldest(connectionIds: readonly string[], limit: number): Promise<InboundEvent[]>;
    /** Forget these (handed to Temporal); returns how many were removed. */
    remove(seqs: readonly number[]): Promise<number>;
    /** Events waiting, all connections. */
    count(): Promise<number>;
    /** Take or renew the named lease for `ttlMs`; false while another holder's lease runs. */
    claimLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
    releaseLease(name: string, holder: string): Promise<void>;
  };

  /**
   * Salted one-way hashes of the emails and phones last written to a contact's Krayin person (never
   * the values): they prove a linked person is still ours after the contact's email changed
   * (src/sync/ownership.ts). Only meaningful for the person id stored with them.
   */
  writtenIdentities: {
    get(connectionId: string, contactId: number): Promise<WrittenIdentity | null>;
    /** Replaces what is stored for the contact. */
    set(connectionId: string, contactId: number, personId: number, hashes: string[]): Promise<void>;
  };

  /**
   * CRM facts last written onto each contact (hashes only): compared before writing, and read by the
   * forward path to recognise the contact_updated echo of those writes (src/two-way/lead-attributes.ts).
   */
  crmFacts: {
    get(connectionId: string, contactId: number): Promise<CrmFactsState | null>;
    /** Replaces what is stored for the contact. */
    set(connectionId: string, contactId: number, state: CrmFactsState): Promise<void>;
  };

  /**
   * CRM_ACTIVITY_NOTES: the hash of what the last note showed of each Krayin activity, per contact
   * (src/two-way/activity-notes.ts), so an activity is noted once and an edit of it once more.
   */
  activityNotes: {
    get(connectionId: string, contactId: number, activityId: number): Promise<string | null>;
    set(connectionId: string, contactId: number, activityId: number, noteHash: string): Promise<void>;
  };

  /**
   * The Krayin request budget of each connection, shared by every replica: `update` runs `fn` under the
   * connection's row lock with the database's clock (ms since the epoch) and stores what it returns.
   */
  krayinBudgets: {
    update<T>(
      connectionId: string,
      fn: (state: StoredKrayinBudget, now: number) => { state: StoredKrayinBudget; result: T },
    ): Promise<T>;
  };

  /** Connections whose Krayin token Krayin refuses, shared by every replica (src/ops/connection-health.ts). */
  authBlocks: {
    /** When the block began, or null when the connection is not blocked. */
    get(connectionId: string): Promise<Date | null>;
    /** Blocks the connection; true when this call did (it was not blocked yet). */
    block(connectionId: string): Promise<boolean>;
    /** Lifts the block; true when this call did (it was blocked). */
    lift(connectionId: string): Promise<boolean>;
    /** True for exactly one caller per `intervalMs` while blocked: that one probes the token. */
    claimProbe(connectionId: string, intervalMs: number): Promise<boolean>;
  };

  /** Alert dedupe state per (connection, cause) (src/notify), shared by every replica. */
  /** Analytics events (sync_events, migration 013): one row per recorded sync step, pruned after retention. */
  syncEvents: {
    /**
     * Records a step: takes the contact's pending Krayin call tally, counts its audit entries since its
     * previous row and measures the latency from the oldest webhook since then. A conversation step that
     * called Krayin nowhere and wrote nothing adds no row.
     */
    record(event: SyncEventInput): Promise<void>;
    /** Krayin calls a contact's Krayin step made: its next recorded row takes them. */
    addKrayinCalls(connectionId: string, contactId: number, calls: number): Promise<void>;
    /** Deletes rows (and untaken tallies) older than `before`; resolves how many. */
    prune(before: Date): Promise<number>;
  };

  /** The analytics page's queries over sync_events (repositories/analytics.ts). */
  analytics: {
    daily(period: AnalyticsPeriod): Promise<AnalyticsDay[]>;
    reasons(period: AnalyticsPeriod): Promise<{ status: 'parked' | 'failed'; reasonKind: string; count: number }[]>;
    summary(period: AnalyticsPeriod): Promise<AnalyticsSummary>;
    /** The newest `limit` Krayin lead ids contacts link to, and how many there are in all. */
    linkedLeads(connectionId: string, limit: number): Promise<{ total: number; ids: number[] }>;
  };

  /** The console's sign-in sessions (src/console/auth.ts), by the sha256 of the cookie value. */
  consoleSessions: {
    create(session: StoredConsoleSession): Promise<void>;
    /** The session when it exists and has not expired at `now`. */
    get(idHash: string, now: Date): Promise<StoredConsoleSession | null>;
    /** Moves the idle expiry forward, never past the absolute expiry. */
    extend(idHash: string, expiresAt: Date): Promise<void>;
    remove(idHash: string): Promise<void>;
    /** Deletes expired sessions; resolves how many. */
    prune(now: Date): Promise<number>;
  };

  /** Console-edited connection settings (migration 012, src/settings). */
  connectionSettings: {
    /** The settings version: bumped by every change (replicas poll it and reload on change). */
    version(): Promise<number>;
    /** Every stored setting and console connection, consistently. */
    snapshot(): Promise<SettingsSnapshot>;
    /**
     * Runs `fn` on the current snapshot under the settings lock (one change at a time across replicas);
     * the write it returns (if any) is applied with a version bump in the same transaction.
     */
    change<T>(
      fn: (current: SettingsSnapshot) => Promise<{ write: SettingsWrite | null; result: T }>,
    ): Promise<{ result: T; version: number }>;
  };

  notificationStates: {
    get(connectionId: string, cause: string): Promise<VersionedJson | null>;
    /**
     * Writes `value` when the stored version is still `expectedVersion` (null: no row yet); false when
     * another writer came first (read again and decide again).
     */
    compareAndSet(
      connectionId: string,
      cause: string,
      expectedVersion: number | null,
      value: JsonValue,
    ): Promise<boolean>;
  };

  /**
   * Two-way sync (docs/two-way-sync.md): per contact and compared field, salted hashes of the agreed
   * value and of what we wrote to each side; the conflicts the field owners decided. Never values.
   */
  twoWay: {
    /** field -> state, for the fields that have a row. */
    getFields(connectionId: string, contactId: number): Promise<Record<string, TwoWayFieldState>>;
    /** Upserts each field's row; keys absent from an update keep their stored value. */
    recordFields(connectionId: string, contactId: number, updates: Record<string, TwoWayFieldUpdate>): Promise<void>;
    recordConflict(conflict: TwoWayConflict): Promise<void>;
    /** Newest first (default limit 20); one contact's when `contactId` is given. */
    listConflicts(connectionId: string, opts?: { contactId?: number; limit?: number }): Promise<StoredTwoWayConflict[]>;
  };

  /** Reconciliation checkpoints; values are JSON (validate them when reading). */
  cursors: {
    get(connectionId: string, name: string): Promise<Cursor | null>;
    set(connectionId: string, name: string, value: JsonValue): Promise<void>;
  };
}
