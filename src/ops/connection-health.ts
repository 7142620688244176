/**
 * How each connection's Krayin is doing, seen from this worker process, and what to tell the operator.
 *
 * - Auth: the first 401/403 blocks the connection's Krayin calls (they fail at once, so syncs park
 *   with the auth reason instead of hammering Krayin with a dead token) and alerts once. A probe
 *   (GET /get) runs every minute while blocked; when the token works again the block lifts and a
 *   recovery message goes out. Parked syncs resume on `retry-parked --reason auth`.
 * - Reachability: Krayin failing with network errors or 5xx for longer than a few minutes alerts
 *   ("syncs are delayed, none are lost"); the first good answer resolves it.
 * - Parked syncs: one alert per park kind per window (deduplicated by the notifier); once no sync of
 *   that kind is parked any more (checked in the store after a sync of the connection ends well), a
 *   recovery message. Known per process: a restarted worker does not resolve park alerts sent before
 *   (the notifier's state is shared, the list of open park kinds is not).
 * - Link mismatches: a stored link naming a Krayin record that now belongs to someone else is handled
 *   per contact (never written to, relinked, audited). When several happen within a window, Krayin
 *   was most likely restored from an older backup or reinstalled: one alert per connection and episode
 *   (an episode ends after a quiet window), deduplicated by the notifier like the others.
 * Messages are PII-free: connection ids, counts, setting names.
 *
 * Several worker replicas: give it `authBlocks` (the store's) and the auth block is shared. The replica
 * that sees the 401 first blocks the connection for every replica (each reads the block through a cache
 * of `authCacheMs`, so it costs at most one query per connection per 2 s, not one per call); one
 * replica per probe interval probes the token; whoever lifts the block sends the recovery message.
 * Alert dedupe across replicas is the notifier's (a state store shared through the store).
 */
import type { KrayinCallInfo } from '../krayin/http';
import type { Logger } from '../logging';
import type { AlertInput, ResolveInput } from '../notify/types';
import type { ParkReason } from '../store/types';

export interface Alerter {
  alert(input: AlertInput): Promise<unknown>;
  resolve(input: ResolveInput): Promise<unknown>;
}

export interface ConnectionHealthOptions {
  alerter?: Alerter;
  logger?: Logger;
  now?: () => number;
  /** Krayin failing this long (network errors, 5xx) raises "krayin_unreachable". Default 5 min. */
  unreachableAfterMs?: number;
  /** How often a blocked connection's token is probed. Default 60 s. */
  probeIntervalMs?: number;
  /** This many link mismatches within `mismatchWindowMs` raise "krayin_links_reused". Default 3. */
  mismatchAlertThreshold?: number;
  /** Window of the mismatch count; also how long it must stay quiet to end an episode. Default 10 min. */
  mismatchWindowMs?: number;
  /** How many syncs of the connection are parked with this kind (the store); enables recovery messages. */
  parkedLeft?: (connectionId: string, kind: ParkKind) => Promise<number>;
  /** The auth block shared by every replica (the store's authBlocks); none: this process only. */
  authBlocks?: SharedAuthBlocks;
  /** How long a read of the shared auth block is reused. Default 2 s. */
  authCacheMs?: number;
  /** Connections to probe even before this process made a call for them (a replica that just started). */
  connectionIds?: readonly string[];
}

/** The store's authBlocks (src/store/types.ts). */
export interface SharedAuthBlocks {
  get(connectionId: string): Promise<Date | null>;
  block(connectionId: string): Promise<boolean>;
  lift(connectionId: string): Promise<boolean>;
  claimProbe(connectionId: string, intervalMs: number): Promise<boolean>;
}

type ParkKind = ParkReason['kind'];

interface State {
  authBlockedSince: number | null;
  /** When authBlockedSince was last read from the shared auth block (null: never). */
  authCheckedAt: number | null;
  authRefresh: Promise<boolean> | null;
  failingSince: number | null;
  unreachableAlerted: boolean;
  /** Park kinds alerted and not resolved yet. */
  parkAlerts: Set<ParkKind>;
  /** A store check for parkAlerts is running; `recheck`: another sync ended meanwhile. */
  checking: boolean;
  recheck: boolean;
  /** Times of the link mismatches of the current episode within the window; whether it was alerted. */
  mismatchTimes: number[];
  mismatchAlerted: boolean;
}

