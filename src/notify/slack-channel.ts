/**
 * Slack-compatible incoming webhook: POST JSON `{text, blocks?}`. Mattermost and Rocket.Chat accept the
 * same `{text}` (style "plain" leaves out Slack's blocks and escaping). The URL is a secret and appears in
 * no error or log; redirects are never followed (a redirect would resend the alert somewhere else).
 */
import { Agent, request } from 'undici';
import type { SlackConfig } from './config';
import { ChannelDeliveryError, safeErrorCode } from './errors';
import type { NotificationChannel, RenderedMessage } from './types';

const SEVERITY_EMOJI = { critical: ':rotating_light:', warning: ':warning:', info: ':information_source:' } as const;

/** Slack mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(m: RenderedMessage, style: SlackConfig['style']): object {
  if (style === 'plain') return { text: `${m.subject}\n\n${m.body}` };
  const icon = m.kind === 'resolved' ? ':white_check_mark:' : SEVERITY_EMOJI[m.severity];
  const headline = `${icon} *${escapeMrkdwn(m.subject)}*`;
  const body = escapeMrkdwn(m.body);
  return {
    text: `${headline}\n${body}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: headline } },
      // Slack rejects a section text over 3000 characters.
      { type: 'section', text: { type: 'mrkdwn', text: body.slice(0, 2_900) } },
    ],
  };
}

export class SlackWebhookChannel implements NotificationChannel {
  readonly name = 'slack';
  readonly #url: string;
  readonly #style: SlackConfig['style'];
  readonly #timeoutMs: number;
  readonly #agent: Agent;

  constructor(config: Pick<SlackConfig, 'webhookUrl'> & Partial<SlackConfig>) {
    this.#url = config.webhookUrl;
    this.#style = config.style ?? 'slack';
    this.#timeoutMs = config.timeoutMs ?? 5_000;
    const t = this.#timeoutMs;
    this.#agent = new Agent({ connect: { timeout: t }, headersTimeout: t, bodyTimeout: t });
  }

  async send(message: RenderedMessage): Promise<void> {
    let statusCode: number;
    try {
      const res = await request(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackPayload(message, this.#style)),
        dispatcher: this.#agent,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      statusCode = res.statusCode;
      await res.body.dump();
    } catch (err) {
      throw new ChannelDeliveryError(this.name, isTimeout(err) ? 'timeout' : 'network', null, safeErrorCode(err));
    }
    if (statusCode < 200 || statusCode >= 300) throw new ChannelDeliveryError(this.name, 'http_status', statusCode);
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

function isTimeout(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown } | null;
  return (
    e?.name === 'TimeoutError' ||
    (typeof e?.code === 'string' && /TIMEOUT/.test(e.code)) ||
    (e?.name === 'AbortError' && /timeout/i.test(String((err as { cause?: unknown }).cause)))
  );
}
