import { formatDuration, redactNotificationText, renderMessage, slackPayload } from '../../src/notify';

describe('redactNotificationText', () => {
  it.each([
    ['an email', 'person jane.roe+crm@example.co.uk failed', 'person [email] failed'],
    ['an international phone', 'number +1 (555) 123-4567 is invalid', 'number [phone] is invalid'],
    ['a compact international phone', 'number +31612345678.', 'number [phone].'],
    ['a national phone with dashes', 'call 555-123-4567 now', 'call [phone] now'],
    ['a national phone with parentheses', 'call (555) 123 4567', 'call [phone]'],
    ['a Dutch mobile', 'tel 06 1234 5678', 'tel [phone]'],
    ['URL credentials', 'smtp://alerts:s3cret@mail.example.com:587', 'smtp://***@mail.example.com:587'],
    ['a bearer token', 'Authorization: Bearer abc.def-123456', 'Authorization: Bearer ***'],
    ['a Krayin token', 'token 3|AbCdEfGhIjKlMnOp', 'token ***'],
    ['a secret assignment', 'password=hunter2&user=x', 'password=***&user=x'],
  ])('masks %s', (_case, input, expected) => {
    expect(redactNotificationText(input)).toBe(expected);
  });

  it.each([
    'contact 123456789 parked',
    'POST /contacts/persons answered 422',
    'at 2025-01-31 12:30:45 UTC',
    'Krayin at http://192.168.100.200:8000/api/v1',
    '3 of 12 syncs parked (25%)',
    'Token accepted again.',
  ])('leaves ids, dates, addresses and routes alone: %s', (input) => {
    expect(redactNotificationText(input)).toBe(input);
  });
});

describe('renderMessage', () => {
  const base = {
    connectionId: 'default',
    cause: 'krayin_auth',
    severity: 'critical' as const,
    title: 'Krayin\r\nBcc: attacker@example.com',
    text: 'x',
    openForMs: 0,
    suppressed: 0,
    occurrences: 1,
  };

  it('keeps the subject on one line (no header injection) and redacted', () => {
    const m = renderMessage({ ...base, kind: 'alert' });
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.subject).toBe('[chatwoot-krayin-sync] CRITICAL default: Krayin Bcc: [email]');
  });

  it('clips very long titles and texts', () => {
    const m = renderMessage({ ...base, kind: 'alert', title: 'a'.repeat(1_000), text: 'b'.repeat(10_000) });
    expect(m.subject.length).toBeLessThanOrEqual(200);
    expect(m.body.length).toBeLessThan(4_500);
  });

  it.each([
    [0, '<1 min'],
    [59_999, '<1 min'],
    [12 * 60_000, '12 min'],
    [60 * 60_000, '1 h'],
    [185 * 60_000, '3 h 5 min'],
    [52 * 3_600_000, '2 d 4 h'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('slackPayload', () => {
  const m = renderMessage({
    kind: 'alert',
    connectionId: 'default',
    cause: 'krayin_auth',
    severity: 'warning',
    title: 'Krayin <b>&</b>',
    text: 'see <https://evil.example|here>',
    openForMs: 0,
    suppressed: 0,
    occurrences: 1,
  });

  it('escapes Slack control characters and adds blocks', () => {
    const p = slackPayload(m, 'slack') as { text: string; blocks: { text: { text: string } }[] };
    expect(p.text).toContain('Krayin &lt;b&gt;&amp;&lt;/b&gt;');
    expect(p.text).not.toContain('<https://evil');
    expect(p.blocks).toHaveLength(2);
    expect(p.blocks[0]!.text.text).toMatch(/^:warning: \*/);
  });

  it('sends only {text} in plain style', () => {
    const p = slackPayload(m, 'plain');
    expect(Object.keys(p)).toEqual(['text']);
  });
});