export class ConnectionHealth {
  private readonly states = new Map<string, State>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ConnectionHealthOptions = {}) {
    this.now = opts.now ?? Date.now;
    for (const id of opts.connectionIds ?? []) this.state(id);
  }

  /**
   * The connections in force changed (console settings, no restart): a new one is watched (and probed
   * when its token is blocked) from now on, a removed one is forgotten (no more probes, no alerts from
   * what this process remembered of it).
   */
  syncConnections(connectionIds: readonly string[]): void {
    const keep = new Set(connectionIds);
    for (const id of [...this.states.keys()]) if (!keep.has(id)) this.states.delete(id);
    for (const id of connectionIds) this.state(id);
  }

  /** The connections this process watches (probes and alerts). */
  watched(): string[] {
    return [...this.states.keys()];
  }

  /** The KrayinClient `onCall` hook of one connection. */
  observer(connectionId: string): (call: KrayinCallInfo) => void {
    return (call) => this.observeKrayinCall(connectionId, call);
  }

  observeKrayinCall(connectionId: string, call: KrayinCallInfo): void {
    if (call.outcome === 'auth') return this.authFailed(connectionId);
    // No answer at all (status null) is "down" whether it was a read (transient) or a write that may
    // still land (ambiguous); an empty 2xx is an answer, so Krayin is up.
    const down =
      (call.outcome === 'transient' && (call.status === null || call.status >= 500)) ||
      (call.outcome === 'ambiguous' && call.status === null);
    if (down) return this.failing(connectionId);
    if (call.status === null || call.outcome === 'rate_limited') return;
    // An empty 2xx proves Krayin is reachable, not that the token works: Krayin 2.1.0 with
    // APP_DEBUG=false answers a refused token that way (src/krayin/README.md §2).
    if (call.outcome === 'ambiguous') return this.reachable(connectionId);
    this.answered(connectionId, this.now() - call.durationMs);
  }

  /**
   * True while the connection's Krayin token is known to be refused: by this process, or (shared) by any
   * replica as of at most `authCacheMs` ago.
   */
  authBlocked(connectionId: string): boolean | Promise<boolean> {
    const s = this.state(connectionId);
    const shared = this.opts.authBlocks;
    const fresh = s.authCheckedAt !== null && this.now() - s.authCheckedAt < (this.opts.authCacheMs ?? 2_000);
    if (!shared || fresh) return s.authBlockedSince !== null;
    s.authRefresh ??= this.readSharedBlock(shared, connectionId, s).finally(() => (s.authRefresh = null));
    return s.authRefresh;
  }

  private async readSharedBlock(shared: SharedAuthBlocks, connectionId: string, s: State): Promise<boolean> {
    try {
      const since = await shared.get(connectionId);
      s.authCheckedAt = this.now();
      // Lifted elsewhere: the lifter sent the recovery message; here it only stops blocking.
      s.authBlockedSince = since === null ? null : (s.authBlockedSince ?? since.getTime());
    } catch {
      // The store is unreachable: keep what this process knew (and try again on the next call).
    }
    return s.authBlockedSince !== null;
  }

  /**
   * A sync parked (or failed: stuck the same way, listed and resumed with the parked ones): tell the
   * operator (auth is reported by the call observer already).
   */
  parked(connectionId: string, reason: ParkReason): void {
    if (reason.kind === 'auth' && reason.endpoint !== undefined) return;
    const what =
      reason.kind === 'auth'
        ? 'Chatwoot refused the API token: fix CHATWOOT_API_TOKEN, then run retry-parked --reason auth'
        : `A contact sync is parked (${reason.kind}): ${reason.message}`;
    this.state(connectionId).parkAlerts.add(reason.kind);
    void this.send('alert', {
      connectionId,
      cause: parkCause(reason.kind),
      title: reason.kind === 'auth' ? 'Chatwoot rejects the API token' : `Contact syncs parked: ${reason.kind}`,
      text: `${what}\nSee the parked syncs with "npm run cli -- status" or SyncStatus="parked" in the Temporal UI.`,
      severity: reason.kind === 'auth' ? 'critical' : 'warning',
    });
  }

  /**
   * A sync of the connection ended well (synced, skipped, gone): resolve the park alerts whose kind has
   * no parked sync left. Cheap when nothing is open: no store query at all.
   */
  syncEnded(connectionId: string): void {
    const s = this.state(connectionId);
    if (s.parkAlerts.size === 0 || !this.opts.parkedLeft) return;
    if (s.checking) {
      s.recheck = true;
      return;
    }
    s.checking = true;
    void this.resolveClearedParks(connectionId, s).finally(() => (s.checking = false));
  }

  private async resolveClearedParks(connectionId: string, s: State): Promise<void> {
    do {
      s.recheck = false;
      for (const kind of [...s.parkAlerts]) {
        let left: number;
        try {
          left = await this.opts.parkedLeft!(connectionId, kind);
        } catch {
          return; // the store is unreachable: the next good sync checks again
        }
        if (left > 0) continue;
        s.parkAlerts.delete(kind);
        await this.send('resolve', {
          connectionId,
          cause: parkCause(kind),
          text: `No contact sync of this connection is parked for ${kind} any more.`,
        });
      }
    } while (s.recheck);
  }

  /**
   * A stored link of the connection named a Krayin record that is someone else's now. One is a record
   * re-used in Krayin; several within the window mean Krayin handed ids out again: alert once.
   */
  linkMismatch(connectionId: string): void {
    const s = this.state(connectionId);
    const now = this.now();
    const windowMs = this.opts.mismatchWindowMs ?? 10 * 60_000;
    const last = s.mismatchTimes.at(-1);
    if (last !== undefined && now - last >= windowMs) s.mismatchAlerted = false; // quiet since: a new episode
    s.mismatchTimes = [...s.mismatchTimes.filter((t) => now - t < windowMs), now];
    if (s.mismatchAlerted || s.mismatchTimes.length < (this.opts.mismatchAlertThreshold ?? 3)) return;
    s.mismatchAlerted = true;
    this.opts.logger?.error(
      { connectionId, mismatches: s.mismatchTimes.length },
      'Krayin links now name other customers',
    );
    void this.send('alert', {
      connectionId,
      cause: 'krayin_links_reused',
      title: 'Krayin records linked by the sync now belong to other customers',
      text:
        `${s.mismatchTimes.length} records the sync had linked (persons, organizations, leads or activities) now belong to other customers. ` +
        'Was Krayin restored from a backup or reinstalled? Nothing was written to those records: each contact is matched again by email or phone and relinked, or its records are created again. ' +
        'The audit trail lists them (actions ending in .link_mismatch); see docs/operations.md.',
      severity: 'critical',
    });
  }

  /**
   * Every `probeIntervalMs`, probes each auth-blocked connection (e.g. GET /get with the raw client);
   * shared: only the one replica that claims the round probes.
   */
  startProbes(probe: (connectionId: string) => Promise<void>): void {
    this.stopProbes();
    const intervalMs = this.opts.probeIntervalMs ?? 60_000;
    this.timer = setInterval(() => {
      for (const id of this.states.keys()) {
        void this.probeIfBlocked(id, intervalMs, probe).then(
          (probed) => probed && this.answered(id),
          () => undefined, // still refused (the observer saw it) or unreachable
        );
      }
    }, intervalMs);
    this.timer.unref();
  }

  /** True when a probe ran and the token worked. */
  private async probeIfBlocked(
    id: string,
    intervalMs: number,
    probe: (connectionId: string) => Promise<void>,
  ): Promise<boolean> {
    if (!(await this.authBlocked(id))) return false;
    const shared = this.opts.authBlocks;
    if (shared && !(await shared.claimProbe(id, intervalMs))) return false;
    await probe(id);
    return true;
  }

  stopProbes(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private authFailed(connectionId: string): void {
    const s = this.state(connectionId);
    if (s.authBlockedSince !== null) return;
    s.authBlockedSince = this.now();
    s.authCheckedAt = this.now();
    const shared = this.opts.authBlocks;
    if (!shared) return this.alertAuth(connectionId);
    // Only the replica that blocked it alerts (the store down: alert anyway, the notifier dedupes).
    void shared.block(connectionId).then(
      (first) => first && this.alertAuth(connectionId),
      () => this.alertAuth(connectionId),
    );
  }

  private alertAuth(connectionId: string): void {
    this.opts.logger?.error(
      { connectionId },
      'Krayin refused the API token: Krayin calls of this connection are blocked',
    );
    void this.send('alert', {
      connectionId,
      cause: 'krayin_auth',
      title: 'Krayin rejects the API token',
      text:
        'Krayin answered 401/403: the token is wrong or was revoked (logging in as the token user revokes its other tokens). ' +
        'Syncs of this connection are parked until it works again. Fix KRAYIN_TOKEN (restart), then run "npm run cli -- retry-parked --reason auth".',
      severity: 'critical',
    });
  }

  private failing(connectionId: string): void {
    const s = this.state(connectionId);
    s.failingSince ??= this.now();
    if (s.unreachableAlerted || this.now() - s.failingSince < (this.opts.unreachableAfterMs ?? 5 * 60_000)) return;
    s.unreachableAlerted = true;
    void this.send('alert', {
      connectionId,
      cause: 'krayin_unreachable',
      title: 'Krayin is not answering',
      text: 'Krayin calls fail with network errors or 5xx. Syncs are retried with backoff: they are delayed, none is lost.',
      severity: 'warning',
    });
  }

  /** Krayin gave a real answer (2xx with a body, 4xx): it is up and the token works. */
  /**
   * `sentAt`: when the answered call was sent. A call sent before the block began (still in flight in
   * another activity or replica when the token was refused) proves nothing about the token now.
   */
  private answered(connectionId: string, sentAt?: number): void {
    const s = this.state(connectionId);
    this.reachable(connectionId);
    if (s.authBlockedSince !== null && (sentAt === undefined || sentAt >= s.authBlockedSince)) {
      s.authBlockedSince = null;
      s.authCheckedAt = this.now();
      const shared = this.opts.authBlocks;
      if (!shared) return this.resolveAuth(connectionId);
      // Only the replica that lifted it sends the recovery message.
      void shared.lift(connectionId).then(
        (lifted) => lifted && this.resolveAuth(connectionId),
        () => this.resolveAuth(connectionId),
      );
    }
  }

  private resolveAuth(connectionId: string): void {
    this.opts.logger?.info({ connectionId }, 'Krayin accepts the API token again');
    void this.send('resolve', {
      connectionId,
      cause: 'krayin_auth',
      text: 'Krayin accepts the API token again. Resume parked syncs with "npm run cli -- retry-parked --reason auth".',
    });
  }

  /** Krayin answered at all: whatever else is wrong, it is not unreachable. */
  private reachable(connectionId: string): void {
    const s = this.state(connectionId);
    if (s.failingSince !== null) {
      s.failingSince = null;
      if (s.unreachableAlerted) {
        s.unreachableAlerted = false;
        void this.send('resolve', { connectionId, cause: 'krayin_unreachable', text: 'Krayin answers again.' });
      }
    }
  }

  private state(connectionId: string): State {
    let s = this.states.get(connectionId);
    if (!s) {
      s = {
        authBlockedSince: null,
        authCheckedAt: null,
        authRefresh: null,
        failingSince: null,
        unreachableAlerted: false,
        parkAlerts: new Set(),
        checking: false,
        recheck: false,
        mismatchTimes: [],
        mismatchAlerted: false,
      };
      this.states.set(connectionId, s);
    }
    return s;
  }

  private async send(kind: 'alert', input: AlertInput): Promise<void>;
  private async send(kind: 'resolve', input: ResolveInput): Promise<void>;
  private async send(kind: 'alert' | 'resolve', input: AlertInput | ResolveInput): Promise<void> {
    if (!this.opts.alerter) return;
    try {
      if (kind === 'alert') await this.opts.alerter.alert(input as AlertInput);
      else await this.opts.alerter.resolve(input as ResolveInput);
    } catch {
      // the notifier logs its own delivery failures and never throws; this is a second guard
    }
  }
}

/** The alert cause of a park kind: a Chatwoot auth park is its own cause (Krayin auth is "krayin_auth"). */
function parkCause(kind: ParkKind): string {
  return kind === 'auth' ? 'chatwoot_auth' : `parked_${kind}`;
}
