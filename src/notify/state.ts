/**
 * Dedupe state per (connection, cause). Plain JSON (numbers are ms since the epoch) so a store can keep
 * it in a table or a file; a restart that reloads it neither re-alerts an open cause nor forgets to send
 * its recovery message.
 */
import type { Severity } from './types';

export interface NotificationState {
  /** An episode is open: alerted (or suppressed) and not resolved yet. */
  open: boolean;
  /** Title and severity of the episode's alert, reused by the recovery message. */
  title: string;
  severity: Severity;
  /** First occurrence of the current (or last) episode. */
  openedAt: number;
  /** Last delivered alert/reminder for this key, across episodes: the window counts from here. */
  lastSentAt: number | null;
  /** The operator was told about this episode, so its resolution is worth a message. */
  alerted: boolean;
  /** alert() calls in this episode. */
  occurrences: number;
  /** Occurrences not delivered since the last delivered message (carried across silent episodes). */
  suppressedSinceSent: number;
  /** Occurrences not delivered in this episode (reported when it resolves). */
  suppressedInEpisode: number;
  /** Last attempt on which every channel failed. */
  lastFailedAt: number | null;
}

/** A stored state and its version: a write names the version it read (compare-and-set). */
export interface VersionedNotificationState {
  state: NotificationState;
  version: number;
}

/**
 * Where the dedupe state lives: this process (InMemoryNotificationStateStore) or the store, shared by
 * every replica (notificationStateStoreOn in src/ops/shared-connection-state.ts). get() resolves
 * undefined for an unknown key; both may reject (logged; the notifier then falls back to its memory).
 */
export interface NotificationStateStore {
  get(key: string): Promise<VersionedNotificationState | undefined>;
  /**
   * Writes `state` when the stored version is still `expectedVersion` (undefined: nothing stored yet).
   * False when another writer came first: the caller reads again and decides again, so of two replicas
   * raising one cause at once only one delivers.
   */
  compareAndSet(key: string, expectedVersion: number | undefined, state: NotificationState): Promise<boolean>;
}

/** Closed, quiet keys beyond this many are dropped (a finished episode has nothing left to tell). */
const MEMORY_SOFT_LIMIT = 1_000;

export class InMemoryNotificationStateStore implements NotificationStateStore {
  readonly #states = new Map<string, VersionedNotificationState>();

  async get(key: string): Promise<VersionedNotificationState | undefined> {
    const s = this.#states.get(key);
    return s === undefined ? undefined : structuredClone(s);
  }

  async compareAndSet(key: string, expectedVersion: number | undefined, state: NotificationState): Promise<boolean> {
    const current = this.#states.get(key);
    if (current?.version !== expectedVersion) return false;
    this.#states.set(key, { state: structuredClone(state), version: (current?.version ?? 0) + 1 });
    this.#prune();
    return true;
  }

  /** Overwrites whatever is there (the notifier's own fallback copy). */
  put(key: string, state: NotificationState): void {
    this.#states.set(key, { state: structuredClone(state), version: (this.#states.get(key)?.version ?? 0) + 1 });
    this.#prune();
  }

  get size(): number {
    return this.#states.size;
  }

  #prune(): void {
    if (this.#states.size <= MEMORY_SOFT_LIMIT) return;
    for (const [key, s] of this.#states)
      if (!s.state.open && s.state.suppressedSinceSent === 0) this.#states.delete(key);
  }
}

export function stateKey(connectionId: string, cause: string): string {
  return `${connectionId}/${cause}`;
}

/** The (connection, cause) of a stateKey: connection ids never contain a slash. */
export function parseStateKey(key: string): { connectionId: string; cause: string } {
  const slash = key.indexOf('/');
  return { connectionId: key.slice(0, slash), cause: key.slice(slash + 1) };
}
