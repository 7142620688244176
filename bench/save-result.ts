/**
 * Writes a benchmark's figures as JSON under bench/results/ (name-<ISO time>.json) and says where.
 * `label` (e.g. "before", "after") goes into the file name when given, so runs of two code versions
 * sit side by side.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function saveResult(name: string, result: Record<string, unknown>, label?: string): string {
  const date = new Date().toISOString();
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}${label ? `-${label}` : ''}-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ benchmark: name, label: label ?? null, date, ...result }, null, 2)}\n`);
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
  return file;
}

/** "METHOD /path" with numeric ids as {id}, the form the docs' call lists use. */
export function routeOf(c: { method: string; path: string }): string {
  return `${c.method} ${c.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
}
