/**
 * Operator notifications with dedupe and rate limiting per (connection, cause):
 *
 * - the first alert of a cause is sent; later alerts of the same open cause inside `windowMs` of the last
 *   delivered message are counted, not sent; the first alert after the window is a reminder with the count;
 * - resolve() of a cause that was alerted sends one recovery message ("resolved after N min, M occurrences
 *   suppressed"); resolve() of a cause never alerted (or already resolved) sends nothing;
 * - channels are tried in parallel and independently; a failing one never blocks the other, and nothing
 *   here throws into callers: the result says what happened per channel, failures are logged.
 *
 * Calls for one key are serialised, so concurrent alerts of one cause cannot both be "the first".
 */
import { renderMessage, type RenderInput } from './format';
import { redactNotificationText } from './redact';
import { stateKey, type NotificationState, type NotificationStateStore } from './state';
import {
  SEVERITIES,
  type AlertInput,
  type ChannelResult,
  type MessageKind,
  type NotificationChannel,
  type NotifyLogger,
  type NotifyResult,
  type ResolveInput,
  type Severity,
} from './types';

export interface ConnectionChannels {
  channels: readonly NotificationChannel[];
  windowMs: number;
  retryAfterFailureMs: number;
}

export interface NotifierOptions {
  /** Channels and timing for a connection; undefined = no notifications for it. */
  channelsFor(connectionId: string): ConnectionChannels | undefined;
  logger: NotifyLogger;
  /** ms since the epoch; injectable for tests. */
  now?: () => number;
  store?: NotificationStateStore;
  /** Channels close() releases (undici agents, SMTP transports). */
  ownedChannels?: readonly NotificationChannel[];
}

const CONNECTION_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const CAUSE = /^[a-z][a-z0-9_.-]{0,63}$/;
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
/** Closed, quiet keys beyond this many are dropped from memory (the store keeps them). */
const MEMORY_SOFT_LIMIT = 1_000;

