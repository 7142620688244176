import {
  ChannelDeliveryError,
  InMemoryNotificationStateStore,
  Notifier,
  type AlertInput,
  type NotificationChannel,
  type NotificationState,
  type NotificationStateStore,
  type RenderedMessage,
} from '../../src/notify';

/** A channel that records what it was asked to deliver; `failing` makes it reject like a down receiver. */
class RecordingChannel implements NotificationChannel {
  readonly sent: RenderedMessage[] = [];
  failing = false;
  constructor(readonly name: string) {}
  async send(m: RenderedMessage): Promise<void> {
    if (this.failing) throw new ChannelDeliveryError(this.name, 'http_status', 500);
    this.sent.push(m);
  }
}

class RecordingLogger {
  readonly lines: { level: string; fields: object; msg?: string }[] = [];
  info = (fields: object, msg?: string) => this.lines.push({ level: 'info', fields, msg });
  warn = (fields: object, msg?: string) => this.lines.push({ level: 'warn', fields, msg });
  error = (fields: object, msg?: string) => this.lines.push({ level: 'error', fields, msg });
}

const MIN = 60_000;
const WINDOW = 60 * MIN;

function setup(opts: { store?: NotificationStateStore; channels?: RecordingChannel[] } = {}) {
  let now = Date.UTC(2025, 0, 1, 12);
  const channels = opts.channels ?? [new RecordingChannel('slack'), new RecordingChannel('email')];
  const logger = new RecordingLogger();
  const notifier = new Notifier({
    channelsFor: (id) => (id === 'silent' ? undefined : { channels, windowMs: WINDOW, retryAfterFailureMs: 5 * MIN }),
    logger,
    now: () => now,
    ...(opts.store ? { store: opts.store } : {}),
  });
  return {
    notifier,
    channels,
    logger,
    advance: (ms: number) => {
      now += ms;
    },
    sentOn: (i = 0) => channels[i]!.sent,
  };
}

const auth: AlertInput = {
  connectionId: 'default',
  cause: 'krayin_auth',
  title: 'Krayin rejects the API token',
  text: 'Every sync is parked. Check the Krayin user and its token, then send the retry signal.',
  severity: 'critical',
};

