import { NotificationConfigError, notificationsFromEnv, notificationsSchema, parseSmtpUrl } from '../../src/notify';

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXSECRET';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(NotificationConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}

describe('parseSmtpUrl', () => {
  it('reads smtp:// with credentials and a port', () => {
    expect(parseSmtpUrl('smtp://alerts%40example.com:p%3Ass@mail.example.com:2525')).toEqual({
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      user: 'alerts@example.com',
      pass: 'p:ss',
    });
  });

  it('defaults ports: 587 for smtp, 465 (TLS) for smtps', () => {
    expect(parseSmtpUrl('smtp://mail.example.com')).toEqual({ host: 'mail.example.com', port: 587, secure: false });
    expect(parseSmtpUrl('smtps://mail.example.com')).toEqual({ host: 'mail.example.com', port: 465, secure: true });
  });

  it.each(['http://mail.example.com', 'not a url', 'smtp://user:s3cretpass@host/path', 'smtp://user@host'])(
    'rejects %s without echoing it',
    (value) => {
      const msg = messageOf(() => parseSmtpUrl(value));
      expect(msg).toMatch(/^SMTP_URL /);
      expect(msg).not.toContain('s3cretpass');
    },
  );
});

describe('notificationsFromEnv', () => {
  it('is empty (no channels, default window) when nothing is set', () => {
    expect(notificationsFromEnv({})).toEqual({ windowMs: 3_600_000, retryAfterFailureMs: 60_000 });
  });

  it('builds both channels from the suggested variables', () => {
    expect(
      notificationsFromEnv({
        SLACK_WEBHOOK_URL: SLACK,
        SMTP_URL: 'smtp://u:p@mail.example.com:587',
        SMTP_FROM: 'Sync <sync@example.com>',
        ALERT_EMAIL_TO: 'ops@example.com, oncall@example.com',
        ALERT_WINDOW_MS: '600000',
        SMTP_REQUIRE_TLS: 'true',
      }),
    ).toEqual({
      slack: { webhookUrl: SLACK, style: 'slack', timeoutMs: 5_000 },
      email: {
        host: 'mail.example.com',
        port: 587,
        secure: false,
        requireTls: true,
        user: 'u',
        pass: 'p',
        from: 'Sync <sync@example.com>',
        to: ['ops@example.com', 'oncall@example.com'],
        timeoutMs: 10_000,
      },
      windowMs: 600_000,
      retryAfterFailureMs: 60_000,
    });
  });

  it.each([
    [{ SLACK_WEBHOOK_URL: 'ftp://x' }, /^SLACK_WEBHOOK_URL must be an http\(s\) URL/],
    [{ SMTP_URL: 'smtp://h', ALERT_EMAIL_TO: 'a@example.com' }, /^SMTP_FROM is required/],
    [{ SMTP_URL: 'smtp://h', SMTP_FROM: 'a@example.com' }, /^ALERT_EMAIL_TO is required/],
    [{ SMTP_URL: 'smtp://h', SMTP_FROM: 'a@example.com', ALERT_EMAIL_TO: 'nope' }, /^ALERT_EMAIL_TO must be an email/],
    [{ SMTP_URL: 'smtp://h', SMTP_FROM: 'nobody', ALERT_EMAIL_TO: 'a@example.com' }, /^SMTP_FROM must be an email/],
    [{ ALERT_WINDOW_MS: 'soon' }, /^ALERT_WINDOW_MS must be an integer/],
    [{ SLACK_WEBHOOK_URL: SLACK, SLACK_STYLE: 'teams' }, /^SLACK_STYLE must be slack or plain/],
  ])('names the variable in errors: %j', (env, message) => {
    const msg = messageOf(() => notificationsFromEnv(env));
    expect(msg).toMatch(message);
    expect(msg).not.toContain('SECRET');
  });
});

describe('notificationsSchema', () => {
  it('requires user and pass together', () => {
    const r = notificationsSchema.safeParse({
      email: { host: 'h', user: 'u', from: 'a@example.com', to: ['b@example.com'] },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('user and pass must be given together');
  });

  it('never puts the Slack URL into an issue', () => {
    const r = notificationsSchema.safeParse({ slack: { webhookUrl: `${SLACK} with space`, timeoutMs: 5 } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).not.toContain('SECRET');
  });
});