export class Notifier {
  readonly #opts: NotifierOptions;
  readonly #now: () => number;
  readonly #memory = new Map<string, NotificationState>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(opts: NotifierOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  alert(input: AlertInput): Promise<NotifyResult> {
    return this.#safely('alert', input, (setup) => this.#alert(input, setup));
  }

  resolve(input: ResolveInput): Promise<NotifyResult> {
    return this.#safely('resolve', input, (setup) => this.#resolve(input, setup));
  }

  /** Waits for in-flight notifications, then closes the owned channels. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#queues.values()]);
    await Promise.allSettled((this.#opts.ownedChannels ?? []).map((c) => c.close?.()));
  }

  async #alert(input: AlertInput, setup: ConnectionChannels): Promise<NotifyResult> {
    const key = stateKey(input.connectionId, input.cause);
    const now = this.#now();
    const previous = await this.#load(key);
    const state: NotificationState =
      previous?.open === true
        ? { ...previous, occurrences: previous.occurrences + 1 }
        : {
            open: true,
            // Redacted before it is kept: the state may be persisted by the store.
            title: redactNotificationText(input.title),
            severity: input.severity,
            openedAt: now,
            lastSentAt: previous?.lastSentAt ?? null,
            alerted: false,
            occurrences: 1,
            suppressedSinceSent: previous?.suppressedSinceSent ?? 0,
            suppressedInEpisode: 0,
            lastFailedAt: null,
          };
    const escalated = state.alerted && SEVERITY_RANK[input.severity] > SEVERITY_RANK[state.severity];
    const windowOver = state.lastSentAt === null || now - state.lastSentAt >= setup.windowMs;
    const backingOff = state.lastFailedAt !== null && now - state.lastFailedAt < setup.retryAfterFailureMs;
    if ((!windowOver && !escalated) || backingOff) {
      state.suppressedSinceSent += 1;
      state.suppressedInEpisode += 1;
      await this.#save(key, state);
      return { status: 'suppressed', channels: [] };
    }

    if (escalated || !state.alerted) {
      state.title = redactNotificationText(input.title);
      state.severity = input.severity;
    }
    const kind: MessageKind = state.alerted ? 'reminder' : 'alert';
    const channels = await this.#deliver(setup, {
      kind,
      connectionId: input.connectionId,
      cause: input.cause,
      severity: state.severity,
      title: state.title,
      text: input.text,
      openForMs: now - state.openedAt,
      suppressed: state.suppressedSinceSent,
      occurrences: state.occurrences,
    });
    const delivered = channels.some((c) => c.ok);
    if (delivered) {
      state.lastSentAt = now;
      state.alerted = true;
      state.suppressedSinceSent = 0;
      state.lastFailedAt = null;
    } else {
      // Nobody heard it: count it so the next message summarises it, and retry after the back-off.
      state.suppressedSinceSent += 1;
      state.suppressedInEpisode += 1;
      state.lastFailedAt = now;
    }
    await this.#save(key, state);
    return { status: delivered ? 'sent' : 'failed', channels };
  }

  async #resolve(input: ResolveInput, setup: ConnectionChannels): Promise<NotifyResult> {
    const key = stateKey(input.connectionId, input.cause);
    const state = await this.#load(key);
    if (!state?.open) return { status: 'not_open', channels: [] };
    const now = this.#now();
    const closed: NotificationState = { ...state, open: false, lastFailedAt: null };
    if (!state.alerted) {
      // Suppressed throughout (a flap inside the window): keep the count for the next message instead.
      await this.#save(key, closed);
      return { status: 'not_alerted', channels: [] };
    }
    const channels = await this.#deliver(setup, {
      kind: 'resolved',
      connectionId: input.connectionId,
      cause: input.cause,
      severity: state.severity,
      title: state.title,
      text: input.text ?? '',
      openForMs: now - state.openedAt,
      suppressed: state.suppressedInEpisode,
      occurrences: state.occurrences,
    });
    // The recovery message summarised everything; it is not retried if every channel failed (logged).
    await this.#save(key, { ...closed, suppressedSinceSent: 0 });
    return { status: channels.some((c) => c.ok) ? 'sent' : 'failed', channels };
  }

  async #deliver(setup: ConnectionChannels, render: RenderInput): Promise<ChannelResult[]> {
    const message = renderMessage(render);
    const settled = await Promise.allSettled(setup.channels.map((c) => c.send(message)));
    return settled.map((outcome, i): ChannelResult => {
      const channel = setup.channels[i]!.name;
      if (outcome.status === 'fulfilled') return { channel, ok: true };
      const err = outcome.reason as { kind?: unknown; status?: unknown; code?: unknown; name?: unknown } | null;
      const error = typeof err?.kind === 'string' ? err.kind : 'unknown';
      const status = typeof err?.status === 'number' ? err.status : undefined;
      this.#opts.logger.warn(
        {
          component: 'notify',
          channel,
          connectionId: render.connectionId,
          cause: render.cause,
          kind: render.kind,
          error,
          ...(status === undefined ? {} : { status }),
          ...(typeof err?.code === 'string' ? { code: err.code } : {}),
        },
        'notification channel failed',
      );
      return status === undefined ? { channel, ok: false, error } : { channel, ok: false, error, status };
    });
  }

  async #load(key: string): Promise<NotificationState | undefined> {
    const cached = this.#memory.get(key);
    if (cached !== undefined || !this.#opts.store) return cached;
    try {
      return await this.#opts.store.get(key);
    } catch (err) {
      this.#opts.logger.warn({ component: 'notify', key, error: errorName(err) }, 'notification state load failed');
      return undefined;
    }
  }

  async #save(key: string, state: NotificationState): Promise<void> {
    this.#memory.set(key, state);
    this.#prune();
    if (!this.#opts.store) return;
    try {
      await this.#opts.store.put(key, state);
    } catch (err) {
      this.#opts.logger.warn({ component: 'notify', key, error: errorName(err) }, 'notification state save failed');
    }
  }

  /** Drops closed keys from memory when there are many; with no store that forgets only finished episodes. */
  #prune(): void {
    if (this.#memory.size <= MEMORY_SOFT_LIMIT) return;
    for (const [key, s] of this.#memory) if (!s.open && s.suppressedSinceSent === 0) this.#memory.delete(key);
  }

  /** Validates, serialises per key, and turns any unexpected error into a logged 'failed' result. */
  async #safely(
    op: 'alert' | 'resolve',
    input: { connectionId: unknown; cause: unknown; severity?: unknown },
    run: (setup: ConnectionChannels) => Promise<NotifyResult>,
  ): Promise<NotifyResult> {
    const invalid =
      typeof input.connectionId !== 'string' || !CONNECTION_ID.test(input.connectionId)
        ? 'connection_id'
        : typeof input.cause !== 'string' || !CAUSE.test(input.cause)
          ? 'cause'
          : op === 'alert' && !SEVERITIES.includes(input.severity as Severity)
            ? 'severity'
            : null;
    if (invalid !== null) {
      this.#opts.logger.warn({ component: 'notify', op, invalid }, 'notification rejected: malformed input');
      return { status: 'invalid', channels: [] };
    }
    const connectionId = input.connectionId as string;
    const cause = input.cause as string;
    let setup: ConnectionChannels | undefined;
    try {
      setup = this.#opts.channelsFor(connectionId);
    } catch {
      setup = undefined;
    }
    if (!setup || setup.channels.length === 0) return { status: 'no_channels', channels: [] };
    const key = stateKey(connectionId, cause);
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const result = previous.then(
      () => run(setup),
      () => run(setup),
    );
    const settled = result.catch(() => undefined);
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    try {
      return await result;
    } catch (err) {
      this.#opts.logger.error({ component: 'notify', op, connectionId, cause, error: errorName(err) }, 'notify failed');
      return { status: 'failed', channels: [] };
    }
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
