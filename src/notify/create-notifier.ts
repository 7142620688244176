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
