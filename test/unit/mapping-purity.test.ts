/**
 * src/mapping also runs in Temporal workflow code: no Node built-ins (hash.ts, used by activities
 * only, is the exception), no clocks, no randomness. Checked on the source text.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../../src/mapping/sha256';

const DIR = path.resolve(__dirname, '../../src/mapping');
const sources = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => [f, readFileSync(path.join(DIR, f), 'utf8')] as const);

describe('src/mapping purity', () => {
  it('has source files to check', () => {
    expect(sources.map(([f]) => f)).toEqual(expect.arrayContaining(['contact.ts', 'hash.ts', 'coerce.ts']));
  });

  it.each(sources.filter(([f]) => f !== 'hash.ts'))('%s imports no Node built-in', (_, text) => {
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');
    const builtins = ['crypto', 'fs', 'path', 'os', 'http', 'https', 'net', 'util', 'child_process', 'process'];
    expect(imports.filter((i) => i.startsWith('node:') || builtins.includes(i))).toEqual([]);
    expect(imports.filter((i) => !i.startsWith('.') && i !== 'libphonenumber-js')).toEqual([]);
  });

  it.each(sources)('%s reads no clock and no randomness', (_, text) => {
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random|performance\.now|process\.env/);
  });
});

describe('sha256Hex (pure JS, for placeholder emails in workflow code)', () => {
  it.each(['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'x'.repeat(1000), 'jöhn 😀 \u00e9'])(
    'matches node:crypto for %p',
    (text) => {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    },
  );

  it('matches the FIPS 180-2 test vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
