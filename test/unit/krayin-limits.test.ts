import {
  TEXT_MAX_BYTES,
  toWellFormed,
  truncateChars,
  truncateHtmlBytes,
  truncateUtf8Bytes,
  VARCHAR_MAX_CHARS,
} from '../../src/krayin/limits';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const codePoints = (s: string) => Array.from(s).length;

describe('truncateChars (varchar 255)', () => {
  it('keeps short values unchanged', () => {
    expect(truncateChars('Jane Doe')).toBe('Jane Doe');
  });

  it('cuts ASCII at 255 characters', () => {
    expect(truncateChars('a'.repeat(300))).toBe('a'.repeat(VARCHAR_MAX_CHARS));
  });

  it('counts an emoji (a surrogate pair) as one character and never splits it', () => {
    const s = '😀'.repeat(300);
    const out = truncateChars(s);
    expect(codePoints(out)).toBe(255);
    expect(out).toBe('😀'.repeat(255));
  });

  it('does not leave half a surrogate pair at the boundary', () => {
    const s = 'a'.repeat(254) + '😀' + 'b';
    expect(truncateChars(s)).toBe('a'.repeat(254) + '😀');
    expect(truncateChars(s, 254)).toBe('a'.repeat(254));
  });
});

describe('truncateUtf8Bytes (text 64 KB)', () => {
  it('keeps values that fit', () => {
    expect(truncateUtf8Bytes('héllo')).toBe('héllo');
  });

  it('cuts 3-byte characters on a code-point boundary', () => {
    const s = '€'.repeat(30_000); // 90 000 bytes
    const out = truncateUtf8Bytes(s);
    expect(bytes(out)).toBeLessThanOrEqual(TEXT_MAX_BYTES);
    expect(bytes(out)).toBe(65_535); // 21 845 × 3
    expect(out).toBe('€'.repeat(21_845));
  });

  it('never splits a 4-byte character', () => {
    const s = 'a'.repeat(65_533) + '😀'; // 65 537 bytes; the emoji does not fit
    const out = truncateUtf8Bytes(s);
    expect(out).toBe('a'.repeat(65_533));
    expect(toWellFormed(out)).toBe(out);
  });

  it('mixes 1-, 2-, 3- and 4-byte characters and stays valid UTF-8', () => {
    const s = 'aé€😀'.repeat(10_000);
    const out = truncateUtf8Bytes(s, 1001);
    expect(bytes(out)).toBeLessThanOrEqual(1001);
    expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
    expect(s.startsWith(out)).toBe(true);
  });
});

describe('truncateHtmlBytes', () => {
  it('drops a tag cut in half', () => {
    const s = '<p>' + 'x'.repeat(20) + '<a href="https://example.com">link</a></p>';
    expect(truncateHtmlBytes(s, 30)).toBe('<p>' + 'x'.repeat(20));
  });

  it('drops an entity cut in half', () => {
    expect(truncateHtmlBytes('Tom &amp; Jerry', 7)).toBe('Tom ');
  });

  it('leaves HTML that fits untouched, even ending in an ampersand', () => {
    expect(truncateHtmlBytes('a &', 100)).toBe('a &');
  });
});

describe('toWellFormed', () => {
  it('replaces unpaired surrogates that PHP json_decode would reject', () => {
    expect(toWellFormed('a\uD800b')).toBe('a\uFFFDb');
    expect(toWellFormed('a\uDC00')).toBe('a\uFFFD');
    expect(toWellFormed('😀')).toBe('😀');
  });
});
