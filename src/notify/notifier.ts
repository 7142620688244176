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
 * Calls for one key are serialised in this process, and decisions are compare-and-set on the state store,
 * so concurrent alerts of one cause cannot both be "the first", in this process or across replicas
 * sharing the store.
 */
import { renderMessage, type RenderInput } from './format';
import { redactNotificationText } from './redact';
import { InMemoryNotificationStateStore, stateKey, type NotificationState, type NotificationStateStore } from './state';
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
/** Compare-and-set rounds before a decision is taken on a state another replica keeps changing. */
const MAX_CAS_ATTEMPTS = 5;

interface Loaded {
  state: NotificationState | undefined;
  version: number | undefined;
  /** Read from the (shared) store; false: the store failed and this process's copy was used. */
  fromStore: boolean;
}

export class Notifier {
  readonly #opts: NotifierOptions;
  readonly #now: () => number;
  /** This process's copy of every state it wrote: what dedupes while the store fails (or when there is none). */
  readonly #memory = new InMemoryNotificationStateStore();
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
    for (let attempt = 1; ; attempt++) {
      const lastTry = attempt >= MAX_CAS_ATTEMPTS;
      const now = this.#now();
      const loaded = await this.#load(key);
      const previous = loaded.state;
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
        if (!(await this.#write(key, loaded, state)) && !lastTry) continue;
        return { status: 'suppressed', channels: [] };
      }

      if (escalated || !state.alerted) {
        state.title = redactNotificationText(input.title);
        state.severity = input.severity;
      }
      const kind: MessageKind = state.alerted ? 'reminder' : 'alert';
      // Claim the message before sending it: another replica deciding from the same version loses the
      // compare-and-set, reads this claim and counts its occurrence as suppressed instead of sending.
      const claimed: NotificationState = {
        ...state,
        lastSentAt: now,
        alerted: true,
        suppressedSinceSent: 0,
        lastFailedAt: null,
      };
      if (!(await this.#write(key, loaded, claimed)) && !lastTry) continue;
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
      if (channels.some((c) => c.ok)) return { status: 'sent', channels };
      // Nobody heard it: take the claim back, count it so the next message summarises it, and retry
      // after the back-off (keeping what other replicas counted meanwhile).
      await this.#change(key, (current) => ({
        ...(current ?? claimed),
        lastSentAt: state.lastSentAt,
        alerted: state.alerted,
        suppressedSinceSent: state.suppressedSinceSent + 1 + (current?.suppressedSinceSent ?? 0),
        suppressedInEpisode: (current ?? claimed).suppressedInEpisode + 1,
        lastFailedAt: now,
      }));
      return { status: 'failed', channels };
    }
  }

  async #resolve(input: ResolveInput, setup: ConnectionChannels): Promise<NotifyResult> {
    const key = stateKey(input.connectionId, input.cause);
    for (let attempt = 1; ; attempt++) {
      const lastTry = attempt >= MAX_CAS_ATTEMPTS;
      const loaded = await this.#load(key);
      const state = loaded.state;
      if (!state?.open) return { status: 'not_open', channels: [] };
      const now = this.#now();
      const closed: NotificationState = { ...state, open: false, lastFailedAt: null };
      if (!state.alerted) {
        // Suppressed throughout (a flap inside the window): keep the count for the next message instead.
        if (!(await this.#write(key, loaded, closed)) && !lastTry) continue;
        return { status: 'not_alerted', channels: [] };
      }
      // Closed before sending, so a second replica resolving at once finds it closed: one recovery message.
      // It is not retried if every channel fails (logged): it summarised everything.
      if (!(await this.#write(key, loaded, { ...closed, suppressedSinceSent: 0 })) && !lastTry) continue;
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
      return { status: channels.some((c) => c.ok) ? 'sent' : 'failed', channels };
    }
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

  /** The state and version to decide from: the store's, or this process's copy while the store fails. */
  async #load(key: string): Promise<Loaded> {
    const store = this.#opts.store;
    if (store) {
      try {
        const found = await store.get(key);
        return { state: found?.state, version: found?.version, fromStore: true };
      } catch (err) {
        this.#opts.logger.warn({ component: 'notify', key, error: errorName(err) }, 'notification state load failed');
      }
    }
    return { state: (await this.#memory.get(key))?.state, version: undefined, fromStore: false };
  }

  /**
   * Writes `state` if nobody changed it since `loaded` (compare-and-set); false when someone did. Also
   * kept in this process's memory, which dedupes alone while the store fails (logged, counted as written).
   */
  async #write(key: string, loaded: Loaded, state: NotificationState): Promise<boolean> {
    const store = this.#opts.store;
    if (store && loaded.fromStore) {
      try {
        if (!(await store.compareAndSet(key, loaded.version, state))) return false;
      } catch (err) {
        this.#opts.logger.warn({ component: 'notify', key, error: errorName(err) }, 'notification state save failed');
      }
    }
    this.#memory.put(key, state);
    return true;
  }

  /** Applies `change` to the current state, reading again when another writer came first. */
  async #change(key: string, change: (current: NotificationState | undefined) => NotificationState): Promise<void> {
    for (let attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      const loaded = await this.#load(key);
      if (await this.#write(key, loaded, change(loaded.state))) return;
    }
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
