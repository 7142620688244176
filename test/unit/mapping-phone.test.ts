import { normalizePhone, phoneDigits, toE164 } from '../../src/mapping/phone';

describe('normalizePhone', () => {
  it('keeps Chatwoot E.164 numbers as they are', () => {
    expect(normalizePhone('+4915112345678')).toBe('+4915112345678');
    expect(normalizePhone('+14155552671')).toBe('+14155552671');
  });

  it('normalises formatted international numbers to E.164', () => {
    expect(normalizePhone(' +49 151 1234 5678 ')).toBe('+4915112345678');
    expect(normalizePhone('+91 98765-43210')).toBe('+919876543210');
  });

  it('keeps the trimmed raw value when it cannot be parsed', () => {
    expect(normalizePhone(' 015112345678 ')).toBe('015112345678');
    expect(normalizePhone('ext. 12')).toBe('ext. 12');
    expect(toE164('015112345678')).toBeNull();
  });

  it.each([null, undefined, '', '  ', {}])('treats %p as absent', (raw) => {
    expect(normalizePhone(raw)).toBeNull();
    expect(toE164(raw)).toBeNull();
  });

  it('reads numbers given as JSON numbers', () => {
    expect(normalizePhone(4915112345678)).toBe('4915112345678');
  });
});

describe('phoneDigits', () => {
  it('keeps only digits', () => {
    expect(phoneDigits('+49 (151) 1234-5678')).toBe('4915112345678');
    expect(phoneDigits('abc')).toBe('');
  });
});
