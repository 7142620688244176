/**
 * Notifications against real receivers: a local SMTP server (smtp-server, AUTH required) and a local
 * HTTP receiver standing in for a Slack/Mattermost incoming webhook. Time is an injected clock.
 */
import express, { type Request } from 'express';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createNotifier, EmailChannel, Notifier, SlackWebhookChannel, type AlertInput } from '../../src/notify';
import type { NotificationsConfig } from '../../src/notify';
import { listen, type RunningServer } from './fixtures/codec-http-server';
import { startSmtpCapture, type SmtpCapture } from './fixtures/notify-smtp-capture';

const SMTP_USER = 'alerts';
const SMTP_PASS = 'smtp-pass-s3cret';
const HOOK_SECRET = 'T000-B000-hooksecretXYZ';
const MIN = 60_000;

type SlackMode = 'ok' | 'fail' | 'hang' | 'redirect';
interface Hit {
  path: string;
  contentType: string | undefined;
  body: { text?: string; blocks?: unknown[] };
}

let smtp: SmtpCapture;
let receiver: RunningServer;
let slackMode: SlackMode = 'ok';
const hits: Hit[] = [];
let hitWaiters: ((h: Hit) => void)[] = [];
let now = Date.UTC(2025, 5, 1, 8);
const logs: { level: string; fields: object; msg?: string }[] = [];
const logger = {
  info: (fields: object, msg?: string) => logs.push({ level: 'info', fields, msg }),
  warn: (fields: object, msg?: string) => logs.push({ level: 'warn', fields, msg }),
  error: (fields: object, msg?: string) => logs.push({ level: 'error', fields, msg }),
};

beforeAll(async () => {
  smtp = await startSmtpCapture({ user: SMTP_USER, pass: SMTP_PASS });
  const app = express();
  app.post('/hooks/:secret', express.json(), (req: Request, res) => {
    const hit: Hit = { path: req.path, contentType: req.headers['content-type'], body: req.body as Hit['body'] };
    hits.push(hit);
    for (const w of hitWaiters) w(hit);
    hitWaiters = [];
    if (slackMode === 'ok') res.status(200).send('ok');
    else if (slackMode === 'fail') res.status(500).send('internal_error');
    else if (slackMode === 'redirect') res.redirect(302, '/hooks/elsewhere');
    // 'hang': never answer; the channel's timeout must fire.
  });
  receiver = await listen(app);
});

afterAll(async () => {
  await receiver.close();
  await smtp.close();
});

beforeEach(() => {
  slackMode = 'ok';
  hits.length = 0;
  smtp.reset();
  logs.length = 0;
});

