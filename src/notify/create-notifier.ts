/** Builds a Notifier from configuration: one set of channels per connection, created once. */
import type { NotificationsConfig } from './config';
import { EmailChannel } from './email-channel';
import { Notifier, type ConnectionChannels } from './notifier';
import { SlackWebhookChannel } from './slack-channel';
import type { NotificationStateStore } from './state';
import type { NotificationChannel, NotifyLogger } from './types';

export interface CreateNotifierOptions {
  /** Settings per connection id. */
  connections?: Record<string, NotificationsConfig>;
  /** Settings for connections without their own entry (e.g. AppConfig.notifications). */
  fallback?: NotificationsConfig;
  logger: NotifyLogger;
  now?: () => number;
  store?: NotificationStateStore;
}

export function channelsFromConfig(config: NotificationsConfig): NotificationChannel[] {
  const channels: NotificationChannel[] = [];
  if (config.slack) channels.push(new SlackWebhookChannel(config.slack));
  if (config.email) channels.push(new EmailChannel(config.email));
  return channels;
}

function setupOf(config: NotificationsConfig): ConnectionChannels {
  return {
    channels: channelsFromConfig(config),
    windowMs: config.windowMs,
    retryAfterFailureMs: config.retryAfterFailureMs,
  };
}

export function createNotifier(opts: CreateNotifierOptions): Notifier {
  const perConnection = new Map(Object.entries(opts.connections ?? {}).map(([id, c]) => [id, setupOf(c)]));
  const fallback = opts.fallback ? setupOf(opts.fallback) : undefined;
  const owned = [...perConnection.values(), ...(fallback ? [fallback] : [])].flatMap((s) => s.channels);
  return new Notifier({
    channelsFor: (connectionId) => perConnection.get(connectionId) ?? fallback,
    logger: opts.logger,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.store ? { store: opts.store } : {}),
    ownedChannels: owned,
  });
}

/** A notifier whose per-connection channels follow the connections in force (console settings). */
export interface LiveNotifier {
  notifier: Notifier;
  /**
   * The per-connection settings now in force: a connection with new or changed settings gets new
   * channels, a removed one (or one that dropped its own) falls back to the service-wide channels.
   * Replaced channels are closed after `retireAfterMs` (a send in flight on them finishes first).
   */
  update(connections: Record<string, NotificationsConfig>): void;
  /** The connections with channels of their own. */
  connectionIds(): string[];
}

export function createLiveNotifier(opts: CreateNotifierOptions & { retireAfterMs?: number }): LiveNotifier {
  const perConnection = new Map<string, { json: string; setup: ConnectionChannels }>();
  const fallback = opts.fallback ? setupOf(opts.fallback) : undefined;
  // Read by Notifier.close(): every channel still open, retired or not.
  const owned: NotificationChannel[] = fallback ? [...fallback.channels] : [];
  const retire = (channels: readonly NotificationChannel[]) => {
    const timer = setTimeout(() => {
      for (const c of channels) {
        const i = owned.indexOf(c);
        if (i >= 0) owned.splice(i, 1);
        void Promise.resolve(c.close?.()).catch(() => undefined);
      }
    }, opts.retireAfterMs ?? 60_000);
    timer.unref();
  };
  const update = (connections: Record<string, NotificationsConfig>) => {
    for (const [id, entry] of [...perConnection]) {
      const next = connections[id];
      if (next && JSON.stringify(next) === entry.json) continue;
      perConnection.delete(id);
      retire(entry.setup.channels);
    }
    for (const [id, config] of Object.entries(connections)) {
      if (perConnection.has(id)) continue;
      const setup = setupOf(config);
      perConnection.set(id, { json: JSON.stringify(config), setup });
      owned.push(...setup.channels);
    }
  };
  update(opts.connections ?? {});
  const notifier = new Notifier({
    channelsFor: (connectionId) => perConnection.get(connectionId)?.setup ?? fallback,
    logger: opts.logger,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.store ? { store: opts.store } : {}),
    ownedChannels: owned,
  });
  return { notifier, update, connectionIds: () => [...perConnection.keys()] };
}
