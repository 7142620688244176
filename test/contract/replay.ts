/**
 * Replays krayin-contract scenarios (format krayin-contract/v1, see
 * ../../../shared/krayin-contract/README.md §2-6) against a Krayin base URL and reports the differences
 * of each response.
 * Comparison follows README §4 exactly: status, the four headers, body kind, then the JSON body
 * with the volatile rules V1-V5.
 */
import fs from 'node:fs';
import path from 'node:path';

export const CONTRACT_DIR = path.resolve(__dirname, '../../../shared/krayin-contract');

type J = unknown;

export interface RecordedResponse {
  status: number;
  headers: Record<'content-type' | 'retry-after' | 'x-ratelimit-limit' | 'x-ratelimit-remaining', string | null>;
  empty_body: boolean;
  json: boolean;
  body: J;
}

export interface Step {
  name: string;
  note?: string;
  request: {
    method: string;
    path: string;
    auth?: 'token' | 'none' | { bearer: string };
    headers?: Record<string, string | null>;
    body?: J;
  };
  repeat?: number;
  capture?: Record<string, string>;
  response?: RecordedResponse;
  responses?: RecordedResponse[];
}

export interface Scenario {
  format: string;
  name: string;
  description: string;
  app_debug: boolean;
  steps: Step[];
}

export function loadScenarios(dir: string): Array<{ file: string; scenario: Scenario }> {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, scenario: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Scenario }));
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const SQLDT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const TOKEN = /^\d+\|[A-Za-z0-9]{20,}$/;
const TS_KEYS = new Set(['created_at', 'updated_at', 'closed_at']);
const TRACE = new Set(['exception', 'file', 'line', 'trace']);

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** UTC calendar date `d` days from today. */
export function utcDate(d: number): string {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate() + d)).toISOString().slice(0, 10);
}

/** §3.1: "{{x}}" alone keeps the variable's JSON type; inside a longer string it is text. */
export function subst(v: J, vars: Record<string, J>): J {
  if (typeof v === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(v);
    if (whole) return vars[whole[1] as string];
    return v.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k]));
  }
  if (Array.isArray(v)) return v.map((x) => subst(x, vars));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, J>).map(([k, x]) => [k, subst(x, vars)]));
  }
  return v;
}

/** §3.3: the four placeholders of recorded responses. */
export function expand(s: string, tpl: Record<string, string>): string {
  return s.replace(/\{\{(base|today|yesterday|tomorrow)\}\}/g, (_, k: string) => tpl[k] as string);
}

/** §4.2-4.3. `ctx` is 'change' for an old/new object of a closed_at change, 'field' inside one. */
export function cmp(
  exp: J,
  act: J,
  at: string,
  depth: number,
  tpl: Record<string, string>,
  out: string[],
  ctx: 'change' | 'field' | null = null,
): void {
  const key = (at.split('.').pop() as string).replace(/\[\d+\]$/, '');
  if (depth === 1 && TRACE.has(key)) {
    if (typeOf(exp) !== typeOf(act)) out.push(`${at}: type ${typeOf(exp)} != ${typeOf(act)}`);
    return;
  }
  if (TS_KEYS.has(key) && typeof exp === 'string' && ISO.test(exp)) {
    if (!(typeof act === 'string' && ISO.test(act))) out.push(`${at}: timestamp ${JSON.stringify(act)}`);
    return;
  }
  if (
    ctx === 'field' &&
    (key === 'value' || key === 'label') &&
    typeof exp === 'string' &&
    (SQLDT.test(exp) || ISO.test(exp))
  ) {
    const re = SQLDT.test(exp) ? SQLDT : ISO;
    if (!(typeof act === 'string' && re.test(act))) out.push(`${at}: datetime ${JSON.stringify(act)}`);
    return;
  }
  if (key === 'token' && typeof exp === 'string' && TOKEN.test(exp)) {
    if (!(typeof act === 'string' && TOKEN.test(act))) out.push(`${at}: token`);
    return;
  }
  if (typeOf(exp) !== typeOf(act)) {
    out.push(`${at}: expected ${typeOf(exp)} ${JSON.stringify(exp)}, got ${typeOf(act)} ${JSON.stringify(act)}`);
    return;
  }
  if (typeof exp === 'string') {
    const e = expand(exp, tpl);
    const head = (s: string) => s.split(' (Connection: ')[0];
    const a = act as string;
    if (e.startsWith('SQLSTATE[') ? head(e) !== head(a) : e !== a)
      out.push(`${at}: ${JSON.stringify(e)} != ${JSON.stringify(a)}`);
  } else if (Array.isArray(exp)) {
    const a = act as J[];
    if (exp.length !== a.length) out.push(`${at}: length ${exp.length} != ${a.length}`);
    else exp.forEach((x, i) => cmp(x, a[i], `${at}[${i}]`, depth + 1, tpl, out));
  } else if (exp && typeof exp === 'object') {
    const eo = exp as Record<string, J>;
    const ao = act as Record<string, J>;
    const ek = Object.keys(eo).sort().join();
    const ak = Object.keys(ao).sort().join();
    if (ek !== ak) {
      out.push(`${at}: keys [${ek}] != [${ak}]`);
      return;
    }
    for (const k of Object.keys(eo)) {
      const child =
        ctx === 'change' ? 'field' : eo.attribute === 'closed_at' && (k === 'old' || k === 'new') ? 'change' : null;
      cmp(eo[k], ao[k], `${at}.${k}`, depth + 1, tpl, out, child);
    }
  } else if (exp !== act) {
    out.push(`${at}: ${JSON.stringify(exp)} != ${JSON.stringify(act)}`);
  }
}