/** A port nothing listens on: an SMTP server that is down. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function config(
  overrides: { smtpPort?: number; smtpPass?: string; slackTimeoutMs?: number; style?: 'slack' | 'plain' } = {},
): NotificationsConfig {
  return {
    slack: {
      webhookUrl: `${receiver.url}/hooks/${HOOK_SECRET}`,
      style: overrides.style ?? 'slack',
      timeoutMs: overrides.slackTimeoutMs ?? 5_000,
    },
    email: {
      host: smtp.host,
      port: overrides.smtpPort ?? smtp.port,
      secure: false,
      requireTls: false,
      user: SMTP_USER,
      pass: overrides.smtpPass ?? SMTP_PASS,
      from: 'Chatwoot-Krayin sync <sync@example.com>',
      to: ['ops@example.com', 'oncall@example.com'],
      timeoutMs: 5_000,
    },
    windowMs: 30 * MIN,
    retryAfterFailureMs: MIN,
  };
}

function notifierFor(c: NotificationsConfig): Notifier {
  return createNotifier({ connections: { default: c }, logger, now: () => now });
}

const alert: AlertInput = {
  connectionId: 'default',
  cause: 'krayin_auth',
  title: 'Krayin rejects the API token',
  text: 'Syncs are parked. Krayin said: user mia.kovac@example.com is not allowed (401). Renew the token, then retry.',
  severity: 'critical',
};

describe('notifications over real SMTP and HTTP', () => {
  it('delivers an alert to Slack and by email, and a recovery message when it clears', async () => {
    const n = notifierFor(config());
    try {
      const result = await n.alert(alert);
      expect(result).toEqual({
        status: 'sent',
        channels: [
          { channel: 'slack', ok: true },
          { channel: 'email', ok: true },
        ],
      });
      const mail = await smtp.next();
      expect(mail.envelopeFrom).toBe('sync@example.com');
      expect(mail.envelopeTo).toEqual(['ops@example.com', 'oncall@example.com']);
      expect(mail.headers.subject).toBe('[chatwoot-krayin-sync] CRITICAL default: Krayin rejects the API token');
      expect(mail.headers.to).toBe('ops@example.com, oncall@example.com');
      expect(mail.headers['x-cks-cause']).toBe('krayin_auth');
      expect(mail.body).toContain('Syncs are parked. Krayin said: user [email] is not allowed (401).');
      expect(mail.body).toContain('Connection: default');
      expect(mail.raw).not.toContain('mia.kovac');

      expect(hits).toHaveLength(1);
      expect(hits[0]!.contentType).toMatch(/^application\/json/);
      expect(hits[0]!.body.text).toContain('*[chatwoot-krayin-sync] CRITICAL default: Krayin rejects the API token*');
      expect(hits[0]!.body.blocks).toHaveLength(2);
      expect(JSON.stringify(hits[0]!.body)).not.toContain('mia.kovac');

      // Repeats inside the window: counted, nothing sent.
      now += 5 * MIN;
      expect((await n.alert(alert)).status).toBe('suppressed');
      expect((await n.alert(alert)).status).toBe('suppressed');
      expect(hits).toHaveLength(1);
      expect(smtp.messages).toHaveLength(1);

      now += 20 * MIN;
      expect(
        (await n.resolve({ connectionId: 'default', cause: 'krayin_auth', text: 'Krayin accepts the token again.' }))
          .status,
      ).toBe('sent');
      const recovery = await smtp.next();
      expect(recovery.headers.subject).toBe('[chatwoot-krayin-sync] RESOLVED default: Krayin rejects the API token');
      expect(recovery.body).toContain('Resolved after 25 min, 2 occurrences suppressed.');
      expect(recovery.body).toContain('Krayin accepts the token again.');
      expect(hits[1]!.body.text).toMatch(/^:white_check_mark: \*\[chatwoot-krayin-sync\] RESOLVED/);

      // Nothing is open any more: a second resolve sends nothing.
      expect((await n.resolve({ connectionId: 'default', cause: 'krayin_auth' })).status).toBe('not_open');
      expect(hits).toHaveLength(2);
      expect(smtp.messages).toHaveLength(2);
    } finally {
      await n.close();
    }
  });

  it('still emails when the Slack receiver answers 500', async () => {
    slackMode = 'fail';
    const n = notifierFor(config());
    try {
      const result = await n.alert({ ...alert, cause: 'krayin_unreachable' });
      expect(result).toEqual({
        status: 'sent',
        channels: [
          { channel: 'slack', ok: false, error: 'http_status', status: 500 },
          { channel: 'email', ok: true },
        ],
      });
      expect((await smtp.next()).headers['x-cks-cause']).toBe('krayin_unreachable');
      expect(JSON.stringify(logs)).toContain('"error":"http_status"');
    } finally {
      await n.close();
    }
  });

  it('still posts to Slack when the SMTP server is down', async () => {
    const n = notifierFor(config({ smtpPort: await closedPort() }));
    try {
      const result = await n.alert(alert);
      expect(result.status).toBe('sent');
      expect(result.channels).toEqual([
        { channel: 'slack', ok: true },
        { channel: 'email', ok: false, error: 'network' },
      ]);
      expect(hits).toHaveLength(1);
    } finally {
      await n.close();
    }
  });

  it('reports a Slack receiver that never answers as a timeout, without holding up email', async () => {
    slackMode = 'hang';
    const n = notifierFor(config({ slackTimeoutMs: 300 }));
    try {
      const result = await n.alert(alert);
      expect(result.channels).toEqual([
        { channel: 'slack', ok: false, error: 'timeout' },
        { channel: 'email', ok: true },
      ]);
      expect(smtp.messages).toHaveLength(1);
    } finally {
      await n.close();
    }
  });

  it('does not follow a redirect from the webhook receiver', async () => {
    slackMode = 'redirect';
    const channel = new SlackWebhookChannel({ webhookUrl: `${receiver.url}/hooks/${HOOK_SECRET}` });
    try {
      await expect(
        channel.send({ kind: 'alert', connectionId: 'default', cause: 'x', severity: 'info', subject: 's', body: 'b' }),
      ).rejects.toMatchObject({ kind: 'http_status', status: 302 });
      expect(hits.map((h) => h.path)).toEqual([`/hooks/${HOOK_SECRET}`]);
    } finally {
      await channel.close();
    }
  });

  it('reports a failed SMTP login as auth, never quoting the password or the server reply', async () => {
    const channel = new EmailChannel({ ...config({ smtpPass: 'wrong-password-123' }).email! });
    try {
      const err = (await channel
        .send({ kind: 'alert', connectionId: 'default', cause: 'x', severity: 'info', subject: 's', body: 'b' })
        .then(
          () => null,
          (e: unknown) => e,
        )) as Error | null;
      expect(err).toMatchObject({ name: 'ChannelDeliveryError', kind: 'auth', status: 535 });
      expect(err?.message).not.toMatch(/wrong-password|Invalid username/);
    } finally {
      await channel.close();
    }
  });

  it('reports every failure when both channels are down, and never throws', async () => {
    slackMode = 'fail';
    const n = notifierFor(config({ smtpPort: await closedPort() }));
    try {
      const result = await n.alert(alert);
      expect(result.status).toBe('failed');
      expect(result.channels.map((c) => c.ok)).toEqual([false, false]);
    } finally {
      await n.close();
    }
  });

  it('sends {text} only in plain style (Mattermost / Rocket.Chat receivers)', async () => {
    const n = notifierFor(config({ style: 'plain' }));
    try {
      await n.alert({ ...alert, title: 'Krayin <unreachable> & slow' });
      expect(Object.keys(hits[0]!.body)).toEqual(['text']);
      expect(hits[0]!.body.text).toMatch(/^\[chatwoot-krayin-sync\] CRITICAL default: Krayin <unreachable> & slow\n/);
    } finally {
      await n.close();
    }
  });

  it('routes per connection and falls back for connections without their own settings', async () => {
    const slackOnly = { ...config(), email: undefined };
    const emailOnly = { ...config(), slack: undefined };
    const n = createNotifier({ connections: { acme: slackOnly }, fallback: emailOnly, logger, now: () => now });
    try {
      expect((await n.alert({ ...alert, connectionId: 'acme' })).channels).toEqual([{ channel: 'slack', ok: true }]);
      expect((await n.alert({ ...alert, connectionId: 'other-co' })).channels).toEqual([
        { channel: 'email', ok: true },
      ]);
      expect(hits).toHaveLength(1);
      expect(smtp.messages).toHaveLength(1);
    } finally {
      await n.close();
    }
  });

  it('never writes the webhook secret or the SMTP password into logs', () => {
    // Runs last: the failures above all logged.
    const logged = JSON.stringify(logs);
    expect(logged).not.toContain(HOOK_SECRET);
    expect(logged).not.toContain(SMTP_PASS);
  });
});
