/**
 * Delivery failure of one channel. The message holds the channel, a failure kind, an HTTP/SMTP status
 * code and a library error code: never the webhook URL (Slack's URL is the secret), SMTP credentials,
 * server response texts or the message content.
 */
export type DeliveryFailureKind = 'timeout' | 'network' | 'http_status' | 'auth' | 'rejected' | 'smtp' | 'unknown';

export class ChannelDeliveryError extends Error {
  override readonly name = 'ChannelDeliveryError';
  constructor(
    readonly channel: string,
    readonly kind: DeliveryFailureKind,
    readonly status: number | null = null,
    readonly code: string | null = null,
  ) {
    super(
      `${channel} delivery failed: ${kind}${status === null ? '' : ` (status ${status})`}${code === null ? '' : ` [${code}]`}`,
    );
  }
}

/** Library error codes are fixed identifiers (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, EAUTH); anything else is dropped. */
export function safeErrorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code) ? code : null;
}