describe('Notifier dedupe and windows', () => {
  it('sends the first alert of a cause on every channel', async () => {
    const t = setup();
    const result = await t.notifier.alert(auth);
    expect(result).toEqual({
      status: 'sent',
      channels: [
        { channel: 'slack', ok: true },
        { channel: 'email', ok: true },
      ],
    });
    expect(t.sentOn(0)).toHaveLength(1);
    expect(t.sentOn(1)).toHaveLength(1);
    const m = t.sentOn(0)[0]!;
    expect(m).toMatchObject({ kind: 'alert', connectionId: 'default', cause: 'krayin_auth', severity: 'critical' });
    expect(m.subject).toBe('[chatwoot-krayin-sync] CRITICAL default: Krayin rejects the API token');
    expect(m.body).toContain('Every sync is parked.');
    expect(m.body).toContain('Cause: krayin_auth');
  });

  it('suppresses repeats inside the window and sends one reminder with the count after it', async () => {
    const t = setup();
    await t.notifier.alert(auth);
    for (let i = 0; i < 4; i++) {
      t.advance(10 * MIN);
      expect((await t.notifier.alert(auth)).status).toBe('suppressed');
    }
    expect(t.sentOn()).toHaveLength(1);
    t.advance(20 * MIN); // 60 min after the first message
    expect((await t.notifier.alert(auth)).status).toBe('sent');
    const reminder = t.sentOn()[1]!;
    expect(reminder.kind).toBe('reminder');
    expect(reminder.body).toContain('Still failing after 1 h: 4 further occurrences since the last message.');
    t.advance(1 * MIN);
    expect((await t.notifier.alert(auth)).status).toBe('suppressed');
  });

  it('keeps causes and connections apart', async () => {
    const t = setup();
    await t.notifier.alert(auth);
    await t.notifier.alert({ ...auth, cause: 'krayin_unreachable', title: 'Krayin unreachable' });
    await t.notifier.alert({ ...auth, connectionId: 'acme' });
    expect(t.sentOn().map((m) => `${m.connectionId}/${m.cause}`)).toEqual([
      'default/krayin_auth',
      'default/krayin_unreachable',
      'acme/krayin_auth',
    ]);
  });

  it('sends a recovery message with the duration and the suppressed count, once', async () => {
    const t = setup();
    await t.notifier.alert(auth);
    t.advance(5 * MIN);
    await t.notifier.alert(auth);
    await t.notifier.alert(auth);
    t.advance(7 * MIN);
    const result = await t.notifier.resolve({
      connectionId: 'default',
      cause: 'krayin_auth',
      text: 'Token accepted again.',
    });
    expect(result.status).toBe('sent');
    const recovery = t.sentOn()[1]!;
    expect(recovery.kind).toBe('resolved');
    expect(recovery.subject).toBe('[chatwoot-krayin-sync] RESOLVED default: Krayin rejects the API token');
    expect(recovery.body).toMatch(/^Resolved after 12 min, 2 occurrences suppressed\./);
    expect(recovery.body).toContain('Token accepted again.');
    expect((await t.notifier.resolve({ connectionId: 'default', cause: 'krayin_auth' })).status).toBe('not_open');
    expect(t.sentOn()).toHaveLength(2);
  });

  it('sends nothing for a resolve of a cause never alerted', async () => {
    const t = setup();
    expect(await t.notifier.resolve({ connectionId: 'default', cause: 'krayin_auth' })).toEqual({
      status: 'not_open',
      channels: [],
    });
    expect(t.sentOn()).toEqual([]);
  });

  it('rate-limits a flapping cause: a re-open inside the window is counted, and its silent resolve sends nothing', async () => {
    const t = setup();
    await t.notifier.alert(auth);
    t.advance(2 * MIN);
    await t.notifier.resolve({ connectionId: 'default', cause: 'krayin_auth' });
    t.advance(2 * MIN);
    expect((await t.notifier.alert(auth)).status).toBe('suppressed');
    expect((await t.notifier.resolve({ connectionId: 'default', cause: 'krayin_auth' })).status).toBe('not_alerted');
    expect(t.sentOn().map((m) => m.kind)).toEqual(['alert', 'resolved']);
    // The next alert after the window opens a new episode and mentions what was not sent.
    t.advance(WINDOW);
    expect((await t.notifier.alert(auth)).status).toBe('sent');
    const next = t.sentOn()[2]!;
    expect(next.kind).toBe('alert');
    expect(next.body).toContain('1 earlier occurrence of this cause were not sent');
  });

  it('sends an escalation (warning -> critical) inside the window', async () => {
    const t = setup();
    await t.notifier.alert({ ...auth, severity: 'warning', title: 'Krayin slow' });
    t.advance(MIN);
    expect((await t.notifier.alert({ ...auth, severity: 'warning' })).status).toBe('suppressed');
    expect((await t.notifier.alert({ ...auth, severity: 'critical', title: 'Krayin down' })).status).toBe('sent');
    expect(t.sentOn().map((m) => [m.kind, m.severity])).toEqual([
      ['alert', 'warning'],
      ['reminder', 'critical'],
    ]);
    expect((await t.notifier.alert({ ...auth, severity: 'critical' })).status).toBe('suppressed');
  });

  it('serialises concurrent alerts of one cause, so only one is sent', async () => {
    const t = setup();
    const results = await Promise.all(Array.from({ length: 10 }, () => t.notifier.alert(auth)));
    expect(results.filter((r) => r.status === 'sent')).toHaveLength(1);
    expect(t.sentOn()).toHaveLength(1);
  });
});

