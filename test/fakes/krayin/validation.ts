/**
 * The slice of Laravel 10's validator Krayin's form requests use, with its ordering rules:
 * plain keys are validated in declaration order, wildcard keys ("emails.*.value") are expanded
 * and appended after all plain keys, a failed implicit rule (required*) stops that attribute,
 * other rules skip empty strings, missing keys and nulls of `nullable` fields. The first message
 * becomes the 422 `message`, with "(and N more errors)".
 */
import { KrayinError } from './errors';
import { isObject, phpIsNumeric, phpNumberToString, phpToString, strSnake } from './php';

export type Rule =
  | { kind: 'required' }
  | { kind: 'nullable' }
  | { kind: 'email' }
  | { kind: 'numeric' }
  | { kind: 'url' }
  | { kind: 'required_if'; other: string; values: string[] }
  | { kind: 'required_unless'; other: string; values: string[] }
  | { kind: 'date_format'; format: 'Y-m-d' }
  | { kind: 'after'; date: string }
  /** A custom rule object or closure: returns a message when it fails. */
  | { kind: 'custom'; check: (field: string, value: unknown) => string | null };

export type RuleSet = Array<[string, Rule[]]>;

const IMPLICIT = new Set(['required', 'required_if', 'required_unless']);

/** data_get with dotted keys over arrays and objects. */
export function dataGet(data: unknown, key: string): { present: boolean; value: unknown } {
  let cur: unknown = data;
  for (const seg of key.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg)) cur = cur[seg];
    else return { present: false, value: null };
  }
  return { present: true, value: cur };
}

/** Concrete keys a wildcard rule applies to ("emails.*.value" -> "emails.0.value", ...). */
function expandWildcard(data: unknown, pattern: string): string[] {
  const segs = pattern.split('.');
  const walk = (cur: unknown, i: number, prefix: string[]): string[] => {
    if (i === segs.length) return [prefix.join('.')];
    const seg = segs[i] as string;
    if (seg === '*') {
      const keys = Array.isArray(cur) ? cur.map((_, k) => String(k)) : isObject(cur) ? Object.keys(cur) : [];
      return keys.flatMap((k) =>
        walk(Array.isArray(cur) ? cur[Number(k)] : (cur as Record<string, unknown>)[k], i + 1, [...prefix, k]),
      );
    }
    // Laravel initialises missing leaves under a wildcard to null, so "emails.0.value" exists
    // (as null) for an element without a value; non-array elements yield nothing.
    if (Array.isArray(cur) || isObject(cur)) {
      const next = dataGet(cur, seg);
      return walk(next.present ? next.value : null, i + 1, [...prefix, seg]);
    }
    return i === 0 ? walk(undefined, i + 1, [...prefix, seg]) : [];
  };
  return walk(data, 0, []);
}

export function displayName(key: string): string {
  return strSnake(key).replace(/_/g, ' ');
}

function isEmptyForRequired(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

/** RFC-ish address check in the spirit of egulias RFCValidation (Laravel's default `email`). */
export function isValidEmail(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const at = v.lastIndexOf('@');
  if (at <= 0 || at === v.length - 1) return false;
  const local = v.slice(0, at);
  const domain = v.slice(at + 1);
  const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uFFFF]+";
  const localOk = new RegExp(`^${atom}(\\.${atom})*$`).test(local) || /^"([^"\\\r\n]|\\.)*"$/.test(local);
  const label = '[A-Za-z0-9\\u0080-\\uFFFF]([A-Za-z0-9\\u0080-\\uFFFF-]*[A-Za-z0-9\\u0080-\\uFFFF])?';
  const domainOk = new RegExp(`^${label}(\\.${label})*$`).test(domain) || /^\[[0-9A-Fa-f:.]+\]$/.test(domain);
  return localOk && domainOk && local.length <= 64 && domain.length <= 255;
}

function matchesYmd(v: unknown): boolean {
  if (typeof v !== 'string' && typeof v !== 'number') return false;
  const s = typeof v === 'number' ? phpNumberToString(v) : v;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.toISOString().slice(0, 10) === s;
}

