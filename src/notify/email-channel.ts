/**
 * SMTP email through nodemailer. Plain text only (no HTML to escape, nothing remote to load). Errors keep
 * nodemailer's code and SMTP status but not its message, which can quote the server's reply or the login.
 */
import { createTransport, type Transporter } from 'nodemailer';
import type { EmailConfig } from './config';
import { ChannelDeliveryError, safeErrorCode, type DeliveryFailureKind } from './errors';
import type { NotificationChannel, RenderedMessage } from './types';

export type EmailChannelConfig = Omit<EmailConfig, 'timeoutMs' | 'requireTls' | 'port'> &
  Partial<Pick<EmailConfig, 'timeoutMs' | 'requireTls' | 'port'>>;

export class EmailChannel implements NotificationChannel {
  readonly name = 'email';
  readonly #transport: Transporter;
  readonly #from: string;
  readonly #to: string[];

  constructor(config: EmailChannelConfig) {
    const port = config.port ?? 587;
    const timeout = config.timeoutMs ?? 10_000;
    this.#from = config.from;
    this.#to = [...config.to];
    this.#transport = createTransport({
      host: config.host,
      port,
      secure: config.secure ?? port === 465,
      requireTLS: config.requireTls ?? false,
      auth:
        config.user !== undefined && config.pass !== undefined ? { user: config.user, pass: config.pass } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // The message is built from our own strings; never let it pull files or URLs in.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(message: RenderedMessage): Promise<void> {
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: this.#to,
        subject: message.subject,
        text: message.body,
        headers: {
          'X-CKS-Connection': message.connectionId,
          'X-CKS-Cause': message.cause,
          'X-CKS-Kind': message.kind,
        },
      });
    } catch (err) {
      const responseCode = (err as { responseCode?: unknown }).responseCode;
      const code = safeErrorCode(err);
      throw new ChannelDeliveryError(
        this.name,
        classify(code),
        typeof responseCode === 'number' ? responseCode : null,
        code,
      );
    }
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}

function classify(code: string | null): DeliveryFailureKind {
  switch (code) {
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'EDNS':
    case 'ECONNREFUSED':
      return 'network';
    case 'EAUTH':
    case 'ENOAUTH':
      return 'auth';
    case 'EENVELOPE':
    case 'EMESSAGE':
      return 'rejected';
    default:
      return 'smtp';
  }
}
