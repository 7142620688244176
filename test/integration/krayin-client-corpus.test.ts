/**
 * "The client survives everything the corpus shows": every recorded Krayin answer in
 * ../shared/krayin-contract/**.json and ../shared/krayin-samples/*.json is served, exactly as recorded
 * (status, headers, body; empty when empty), by a real HTTP server on 127.0.0.1, to the client method that
 * corresponds to the recorded request (or to the low-level `requestJson` when the API has no such method).
 * Each call must end in a typed success or a typed KrayinError, never an untyped crash; the documented
 * cases must end in their specific class. Synthetic cases add the 2.1.0-only answers the corpus (recorded
 * on 2.1.2) cannot contain: "200 + empty body" and the 2.1.0 generic throttle 500.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ActivityInput, KrayinPerson, LeadInput, PersonInput } from '../../src/krayin/api';
import { anyJson } from '../../src/krayin/schemas';
import { KrayinClient } from '../../src/krayin/client';
import { fromKrayinWallTime } from '../../src/krayin/datetime';
import {
  isKrayinError,
  KrayinAmbiguousError,
  KrayinAuthError,
  KrayinError,
  KrayinNotFoundError,
  KrayinRateLimitedError,
  KrayinTransientError,
  KrayinValidationError,
} from '../../src/krayin/errors';

const SHARED = path.resolve(__dirname, '../../../shared');
const TOKEN = '5|corpusTokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

// ---------------------------------------------------------------- the corpus as cases

interface Served {
  status: number;
  headers: [string, string][];
  /** Exact bytes to send. */
  text: string;
}

interface Case {
  name: string;
  method: string;
  /** Path below the API base, query included. */
  path: string;
  body: unknown;
  served: Served;
  /** The parsed JSON body, when it is JSON. */
  json: unknown;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const utcDate = (days: number) => {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate() + days)).toISOString().slice(0, 10);
};
const DATES: Record<string, string> = { today: utcDate(0), yesterday: utcDate(-1), tomorrow: utcDate(1) };

/** Request variables: dates as dates, every captured id as 1 (the served answer does not depend on it). */
function substitute(v: Json): Json {
  if (typeof v === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(v);
    if (whole) return DATES[whole[1]!] ?? 1;
    return v.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => DATES[k] ?? '1');
  }
  if (Array.isArray(v)) return v.map(substitute);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x)]));
  return v;
}

/** Response templates ({{base}}, dates) expanded for our server. */
function expand(v: Json, base: string): Json {
  if (typeof v === 'string') {
    return v.replace(/\{\{(base|today|yesterday|tomorrow)\}\}/g, (_m, k: string) => (k === 'base' ? base : DATES[k]!));
  }
  if (Array.isArray(v)) return v.map((x) => expand(x, base));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x, base)]));
  return v;
}

interface ContractResponse {
  status: number;
  headers: Record<string, string | null>;
  empty_body: boolean;
  json: boolean;
  body: Json;
}

function contractCases(base: string): Case[] {
  const files = [
    ...fs.readdirSync(path.join(SHARED, 'krayin-contract')).map((f) => path.join('krayin-contract', f)),
    ...fs
      .readdirSync(path.join(SHARED, 'krayin-contract/debug-false'))
      .map((f) => path.join('krayin-contract/debug-false', f)),
  ].filter((f) => f.endsWith('.json'));
  const cases: Case[] = [];
  for (const file of files) {
    const scenario = JSON.parse(fs.readFileSync(path.join(SHARED, file), 'utf8')) as {
      steps: {
        name: string;
        request: { method: string; path: string; body?: Json };
        response?: ContractResponse;
        responses?: ContractResponse[];
      }[];
    };
    scenario.steps.forEach((step, i) => {
      const responses = step.responses ?? (step.response ? [step.response] : []);
      responses.forEach((r, j) => {
        const headers: [string, string][] = Object.entries(r.headers).filter(
          (e): e is [string, string] => e[1] !== null,
        );
        const body = r.body === null ? null : expand(r.body, base);
        const text = r.empty_body ? '' : r.json ? JSON.stringify(body) : String(body);
        cases.push({
          name: `${file} step ${i + 1}${responses.length > 1 ? `.${j + 1}` : ''} (${step.name})`,
          method: step.request.method,
          path: String(substitute(step.request.path)),
          body: step.request.body === undefined ? undefined : substitute(step.request.body),
          served: { status: r.status, headers, text },
          json: r.json && !r.empty_body ? body : undefined,
        });
      });
    });
  }
  return cases;
}