function messageFor(rule: Rule, key: string): string {
  const attr = displayName(key);
  switch (rule.kind) {
    case 'required':
      return `The ${attr} field is required.`;
    case 'email':
      return `The ${attr} must be a valid email address.`;
    case 'numeric':
      return `The ${attr} must be a number.`;
    case 'url':
      return `The ${attr} must be a valid URL.`;
    case 'required_if':
      return `The ${attr} field is required when ${displayName(rule.other)} is ${rule.values.join(', ')}.`;
    case 'required_unless':
      return `The ${attr} field is required unless ${displayName(rule.other)} is in ${rule.values.join(', ')}.`;
    case 'date_format':
      return `The ${attr} does not match the format ${rule.format}.`;
    case 'after':
      return `The ${attr} must be a date after ${rule.date}.`;
    default:
      return `The ${attr} is invalid.`;
  }
}

function passes(rule: Rule, key: string, value: unknown, data: unknown, rules: Rule[]): string | null {
  switch (rule.kind) {
    case 'required':
      return isEmptyForRequired(value) ? messageFor(rule, key) : null;
    case 'required_if': {
      const other = phpToString(dataGet(data, rule.other).value);
      return rule.values.includes(other) && isEmptyForRequired(value) ? messageFor(rule, key) : null;
    }
    case 'required_unless': {
      const o = dataGet(data, rule.other).value;
      const inValues = o !== null && o !== undefined && rule.values.includes(phpToString(o));
      return !inValues && isEmptyForRequired(value) ? messageFor(rule, key) : null;
    }
    case 'nullable':
      return null;
    case 'email':
      return isValidEmail(value) ? null : messageFor(rule, key);
    case 'numeric':
      return phpIsNumeric(value) ? null : messageFor(rule, key);
    case 'url': {
      if (typeof value !== 'string') return messageFor(rule, key);
      try {
        const u = new URL(value);
        return /^[a-z][a-z0-9+.-]*:$/i.test(u.protocol) && (u.host !== '' || u.protocol === 'mailto:')
          ? null
          : messageFor(rule, key);
      } catch {
        return messageFor(rule, key);
      }
    }
    case 'date_format':
      return matchesYmd(value) ? null : messageFor(rule, key);
    case 'after': {
      // With a date_format rule Laravel parses with that format (midnight); unparsable fails.
      const hasFormat = rules.some((r) => r.kind === 'date_format');
      const s = typeof value === 'string' ? value : null;
      const ok = s !== null && (hasFormat ? matchesYmd(s) : !Number.isNaN(Date.parse(s)));
      return ok && (s as string).slice(0, 10) > rule.date ? null : messageFor(rule, key);
    }
    case 'custom':
      return rule.check(key, value);
  }
}

/** Runs the rules; throws the 422 KrayinError when anything fails. */
export function validate(data: unknown, ruleSet: RuleSet): void {
  const plain: RuleSet = [];
  const expanded: RuleSet = [];
  for (const [key, rules] of ruleSet) {
    if (key.includes('*')) {
      for (const k of expandWildcard(data, key)) {
        const existing = expanded.find(([e]) => e === k);
        if (existing) existing[1].push(...rules);
        else expanded.push([k, [...rules]]);
      }
    } else {
      const existing = plain.find(([e]) => e === key);
      if (existing) existing[1].push(...rules);
      else plain.push([key, [...rules]]);
    }
  }
  const errors: Array<[string, string[]]> = [];
  for (const [key, rules] of [...plain, ...expanded]) {
    const { present, value } = dataGet(data, key);
    const nullable = rules.some((r) => r.kind === 'nullable');
    const messages: string[] = [];
    for (const rule of rules) {
      const implicit = IMPLICIT.has(rule.kind);
      if (!implicit) {
        if (typeof value === 'string' && value.trim() === '') continue;
        if (!present) continue;
        if (nullable && value === null) continue;
      }
      const failed = passes(rule, key, value, data, rules);
      if (failed !== null) {
        messages.push(failed);
        if (implicit) break;
      }
    }
    if (messages.length) errors.push([key, messages]);
  }
  if (errors.length) throw KrayinError.validation(errors);
}
