/**
 * Configuration errors. One ConfigError lists every problem at once (fixing a deployment one
 * variable per restart is miserable), each naming the environment variable or JSON path. Messages
 * come from the schema and never contain the configured value: it may be a token or a password.
 */
import type { z } from 'zod';

export interface ConfigIssue {
  /** Environment variable name (e.g. "KRAYIN_TOKEN") or JSON path (e.g. "connections[0].krayin.token"). */
  field: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** The schema's message for an issue (a bad record key reports the key's own rule). */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message;
  return issue.message;
}

/** `connections[0].krayin.token` for ["connections", 0, "krayin", "token"]. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}

/** Whether nothing is configured at `path` of `input` (so "required" is the right complaint). */
export function isMissingAt(input: unknown, path: readonly PropertyKey[]): boolean {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return true;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined;
}

/** Drops repeated (field, message) pairs, keeping the first occurrence's position. */
export function uniqueIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