/** Headers that describe the recorded connection, not the answer: our server sets its own. */
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'date', 'x-powered-by']);

function sampleCases(base: string): Case[] {
  const dir = path.join(SHARED, 'krayin-samples');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const s = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
        request: { method: string; url: string; body: Json };
        response: { status: number; headers: [string, string][]; body: Json; body_is_json: boolean };
      };
      const r = s.response;
      const body = r.body === null ? null : expand(r.body, base);
      const text = r.body === null || r.body === '' ? '' : r.body_is_json ? JSON.stringify(body) : String(body);
      return {
        name: `krayin-samples/${file}`,
        method: s.request.method,
        path: s.request.url.replace(/^https?:\/\/[^/]+\/api\/v1/, ''),
        body: s.request.body ?? undefined,
        served: { status: r.status, headers: r.headers.filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())), text },
        json: r.body_is_json ? body : undefined,
      };
    });
}

// ---------------------------------------------------------------- the replay server

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

let server: http.Server;
let base: string;
let serving: Served = { status: 500, headers: [], text: '' };
let seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const headers: Record<string, string> = {};
      for (const [k, v] of serving.headers) if (!HOP_BY_HOP.has(k.toLowerCase())) headers[k] = v;
      res.writeHead(serving.status, headers);
      res.end(serving.text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  await client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let clientInstance: KrayinClient | undefined;
const client = {
  get(): KrayinClient {
    clientInstance ??= new KrayinClient({ baseUrl: base, token: TOKEN, timezone: 'UTC', timeoutMs: 5000 });
    return clientInstance;
  },
  close: async () => clientInstance?.close(),
};

// ---------------------------------------------------------------- request -> client method

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const rows = (v: unknown) =>
  (Array.isArray(v) ? v : [])
    .map(asObj)
    .filter((r) => typeof r.value === 'string')
    .map((r) => ({ value: r.value as string, label: typeof r.label === 'string' ? r.label : 'work' }));

function personInput(b: Obj): PersonInput {
  return {
    name: typeof b.name === 'string' ? b.name : '',
    emails: rows(b.emails),
    contact_numbers: rows(b.contact_numbers),
    ...(typeof b.job_title === 'string' ? { job_title: b.job_title } : {}),
    ...(b.organization_id !== undefined ? { organization_id: b.organization_id as number | null } : {}),
    // Given explicitly so the corpus answer goes to the PUT itself (the read-before-PUT is tested elsewhere).
    user_id: typeof b.user_id === 'number' ? b.user_id : null,
  };
}

function leadInput(b: Obj): LeadInput {
  return {
    title: typeof b.title === 'string' ? b.title : '',
    lead_pipeline_stage_id: b.lead_pipeline_stage_id as number,
    ...(b.lead_value !== undefined ? { lead_value: b.lead_value as number | string | null } : {}),
    ...(typeof b.lead_source_id === 'number' ? { lead_source_id: b.lead_source_id } : {}),
    ...(typeof b.lead_type_id === 'number' ? { lead_type_id: b.lead_type_id } : {}),
    ...(typeof b.user_id === 'number' ? { user_id: b.user_id } : {}),
    ...(typeof b.description === 'string' ? { description: b.description } : {}),
    ...(typeof b.expected_close_date === 'string' ? { expected_close_date: b.expected_close_date } : {}),
  };
}

function when(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  return /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/.test(v) ? fromKrayinWallTime(v, 'UTC') : new Date(v);
}

function activityInput(b: Obj): Partial<ActivityInput> {
  const out: Partial<ActivityInput> = {};
  if (typeof b.type === 'string') out.type = b.type;
  if (typeof b.title === 'string') out.title = b.title;
  if (typeof b.comment === 'string') out.comment = b.comment;
  if (typeof b.location === 'string') out.location = b.location;
  if (b.is_done === 0 || b.is_done === 1) out.is_done = b.is_done;
  if (typeof b.lead_id === 'number') out.lead_id = b.lead_id;
  if (typeof b.person_id === 'number') out.person_id = b.person_id;
  if (b.participants) out.participants = b.participants as ActivityInput['participants'];
  const from = when(b.schedule_from);
  const to = when(b.schedule_to);
  if (from) out.schedule_from = from;
  if (to) out.schedule_to = to;
  return out;
}

/** Which API method a recorded request corresponds to, and how to call it. */
interface Route {
  method: string;
  call: (c: KrayinClient) => Promise<unknown>;
}

function route(method: string, fullPath: string, rawBody: unknown): Route {
  const [p = '', q = ''] = fullPath.split('?');
  const query = new URLSearchParams(q);
  const b = asObj(rawBody);
  const id = Number(/\/(\d+)(?:\/|$)/.exec(p)?.[1] ?? NaN);
  const stage = b.lead_pipeline_stage_id;
  const m = (name: string, call: Route['call']): Route => ({ method: name, call });

  const key = `${method} ${p.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
  switch (key) {
    case 'GET /get':
      return m('getCurrentUser', (c) => c.getCurrentUser());
    case 'GET /settings/pipelines':
      if (q === '') return m('listPipelines', (c) => c.listPipelines());
      break;
    case 'GET /settings/sources':
      if (q === '') return m('listSources', (c) => c.listSources());
      break;
    case 'GET /settings/types':
      if (q === '') return m('listTypes', (c) => c.listTypes());
      break;
    case 'GET /settings/users':
      if (q === '') return m('listUsers', (c) => c.listUsers());
      break;
    case 'GET /settings/attributes':
      return m('listAttributes', (c) => c.listAttributes('persons'));
    case 'GET /contacts/persons/search': {
      const [field, ...rest] = (query.get('search') ?? '').split(':');
      const value = rest.join(':');
      if (query.get('searchFields') === 'emails:like' && field === 'emails') {
        return m('findPersonsByEmail', (c) => c.findPersonsByEmail(value));
      }
      if (query.get('searchFields') === 'contact_numbers:like' && field === 'contact_numbers') {
        return m('findPersonsByPhone', (c) => c.findPersonsByPhone(value));
      }
      break;
    }
    case 'GET /contacts/persons/{id}':
      return m('getPerson', (c) => c.getPerson(id));
    case 'POST /contacts/persons':
      return m('createPerson', (c) => c.createPerson(personInput(b)));
    case 'PUT /contacts/persons/{id}':
      return m('updatePerson', (c) => c.updatePerson(id, personInput(b)));
    case 'DELETE /contacts/persons/{id}':
      return m('deletePerson', (c) => c.deletePerson(id));
    case 'GET /contacts/persons/{id}/activities':
      return m('listPersonActivities', (c) => c.listPersonActivities(id));
    case 'GET /contacts/organizations':
      if (query.has('name')) return m('findOrganizationsByName', (c) => c.findOrganizationsByName(query.get('name')!));
      break;
    case 'GET /contacts/organizations/{id}':
      return m('getOrganization', (c) => c.getOrganization(id));
    case 'POST /contacts/organizations':
    case 'PUT /contacts/organizations/{id}': {
      const input = {
        name: typeof b.name === 'string' ? b.name : '',
        ...(b.address ? { address: asObj(b.address) } : {}),
      };
      return method === 'POST'
        ? m('createOrganization', (c) => c.createOrganization(input))
        : m('updateOrganization', (c) => c.updateOrganization(id, input));
    }
    case 'GET /leads':
      if (query.has('person_id'))
        return m('findLeadsByPerson', (c) => c.findLeadsByPerson(Number(query.get('person_id'))));
      break;
    case 'GET /leads/{id}':
      return m('getLead', (c) => c.getLead(id));
    case 'POST /leads': {
      const person = asObj(b.person);
      if (typeof stage !== 'number' || b.person === undefined) break; // not expressible through createLead
      const ref = typeof person.id === 'number' ? { id: person.id } : personInput(person);
      return m('createLead', (c) => c.createLead(leadInput(b), ref));
    }
    case 'PUT /leads/{id}':
      if (typeof stage === 'number') return m('updateLead', (c) => c.updateLead(id, leadInput(b)));
      break;
    case 'PUT /leads/stage/edit/{id}':
      if (typeof stage === 'number') return m('moveLeadStage', (c) => c.moveLeadStage(id, stage));
      break;
    case 'GET /leads/{id}/activities':
      return m('listLeadActivities', (c) => c.listLeadActivities(id));
    case 'POST /activities':
      if (typeof b.type === 'string') {
        return m('createActivity', (c) => c.createActivity(activityInput(b) as ActivityInput));
      }
      break;
    case 'PUT /activities/{id}':
      return m('updateActivity', (c) => c.updateActivity(id, activityInput(b)));
    case 'GET /activities/{id}':
      return m('getActivity', (c) => c.getActivity(id));
  }
  const endpoint = `${method} ${p.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
  return m('requestJson', (c) =>
    c.requestJson({ method: method as 'GET', endpoint, path: fullPath, body: rawBody }, anyJson),
  );
}

// ---------------------------------------------------------------- the documented outcome of each answer

type Expected =
  | { kind: 'success' }
  | { kind: 'null' }
  | { kind: 'error'; cls: new (...a: never[]) => KrayinError; check?: (e: KrayinError) => void };

function header(c: Case, name: string): string | undefined {
  return c.served.headers.find(([k]) => k.toLowerCase() === name)?.[1];
}

function expected(c: Case, method: string): Expected {
  const { status } = c.served;
  const body = asObj(c.json);
  const isDebugBody = typeof body.exception === 'string';
  const passedThrottle = header(c, 'x-ratelimit-limit') !== undefined;
  const err = (cls: Extract<Expected, { kind: 'error' }>['cls'], check?: (e: KrayinError) => void): Expected => ({
    kind: 'error',
    cls,
    check,
  });

  if (status >= 200 && status < 300) {
    if (c.served.text === '')
      return method === 'getPerson' || method === 'getOrganization' ? { kind: 'null' } : err(KrayinAmbiguousError);
    return { kind: 'success' };
  }
  if (method === 'getPerson' || method === 'getOrganization') {
    // A find() miss: 500 ErrorException (debug) or 500 generic that passed the throttle (production).
    if (
      status === 500 &&
      (isDebugBody ? body.exception === 'ErrorException' : c.json !== undefined && passedThrottle)
    ) {
      return { kind: 'null' };
    }
  }
  if ((method === 'getLead' || method === 'getActivity') && status === 404) return { kind: 'null' };
  if (status === 401) return err(KrayinAuthError);
  if (status === 429) {
    return err(KrayinRateLimitedError, (e) =>
      expect((e as KrayinRateLimitedError).retryAfterSeconds).toBe(Number(header(c, 'retry-after'))),
    );
  }
  if (status === 422) {
    return err(KrayinValidationError, (e) => expect((e as KrayinValidationError).fieldErrors).toEqual(body.errors));
  }
  if (status === 404) return err(KrayinNotFoundError);
  if (status === 405 || status === 400) return err(KrayinValidationError);
  if (status >= 300 && status < 400) return err(KrayinAuthError);
  if (status === 500 && c.json !== undefined && !isDebugBody && !passedThrottle) {
    if (body.message === 'admin::app.common.unauthenticated') return err(KrayinAuthError);
    // The production throttle answer (and, on 2.1.2, a bad token): indistinguishable, so rate limited.
    return err(KrayinRateLimitedError, (e) => expect((e as KrayinRateLimitedError).retryAfterSeconds).toBeNull());
  }
  return err(KrayinTransientError);
}

/** Extra checks on successful answers whose meaning the client must get right. */
function checkSuccess(c: Case, method: string, value: unknown): void {
  if (method === 'findPersonsByEmail') {
    const email = decodeURIComponent(/search=emails:([^&]*)/.exec(c.path)![1]!);
    for (const p of value as KrayinPerson[]) {
      expect(p.emails?.some((e) => e.value.toLowerCase() === email.toLowerCase())).toBe(true);
    }
  }
  if (method === 'findOrganizationsByName') {
    const name = new URLSearchParams(c.path.split('?')[1]).get('name')!;
    for (const o of value as { name: string }[]) expect(o.name.toLowerCase()).toBe(name.toLowerCase());
  }
  if (method.startsWith('list') || method.startsWith('find')) expect(Array.isArray(value)).toBe(true);
  if (['getPerson', 'createPerson', 'updatePerson', 'getLead', 'createLead', 'createActivity'].includes(method)) {
    expect(typeof (value as { id: unknown }).id).toBe('number');
  }
}

async function run(c: Case) {
  serving = c.served;
  seen = [];
  const r = route(c.method, c.path, c.body);
  let value: unknown;
  let error: unknown;
  try {
    value = await r.call(client.get());
  } catch (e) {
    error = e;
  }
  // Never an untyped crash.
  if (error !== undefined && !isKrayinError(error)) throw error;
  expect(seen.length).toBeGreaterThan(0);
  for (const s of seen) {
    expect(s.headers.accept).toBe('application/json');
    expect(s.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(s.headers.origin).toBeUndefined();
    expect(s.headers.referer).toBeUndefined();
  }
  return { method: r.method, value, error: error as KrayinError | undefined };
}

async function runAndCheck(c: Case) {
  const { method, value, error } = await run(c);
  const want = expected(c, method);
  if (want.kind === 'error') {
    expect(error).toBeInstanceOf(want.cls);
    want.check?.(error!);
  } else {
    if (error) throw new Error(`${method} expected ${want.kind}, got ${error.name}: ${error.message}`);
    if (want.kind === 'null') expect(value).toBeNull();
    else checkSuccess(c, method, value);
  }
  return { method, value, error };
}

// ---------------------------------------------------------------- the tests

// Built lazily: the server's base URL is only known in beforeAll; names need the files only.
const names = [...contractCases('{{base}}'), ...sampleCases('{{base}}')];
let built: Case[] | undefined;
const build = () => (built ??= [...contractCases(base), ...sampleCases(base)]);

describe('every recorded Krayin answer', () => {
  it('covers the whole corpus', () => {
    expect(names.length).toBeGreaterThan(52 + 150);
  });

  it.each(names.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    await runAndCheck(build()[i]!);
  });
});

describe('specific corpus answers', () => {
  const find = (re: RegExp) => {
    const c = build().find((x) => re.test(x.name));
    if (!c) throw new Error(`no case ${re}`);
    return c;
  };

  it('a substring neighbour from emails:like is filtered out', async () => {
    const c = find(/persons-search-email\.json step 3 /);
    const { value } = await runAndCheck(c);
    expect((value as KrayinPerson[]).map((p) => p.id)).toEqual([2]);
  });

  it('"Smith, Jones & Co" never matches the other organization "Smith", and is not sent as a filter', async () => {
    const c = find(/organizations-name-with-comma\.json step 3 /);
    const { value } = await runAndCheck(c);
    expect(value).toEqual([]);
    expect(seen.every((s) => !s.url.includes('name='))).toBe(true);
  });

  it('a person GET miss is null in debug (500 ErrorException) and production (500 generic) mode', async () => {
    expect((await runAndCheck(find(/persons-unknown-ids\.json step 1 /))).value).toBeNull();
    expect((await runAndCheck(find(/debug-false-errors\.json step 4 /))).value).toBeNull();
    expect((await runAndCheck(find(/43-get-person-404/))).value).toBeNull();
  });

  it('the production throttle 500 is rate limited without a delay', async () => {
    const { error } = await runAndCheck(find(/debug-false-throttle\.json step 2 /));
    expect(error).toBeInstanceOf(KrayinRateLimitedError);
    expect((error as KrayinRateLimitedError).retryAfterSeconds).toBeNull();
  });

  it('the debug throttle 429 carries Retry-After', async () => {
    const { error } = await runAndCheck(find(/52-rate-limit-429/));
    expect((error as KrayinRateLimitedError).retryAfterSeconds).toBe(56);
  });

  it('a 422 keeps Krayin field errors', async () => {
    const { error } = await runAndCheck(find(/33-create-person-422-duplicate-email/));
    expect((error as KrayinValidationError).fieldErrors).toEqual({
      'emails.0.value': ['The value has already been taken.'],
    });
    expect((error as KrayinValidationError).isUniqueViolation()).toBe(true);
  });

  it('a 401 in either message style is an auth error', async () => {
    expect((await runAndCheck(find(/auth-401\.json step 2 /))).error).toBeInstanceOf(KrayinAuthError);
    expect((await runAndCheck(find(/48-list-persons-401-bad-token/))).error).toBeInstanceOf(KrayinAuthError);
  });
});

/** Answers only Krayin 2.1.0 (rest-api exception handler) gives; the corpus was recorded on 2.1.2. */
describe('2.1.0-only answers', () => {
  const emptyHtml: Served = { status: 200, headers: [['Content-Type', 'text/html; charset=UTF-8']], text: '' };
  const routes = () => {
    const byMethod = new Map<string, Case>();
    for (const c of build()) {
      const r = route(c.method, c.path, c.body);
      if (r.method !== 'requestJson' && !byMethod.has(r.method)) byMethod.set(r.method, c);
    }
    return [...byMethod.entries()];
  };

  it('answers every API method with a "200 + empty body" as ambiguous (getPerson/getOrganization: null)', async () => {
    const all = routes();
    expect(all.length).toBeGreaterThanOrEqual(24);
    for (const [method, c] of all) {
      const { error, value } = await run({ ...c, served: emptyHtml, json: undefined });
      if (method === 'getPerson' || method === 'getOrganization') expect(value).toBeNull();
      else expect([method, error]).toEqual([method, expect.any(KrayinAmbiguousError)]);
    }
  });

  it('answers the 2.1.0 production throttle (generic 500, no headers) as rate limited', async () => {
    const throttled: Served = {
      status: 500,
      headers: [['Content-Type', 'application/json']],
      text: JSON.stringify({ message: 'An unexpected error occurred on the server. Please try again later.' }),
    };
    for (const [method, c] of routes()) {
      const { error } = await run({ ...c, served: throttled, json: undefined });
      expect([method, error]).toEqual([method, expect.any(KrayinRateLimitedError)]);
    }
  });

  it('answers the 2.1.0 debug 401 text as auth', async () => {
    const c = build().find((x) => x.name.includes('47-list-persons-401'))!;
    const { error } = await run({
      ...c,
      served: {
        status: 401,
        headers: [['Content-Type', 'application/json']],
        text: JSON.stringify({ message: 'You are not authenticated. Please log in to continue.' }),
      },
    });
    expect(error).toBeInstanceOf(KrayinAuthError);
  });
});
