import { emailLocalPart, inspectEmail, isKrayinEmail, normalizeEmail } from '../../src/mapping/email';

describe('normalizeEmail', () => {
  it('trims and lower-cases (Krayin compares emails case-sensitively)', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM \n')).toBe('jane.doe@example.com');
  });

  it.each([null, undefined, '', '   ', {}, []])('treats %p as absent', (raw) => {
    expect(normalizeEmail(raw)).toBeNull();
    expect(inspectEmail(raw).status).toBe('absent');
  });

  it.each([
    'not-an-email', // the value Krayin answered 422 to (krayin-contract persons-email-rules)
    'jane@',
    '@example.com',
    'jane@@example.com',
    'ja ne@example.com',
    'jane@example',
    'jane@localhost',
    '.jane@example.com',
    'jane.@example.com',
    'ja..ne@example.com',
    'jane@-example.com',
    'jane@example-.com',
    'jane@example..com',
    'jane@example.com.',
    'jane@192.168.0.1',
    'jane@[127.0.0.1]',
    '"jane doe"@example.com',
    'jane@exa_mple.com',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(64)}.com`,
    `a@${'b.'.repeat(126)}com`,
  ])('treats %p as invalid (no email rather than a Krayin 422)', (raw) => {
    expect(inspectEmail(raw)).toEqual({ status: 'invalid', email: null });
  });

  it.each([
    'jane.doe@example.com',
    'jane+crm@example.co.uk',
    "o'brien@example.ie",
    'x@a.io',
    '4915112345678@no-email.invalid',
    'jöhn@exämple.de',
    `${'a'.repeat(64)}@example.com`,
  ])('accepts %p', (email) => {
    expect(isKrayinEmail(email)).toBe(true);
    expect(normalizeEmail(email)).toBe(email);
  });
});

describe('emailLocalPart', () => {
  it('is the part before the last @', () => {
    expect(emailLocalPart('jane.doe@example.com')).toBe('jane.doe');
    expect(emailLocalPart('no-at-sign')).toBe('no-at-sign');
  });
});
