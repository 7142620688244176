import { createLogger, redact, type LogLevel } from '../../src/logging';

const KRAYIN_TOKEN = '12|' + 'aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zA7b';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('redact: secret-named keys', () => {
  it.each([
    'token',
    'apiToken',
    'api_access_token',
    'KRAYIN_TOKEN',
    'accessToken',
    'secret',
    'webhookSecret',
    'clientSecret',
    'password',
    'PASSWORD',
    'passwd',
    'pass',
    'authorization',
    'Authorization',
    'cookie',
    'set-cookie',
    'apiKey',
    'api_key',
    'x-api-key',
    'credentials',
  ])('masks the value of %s', (key) => {
    expect(redact({ [key]: 'value-123', other: 'kept' })).toEqual({ [key]: '***', other: 'kept' });
  });

  it('masks a whole object, number or empty value under a secret key', () => {
    expect(redact({ auth: { user: 'u', pass: 'p' }, credentials: { user: 'u' }, token: 42, secret: null })).toEqual({
      auth: { user: 'u', pass: '***' },
      credentials: '***',
      token: '***',
      secret: '***',
    });
  });

  it('masks at any depth, in arrays too', () => {
    const input = {
      connection: {
        krayin: { url: 'http://krayin.local/api/v1', token: KRAYIN_TOKEN },
        chatwoot: {
          accounts: [
            { id: 1, apiToken: 'cw-abc' },
            { id: 2, webhookSecret: 'whsec' },
          ],
        },
      },
      headers: [{ Authorization: 'Bearer abc' }],
    };
    expect(redact(input)).toEqual({
      connection: {
        krayin: { url: 'http://krayin.local/api/v1', token: '***' },
        chatwoot: {
          accounts: [
            { id: 1, apiToken: '***' },
            { id: 2, webhookSecret: '***' },
          ],
        },
      },
      headers: [{ Authorization: '***' }],
    });
  });

  it('keeps non-secret keys that only look similar', () => {
    const input = { key: 'default:krayin_auth', keys: ['a'], passes: 3, author: 'bot', monkey: 1 };
    expect(redact(input)).toEqual(input);
  });
});

describe('redact: text', () => {
  it.each([
    ['an email', 'person jane.roe+crm@example.co.uk failed', 'person [email] failed'],
    ['an email in an exception text', 'duplicate key (email)=(bob@acme.io)', 'duplicate key (email)=([email])'],
    ['a German mobile with spaces', 'phone +49 151 23456789 rejected', 'phone [phone] rejected'],
    ['a compact international phone', 'phone +4915123456789', 'phone [phone]'],
    ['an international phone with punctuation', 'call +1 (555) 123-4567', 'call [phone]'],
    ['a national phone', 'tel 0151 2345 6789', 'tel [phone]'],
    ['a Krayin token', `token ${KRAYIN_TOKEN} refused`, 'token *** refused'],
    ['a bearer token', 'Authorization: Bearer eyJhbGciOi.J9xyz-123', 'Authorization: Bearer ***'],
    ['a basic credential', 'Basic dXNlcjpwYXNz', 'Basic ***'],
    [
      'URL credentials',
      'connect postgres://sync:s3cret@db:5432/sync failed',
      'connect postgres://***@db:5432/sync failed',
    ],
    ['URL credentials over https', 'GET https://user:pass@krayin.example/api', 'GET https://***@krayin.example/api'],
    ['a secret assignment', 'query password=hunter2&user=x', 'query password=***&user=x'],
  ])('masks %s', (_case, input, expected) => {
    expect(redact(input)).toBe(expected);
    expect(redact({ detail: input })).toEqual({ detail: expected });
    expect(redact([[input]])).toEqual([[expected]]);
  });

  it.each([
    'contact 123456789 parked',
    'contact:default:4711',
    'POST /contacts/persons: HTTP 422 validation failed (fields emails.0.value)',
    '2025-01-31T12:30:45.123Z',
    'at 2025-01-31 12:30:45 UTC',
    '127.0.0.1:7233',
    'http://krayin.local:8000/api/v1',
    '550e8400-e29b-41d4-a716-446655440000',
    'sync-worker.krayin.default',
    '3 of 12 syncs parked (25%)',
    'webhook URL token rejected',
  ])('keeps ids, dates, addresses and routes readable: %s', (input) => {
    expect(redact(input)).toBe(input);
  });

  it.each([
    ['a v4 UUID delivery id', 'delivery 11111111-2222-4333-8444-555555555555 accepted'],
    ['an upper-case UUID', 'run 6F9619FF-8B86-4011-B42D-00C04FC96411 failed'],
    [
      'a UUID in a workflow run URL',
      '/namespaces/default/workflows/contact:default:7/0195c1a2-0000-7000-8000-000012345678',
    ],
    ['a hyphenated id with letters', 'delivery msg-2024-1234-5678 held'],
    ['an underscored id with letters', 'event evt_0151_2345_6789 seen'],
  ])('keeps id-shaped tokens intact: %s', (_case, input) => {
    expect(redact(input)).toBe(input);
    expect(redact({ deliveryId: input })).toEqual({ deliveryId: input });
  });

  it('still masks a phone next to an id', () => {
    expect(redact('delivery 11111111-2222-4333-8444-555555555555 from 555-123-4567')).toBe(
      'delivery 11111111-2222-4333-8444-555555555555 from [phone]',
    );
    expect(redact('id 6f9619ff-8b86-4011-b42d-00c04fc96411, phone +49 151 23456789')).toBe(
      'id 6f9619ff-8b86-4011-b42d-00c04fc96411, phone [phone]',
    );
  });

  it('masks emails and phones in keys too', () => {
    expect(redact({ 'jane@example.com': 1, '+49 151 23456789': 2, 42: 3 })).toEqual({
      '[email]': 1,
      '[phone]': 2,
      42: 3,
    });
  });
});

