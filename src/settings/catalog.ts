/**
 * The connections in force in this process, kept current without a restart: the environment / config
 * file connections layered with the console settings. Every replica polls the settings version (one
 * row) every few seconds and reloads only when it moved; a change made in this process reloads at once.
 * Listeners (ingest, the client registry, the workers, the admin API) get what was added, changed and
 * removed.
 */
import type { ConnectionConfig } from '../config/schema';
import type { Logger } from '../logging';
import type { Store } from '../store/types';
import { resolveConnections, type SettingsBase } from './layers';
import type { SecretBox } from './secret-box';

export const SETTINGS_POLL_MS = 5_000;

export interface CatalogChange {
  /** Every connection in force after the change. */
  connections: ConnectionConfig[];
  added: ConnectionConfig[];
  changed: ConnectionConfig[];
  removed: string[];
}

export type CatalogListener = (change: CatalogChange) => void | Promise<void>;

export interface ConnectionCatalogOptions {
  store: Pick<Store, 'connectionSettings'>;
  base: SettingsBase;
  box: SecretBox | null;
  log?: Pick<Logger, 'warn' | 'error' | 'info'>;
  pollMs?: number;
}

export class ConnectionCatalog {
  private current: ConnectionConfig[];
  private version = -1;
  private readonly listeners = new Set<CatalogListener>();
  private timer: NodeJS.Timeout | null = null;
  private reloading: Promise<boolean> | null = null;

  constructor(private readonly opts: ConnectionCatalogOptions) {
    this.current = [...opts.base.configured];
  }

  /** The connections in force now. */
  all(): ConnectionConfig[] {
    return this.current;
  }

  get(id: string): ConnectionConfig | undefined {
    return this.current.find((c) => c.id === id);
  }

  /** Registers a listener; returns its removal. Listeners run in registration order, one at a time. */
  onChange(listener: CatalogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads the settings (first call) or reloads them when the version moved; true when something changed. */
  refresh(): Promise<boolean> {
    // One reload at a time; a call during one waits for it and then checks again.
    const next = (this.reloading ?? Promise.resolve(false)).catch(() => false).then(() => this.reload());
    this.reloading = next;
    return next;
  }

  /** Polls every pollMs (5 s) until stop(). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch((err) => this.opts.log?.warn({ err }, 'connection settings not reloaded'));
    }, this.opts.pollMs ?? SETTINGS_POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reloading?.catch(() => undefined);
  }

  private async reload(): Promise<boolean> {
    const { store, base, box, log } = this.opts;
    const version = await store.connectionSettings.version();
    if (version === this.version) return false;
    const snapshot = await store.connectionSettings.snapshot();
    const resolved = resolveConnections(base, snapshot, box);
    for (const r of resolved) {
      if (r.problems.length > 0) {
        // Names paths and key ids only (the messages never carry values).
        log?.error(
          { connectionId: r.id, problems: r.problems },
          r.config
            ? 'console settings of this connection are not in force: it runs with its configured settings'
            : 'this console connection cannot run: its settings cannot be read',
        );
      }
    }
    const next = resolved.flatMap((r) => (r.config ? [r.config] : []));
    this.version = snapshot.version;
    const before = new Map(this.current.map((c) => [c.id, c]));
    const change: CatalogChange = {
      connections: next,
      added: next.filter((c) => !before.has(c.id)),
      changed: next.filter((c) => before.has(c.id) && JSON.stringify(before.get(c.id)) !== JSON.stringify(c)),
      removed: [...before.keys()].filter((id) => !next.some((c) => c.id === id)),
    };
    this.current = next;
    if (change.added.length + change.changed.length + change.removed.length === 0) return false;
    log?.info(
      { added: change.added.map((c) => c.id), changed: change.changed.map((c) => c.id), removed: change.removed },
      'connection settings reloaded',
    );
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch (err) {
        log?.error({ err }, 'a connection settings listener failed');
      }
    }
    return true;
  }
}
