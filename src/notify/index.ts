export { Notifier } from './notifier';
export type { NotifierOptions, ConnectionChannels } from './notifier';
export { createNotifier, channelsFromConfig } from './create-notifier';
export type { CreateNotifierOptions } from './create-notifier';
export { SlackWebhookChannel, slackPayload } from './slack-channel';
export { EmailChannel } from './email-channel';
export type { EmailChannelConfig } from './email-channel';
export { InMemoryNotificationStateStore, stateKey } from './state';
export type { NotificationState, NotificationStateStore } from './state';
export {
  notificationsSchema,
  slackSchema,
  emailSchema,
  notificationsFromEnv,
  parseSmtpUrl,
  NotificationConfigError,
  DEFAULT_WINDOW_MS,
} from './config';
export type { NotificationsConfig, NotificationsInput, SlackConfig, EmailConfig, SmtpUrlParts } from './config';
export { ChannelDeliveryError } from './errors';
export type { DeliveryFailureKind } from './errors';
export { redactNotificationText } from './redact';
export { renderMessage, formatDuration, PRODUCT_TAG } from './format';
export { SEVERITIES } from './types';
export type {
  Severity,
  AlertInput,
  ResolveInput,
  NotificationChannel,
  RenderedMessage,
  ChannelResult,
  NotifyResult,
  NotifyStatus,
  NotifyLogger,
  MessageKind,
} from './types';