export interface StepResult {
  /** Differences per repetition (empty arrays when conforming). */
  diffs: string[][];
  /** Body of the last response, for captures. */
  lastBody: J;
}

export interface ReplayContext {
  base: string;
  token: string;
  vars: Record<string, J>;
  tpl: Record<string, string>;
}

export function newReplayContext(base: string, token: string): ReplayContext {
  const vars: Record<string, J> = { today: utcDate(0), yesterday: utcDate(-1), tomorrow: utcDate(1) };
  return {
    base,
    token,
    vars,
    tpl: { base, today: vars.today as string, yesterday: vars.yesterday as string, tomorrow: vars.tomorrow as string },
  };
}

function headersFor(req: Step['request'], token: string): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (req.auth === undefined || req.auth === 'token') headers.Authorization = `Bearer ${token}`;
  else if (req.auth !== 'none') headers.Authorization = `Bearer ${req.auth.bearer}`;
  if (req.body !== undefined) headers['Content-Type'] = 'application/json';
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === name.toLowerCase()) delete headers[k];
    if (value !== null) headers[name] = value;
  }
  return headers;
}

const HEADER_NAMES = ['content-type', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining'] as const;

/** Sends a step (N times for `repeat`), compares every answer, then applies its captures. */
export async function replayStep(step: Step, rc: ReplayContext): Promise<StepResult> {
  const req = subst(step.request, rc.vars) as Step['request'];
  const headers = headersFor(req, rc.token);
  const expected = step.repeat ? (step.responses ?? []) : [step.response as RecordedResponse];
  const diffs: string[][] = [];
  let lastBody: J = null;
  for (const exp of expected) {
    const res = await fetch(rc.base + req.path, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      redirect: 'manual',
    });
    const text = await res.text();
    let json = false;
    let body: J = text.length ? text : null;
    if (text.length) {
      try {
        body = JSON.parse(text) as J;
        json = true;
      } catch {
        // not JSON: compared as text
      }
    }
    lastBody = body;
    const d: string[] = [];
    if (res.status !== exp.status) d.push(`status ${exp.status} != ${res.status}`);
    for (const h of HEADER_NAMES) {
      const e = exp.headers[h];
      const a = res.headers.get(h);
      const media = (s: string) => (s.split(';')[0] as string).trim().toLowerCase();
      if ((e === null) !== (a === null)) d.push(`header ${h}: ${JSON.stringify(e)} != ${JSON.stringify(a)}`);
      else if (e !== null && a !== null && h === 'content-type' && media(e) !== media(a))
        d.push(`content-type ${e} != ${a}`);
      else if (e !== null && a !== null && h === 'retry-after' && !(/^\d+$/.test(a) && Number(a) <= 60))
        d.push(`retry-after ${a}`);
      else if (e !== null && h.startsWith('x-') && e !== a) d.push(`${h} ${e} != ${a}`);
    }
    if (exp.empty_body !== (text.length === 0) || exp.json !== json)
      d.push(`body kind: empty=${text.length === 0} json=${json}`);
    else if (exp.json) cmp(exp.body, body, 'body', 0, rc.tpl, d);
    else if (!exp.empty_body && expand(String(exp.body), rc.tpl) !== text) d.push('text body differs');
    diffs.push(d);
  }
  for (const [name, p] of Object.entries(step.capture ?? {})) {
    rc.vars[name] = String(p)
      .split('.')
      .reduce<J>((o, k) => (o === null || o === undefined ? undefined : (o as Record<string, J>)[k]), lastBody);
    if (rc.vars[name] === undefined) diffs.push([`capture ${name}: ${p} missing in the response`]);
  }
  return { diffs, lastBody };
}
