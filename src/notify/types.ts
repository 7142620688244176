/** Shapes shared by the notifier and its channels. Everything here is PII-free by contract. */

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface AlertInput {
  connectionId: string;
  /** Stable key of the problem, e.g. "krayin_auth", "krayin_unreachable", "parked_syncs". */
  cause: string;
  /** One line, PII-free, e.g. "Krayin rejects the API token". */
  title: string;
  /** PII-free explanation and what to do. Emails/phones are masked anyway. */
  text: string;
  severity: Severity;
}

export interface ResolveInput {
  connectionId: string;
  cause: string;
  /** Optional PII-free note, e.g. "Krayin accepted the token again". */
  text?: string;
}

export type MessageKind = 'alert' | 'reminder' | 'resolved';

/** What a channel delivers: already redacted and formatted. */
export interface RenderedMessage {
  kind: MessageKind;
  connectionId: string;
  cause: string;
  severity: Severity;
  /** One line (no CR/LF), used as the email subject and the chat headline. */
  subject: string;
  /** Plain-text body. */
  body: string;
}

export interface NotificationChannel {
  /** "slack" or "email": used in results and logs. */
  readonly name: string;
  /** Rejects with a ChannelDeliveryError (or anything: the notifier treats every rejection alike). */
  send(message: RenderedMessage): Promise<void>;
  close?(): Promise<void>;
}

export type ChannelResult =
  { channel: string; ok: true } | { channel: string; ok: false; error: string; status?: number };

export type NotifyStatus =
  /** Delivered by at least one channel. */
  | 'sent'
  /** Inside the window of a message already sent for this (connection, cause): counted, not sent. */
  | 'suppressed'
  /** Every channel failed; counted, retried on a later alert. */
  | 'failed'
  /** resolve() for a cause that is not open. */
  | 'not_open'
  /** resolve() for an episode nobody was alerted about (suppressed throughout): nothing to take back. */
  | 'not_alerted'
  /** The connection has no channels configured. */
  | 'no_channels'
  /** Malformed connection id, cause or severity (logged). */
  | 'invalid';

export interface NotifyResult {
  status: NotifyStatus;
  channels: ChannelResult[];
}

export interface NotifyLogger {
  info(fields: object, msg?: string): void;
  warn(fields: object, msg?: string): void;
  error(fields: object, msg?: string): void;
}
