/**
 * The runtime on/off switch of each connection (admin API: disable / enable), kept in the store so
 * every ingest process agrees and it survives restarts. While disabled, webhooks are verified,
 * answered 2xx and counted, but start no sync; their events are held in the store, and re-enabling
 * reports what is held so `catch-up` can deliver it.
 */
import type { ContactEvent } from '../ingest/types';
import type { JsonValue, Store } from '../store/types';

const CURSOR = 'connection_switch';

export interface SwitchState {
  disabled: boolean;
  /** ISO time the connection was disabled (null when enabled). */
  since: string | null;
  /** Verified webhooks that arrived while disabled. */
  ignoredWebhooks: number;
}

export class ConnectionSwitches {
  private readonly cache = new Map<string, { at: number; state: SwitchState }>();

  constructor(
    private readonly store: Store,
    private readonly cacheMs = 2_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async state(connectionId: string): Promise<SwitchState> {
    const hit = this.cache.get(connectionId);
    if (hit && this.now().getTime() - hit.at < this.cacheMs) return hit.state;
    const cursor = await this.store.cursors.get(connectionId, CURSOR);
    const state = parse(cursor?.value ?? null);
    this.cache.set(connectionId, { at: this.now().getTime(), state });
    return state;
  }

  async isEnabled(connectionId: string): Promise<boolean> {
    return !(await this.state(connectionId)).disabled;
  }

  /** Holds the event (once per delivery id) and counts it; also for connections disabled in config. */
  async recordIgnored(event: ContactEvent): Promise<void> {
    const held = await this.store.heldEvents.hold(event);
    const state = await this.fresh(event.connectionId);
    if (held && state.disabled)
      await this.save(event.connectionId, { ...state, ignoredWebhooks: state.ignoredWebhooks + 1 });
  }

  async disable(connectionId: string): Promise<SwitchState> {
    const state = await this.fresh(connectionId);
    if (state.disabled) return state;
    return this.save(connectionId, { disabled: true, since: this.now().toISOString(), ignoredWebhooks: 0 });
  }

  /** Enables the connection; returns what it was while disabled (so the operator can be told to reconcile). */
  async enable(connectionId: string): Promise<SwitchState> {
    const before = await this.fresh(connectionId);
    await this.save(connectionId, { disabled: false, since: null, ignoredWebhooks: 0 });
    return before;
  }

  private async fresh(connectionId: string): Promise<SwitchState> {
    this.cache.delete(connectionId);
    return this.state(connectionId);
  }

  private async save(connectionId: string, state: SwitchState): Promise<SwitchState> {
    await this.store.cursors.set(connectionId, CURSOR, state as unknown as JsonValue);
    this.cache.set(connectionId, { at: this.now().getTime(), state });
    return state;
  }
}

function parse(value: JsonValue | null): SwitchState {
  const v = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
  return {
    disabled: v.disabled === true,
    since: typeof v.since === 'string' ? v.since : null,
    ignoredWebhooks: typeof v.ignoredWebhooks === 'number' ? v.ignoredWebhooks : 0,
  };
}
