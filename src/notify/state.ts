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

/** Optional persistence. get() resolves undefined for an unknown key; both may reject (logged, not fatal). */
export interface NotificationStateStore {
  get(key: string): Promise<NotificationState | undefined>;
  put(key: string, state: NotificationState): Promise<void>;
}

export class InMemoryNotificationStateStore implements NotificationStateStore {
  readonly #states = new Map<string, NotificationState>();

  async get(key: string): Promise<NotificationState | undefined> {
    const s = this.#states.get(key);
    return s === undefined ? undefined : structuredClone(s);
  }

  async put(key: string, state: NotificationState): Promise<void> {
    this.#states.set(key, structuredClone(state));
  }

  get size(): number {
    return this.#states.size;
  }
}

export function stateKey(connectionId: string, cause: string): string {
  return `${connectionId}/${cause}`;
}