describe('redact: values', () => {
  it('keeps numbers, booleans, null and undefined', () => {
    expect(redact({ contactId: 4711, ok: true, parked: false, note: null, missing: undefined, ms: 12.5 })).toEqual({
      contactId: 4711,
      ok: true,
      parked: false,
      note: null,
      missing: undefined,
      ms: 12.5,
    });
    expect(redact(7)).toBe(7);
    expect(redact(null)).toBeNull();
  });

  it('keeps arrays as arrays', () => {
    const out = redact({ ids: [1, 2, 3], emails: ['a@b.example', 'x'] });
    expect(out).toEqual({ ids: [1, 2, 3], emails: ['[email]', 'x'] });
    expect(Array.isArray((out as { ids: unknown }).ids)).toBe(true);
  });

  it('does not mutate its input', () => {
    const input = deepFreeze({
      token: 't',
      nested: { email: 'jane@example.com', list: [{ password: 'p', phone: '+49 151 23456789' }] },
    });
    const before = structuredClone(input);
    const out = redact(input);
    expect(input).toEqual(before);
    expect(out).not.toBe(input);
    expect((out as { nested: unknown }).nested).not.toBe(input.nested);
  });

  it('reduces an Error to name and redacted message (no stack)', () => {
    const err = new TypeError('lookup of jane@example.com with 7|abcdefghijkl failed');
    expect(redact({ err })).toEqual({ err: { name: 'TypeError', message: 'lookup of [email] with *** failed' } });
  });

  it('prints a Date as its ISO time and a URL as its redacted address', () => {
    const at = new Date('2025-01-31T12:30:45.000Z');
    expect(redact({ at })).toEqual({ at: '2025-01-31T12:30:45.000Z' });
    expect(redact({ target: new URL('https://user:pw@krayin.example/api?x=1') })).toEqual({
      target: 'https://***@krayin.example/api?x=1',
    });
  });

  it('turns bigints into strings, which JSON can print', () => {
    const out = redact({ big: 9007199254740993n });
    expect(out).toEqual({ big: '9007199254740993' });
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('stops at depth 6, so a cycle neither throws nor leaks', () => {
    const a: Record<string, unknown> = { name: 'a', email: 'jane@example.com' };
    a.self = a;
    a.list = [a];
    const out = redact(a);
    const text = JSON.stringify(out);
    expect(text).toContain('[deep]');
    expect(text).not.toContain('jane@example.com');
    expect((out as { name: string }).name).toBe('a');
  });

  it('masks a secret nested deeper than the limit (as [deep])', () => {
    let v: unknown = { token: 'very-secret-value' };
    for (let i = 0; i < 10; i++) v = { child: v };
    expect(JSON.stringify(redact(v))).not.toContain('very-secret-value');
  });
});

describe('createLogger', () => {
  function capture(level: LogLevel = 'debug', base: object = {}) {
    const lines: { line: Record<string, unknown>; level: LogLevel }[] = [];
    const log = createLogger(level, base, (line, lvl) => lines.push({ line: JSON.parse(line), level: lvl }));
    return { log, lines };
  }

  it('redacts fields, base fields and the message', () => {
    const { log, lines } = capture('debug', { connectionId: 'default', apiToken: 'tok' });
    log
      .child({ webhookSecret: 's' })
      .warn(
        { contactId: 4711, detail: 'bob@acme.io', auth: { password: 'p' } },
        `lookup of jane@example.com / +49 151 23456789 with Bearer ${KRAYIN_TOKEN} failed for contact 4711`,
      );
    expect(lines).toHaveLength(1);
    const { line, level } = lines[0]!;
    expect(level).toBe('warn');
    expect(line).toMatchObject({
      level: 'warn',
      connectionId: 'default',
      apiToken: '***',
      webhookSecret: '***',
      contactId: 4711,
      detail: '[email]',
      auth: { password: '***' },
      msg: 'lookup of [email] / [phone] with Bearer *** failed for contact 4711',
    });
    expect(typeof line.time).toBe('string');
  });

  it('omits msg when none is given and filters by level', () => {
    const { log, lines } = capture('info');
    log.debug({ a: 1 }, 'hidden');
    log.info({ a: 2 });
    log.error({ err: new Error('boom') }, 'failed');
    expect(lines.map((l) => l.level)).toEqual(['info', 'error']);
    expect(lines[0]!.line).not.toHaveProperty('msg');
    expect(lines[1]!.line).toMatchObject({ err: { name: 'Error', message: 'boom' }, msg: 'failed' });
  });
});
