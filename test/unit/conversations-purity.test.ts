/**
 * src/conversations and src/rules run in Temporal workflow code: no Node built-ins, no I/O, no clocks,
 * no randomness; only relative imports and zod (for the schemas). Checked on the source text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const sources = ['conversations', 'rules'].flatMap((dir) => {
  const abs = path.resolve(__dirname, '../../src', dir);
  return readdirSync(abs)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [`${dir}/${f}`, readFileSync(path.join(abs, f), 'utf8')] as const);
});

const runtimeImportsOf = (text: string) =>
  [...text.matchAll(/^import (?!type )[^;]*? from '([^']+)'/gm)].map((m) => m[1] ?? '');

describe('src/conversations and src/rules purity', () => {
  it('has source files to check', () => {
    expect(sources.map(([f]) => f)).toEqual(
      expect.arrayContaining(['conversations/activity.ts', 'conversations/snapshot.ts', 'rules/stage-move.ts']),
    );
    // The import scan sees multi-line imports and skips type-only ones.
    const activity = sources.find(([f]) => f === 'conversations/activity.ts')?.[1] ?? '';
    expect(runtimeImportsOf(activity)).toEqual(expect.arrayContaining(['../mapping/sha256', './marker']));
    expect(runtimeImportsOf(activity)).not.toContain('../chatwoot/api-schemas');
  });

  it.each(sources)('%s imports only relative modules and zod, and nothing that does I/O', (_, text) => {
    const runtimeImports = runtimeImportsOf(text);
    expect(runtimeImports.filter((i) => !i.startsWith('.') && i !== 'zod')).toEqual([]);
    // Type-only imports are erased; runtime imports must stay inside the pure modules.
    expect(runtimeImports.filter((i) => /\/(krayin|chatwoot|store|config|ingest|notify)\//.test(i))).toEqual([]);
    expect(runtimeImports.filter((i) => i.endsWith('/mapping/hash'))).toEqual([]);
  });

  it.each(sources)('%s reads no clock and no randomness', (_, text) => {
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random|performance\.now|process\.env|new TextEncoder/);
  });
});