describe('Notifier delivery failures', () => {
  it('reports a failing channel per channel, still delivers on the other, and never throws', async () => {
    const t = setup();
    t.channels[0]!.failing = true;
    const result = await t.notifier.alert(auth);
    expect(result).toEqual({
      status: 'sent',
      channels: [
        { channel: 'slack', ok: false, error: 'http_status', status: 500 },
        { channel: 'email', ok: true },
      ],
    });
    expect(t.sentOn(1)).toHaveLength(1);
    const warn = t.logger.lines.find((l) => l.level === 'warn');
    expect(warn?.fields).toMatchObject({ channel: 'slack', error: 'http_status', status: 500, cause: 'krayin_auth' });
  });

  it('when every channel fails, counts the alert and retries only after the back-off', async () => {
    const t = setup();
    for (const c of t.channels) c.failing = true;
    expect((await t.notifier.alert(auth)).status).toBe('failed');
    t.advance(MIN);
    expect((await t.notifier.alert(auth)).status).toBe('suppressed');
    for (const c of t.channels) c.failing = false;
    t.advance(5 * MIN);
    expect((await t.notifier.alert(auth)).status).toBe('sent');
    const m = t.sentOn()[0]!;
    expect(m.kind).toBe('alert');
    expect(m.body).toContain('2 earlier occurrences of this cause were not sent');
  });

  it('survives a channel that throws something odd and a state store that fails', async () => {
    const odd: NotificationChannel = {
      name: 'odd',
      send: () => Promise.reject('not an error'),
    };
    const brokenStore: NotificationStateStore = {
      get: () => Promise.reject(new Error('db down')),
      compareAndSet: () => Promise.reject(new Error('db down')),
    };
    const ok = new RecordingChannel('slack');
    const logger = new RecordingLogger();
    const notifier = new Notifier({
      channelsFor: () => ({ channels: [odd, ok], windowMs: WINDOW, retryAfterFailureMs: MIN }),
      logger,
      store: brokenStore,
    });
    await expect(notifier.alert(auth)).resolves.toEqual({
      status: 'sent',
      channels: [
        { channel: 'odd', ok: false, error: 'unknown' },
        { channel: 'slack', ok: true },
      ],
    });
    // Memory still dedupes while the store is down.
    expect((await notifier.alert(auth)).status).toBe('suppressed');
    expect(logger.lines.some((l) => l.msg === 'notification state load failed')).toBe(true);
  });

  it('rejects malformed input without sending, and reports connections without channels', async () => {
    const t = setup();
    expect((await t.notifier.alert({ ...auth, cause: 'Jane Roe' })).status).toBe('invalid');
    expect((await t.notifier.alert({ ...auth, connectionId: 'x/y' })).status).toBe('invalid');
    expect((await t.notifier.alert({ ...auth, severity: 'urgent' as never })).status).toBe('invalid');
    expect((await t.notifier.alert({ ...auth, connectionId: 'silent' })).status).toBe('no_channels');
    expect(t.sentOn()).toEqual([]);
    expect(JSON.stringify(t.logger.lines)).not.toContain('Jane');
  });
});

describe('Notifier persistence', () => {
  it('does not re-alert after a restart and still sends the recovery message', async () => {
    const store = new InMemoryNotificationStateStore();
    const before = setup({ store });
    await before.notifier.alert(auth);
    await before.notifier.alert(auth);

    const after = setup({ store }); // a new process: empty memory, same store
    after.advance(10 * MIN);
    expect((await after.notifier.alert(auth)).status).toBe('suppressed');
    expect(after.sentOn()).toEqual([]);
    expect((await after.notifier.resolve({ connectionId: 'default', cause: 'krayin_auth' })).status).toBe('sent');
    expect(after.sentOn()[0]!.body).toMatch(/^Resolved after 10 min, 2 occurrences suppressed\./);
    const saved = (await store.get('default/krayin_auth'))?.state as NotificationState;
    expect(saved).toMatchObject({ open: false, alerted: true, occurrences: 3, suppressedSinceSent: 0 });
  });
});

describe('Notifier message hygiene', () => {
  it('masks emails, phones and tokens that slip into titles and texts', async () => {
    const t = setup();
    await t.notifier.alert({
      ...auth,
      title: 'Krayin 422 for jane.roe@example.com',
      text: 'phone +31 6 1234 5678 rejected; token 12|abcdefghijklmnop; url https://bot:hunter2@krayin.example.com/api',
    });
    const m = t.sentOn()[0]!;
    const all = `${m.subject}\n${m.body}`;
    for (const leaked of ['jane.roe', 'bot:', '1234 5678', 'abcdefghijklmnop', 'hunter2']) {
      expect(all).not.toContain(leaked);
    }
    expect(m.subject).toContain('[email]');
    expect(m.body).toContain('[phone]');
    expect(m.body).toContain('https://***@krayin.example.com/api');
  });

  it('keeps only the redacted title in the persisted state', async () => {
    const store = new InMemoryNotificationStateStore();
    const t = setup({ store });
    await t.notifier.alert({ ...auth, title: 'Krayin 422 for jane.roe@example.com' });
    expect((await store.get('default/krayin_auth'))?.state.title).toBe('Krayin 422 for [email]');
  });
});
