/**
 * Runs one product flow twice, through the same e2e harness (real ingest, real Temporal dev server, fake
 * Chatwoot): once against the fake Krayin, once against the real Krayin behind a counting proxy. The flow
 * asserts the Krayin end state on each; the runner then compares the Krayin calls of the two runs, call
 * for call (method, path, status): a difference means the fake is wrong.
 */
import { request } from 'undici';
import { KrayinClient } from '../../../src/krayin/client';
import { startHarness, type Harness, type HarnessOptions } from '../../helpers/harness';
import { startCountingProxy } from './counting-proxy';
import type { RealKrayin } from './krayin-real';
import { viewOfFake, viewOfReal, type KrayinView } from './krayin-view';

export interface Call {
  method: string;
  path: string;
  status: number;
  /** When the request arrived (epoch ms). */
  at: number;
  /** Real Krayin only (the counting proxy): when its answer was complete, and a 429's Retry-After (s). */
  answeredAt?: number;
  retryAfter?: number;
}

export interface FlowContext {
  kind: 'fake' | 'real';
  h: Harness;
  /** The Krayin this run talks to (for sales edits made by hand). */
  apiBase: string;
  token: string;
  view(): Promise<KrayinView>;
  /** What sales does in Krayin by hand: not counted among the service's calls. */
  sales<T>(fn: (api: KrayinClient, raw: RawCall) => Promise<T>): Promise<T>;
  /** The service's Krayin calls so far (sales edits excluded). */
  calls(): Call[];
}

/** A Krayin API call the client has no method for (e.g. creating an attribute); throws unless 2xx. */
export type RawCall = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => Promise<unknown>;

function rawCaller(apiBase: string, token: string): RawCall {
  return async (method, path, body) => {
    const res = await request(`${apiBase}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : null;
  };
}

export type Flow = (t: FlowContext) => Promise<void>;

export interface FlowSetup {
  /** Krayin's APP_TIMEZONE for this flow; the connection is configured with the same zone. */
  timezone: string;
  /** APP_DEBUG of the Krayin (real: the mode it runs in; fake: the matching option). */
  appDebug: boolean;
  sync?: Record<string, unknown>;
  /** Connection request budget (default 50/min, below Krayin's 60). */
  requestsPerMinute?: number;
}

function connectionSettings(setup: FlowSetup) {
  return {
    timezone: setup.timezone,
    requestsPerMinute: setup.requestsPerMinute ?? 50,
    // php -S on a shared 2-core machine: slower than production, never a reason for a timeout here.
    timeoutMs: 15_000,
  };
}

async function runWith(
  kind: FlowContext['kind'],
  flow: Flow,
  h: Harness,
  target: { apiBase: string; token: string; view(): Promise<KrayinView>; rawCalls(): Call[] },
  timezone: string,
): Promise<Call[]> {
  // Index ranges of the raw log that sales made (the fake logs them too; the real one is reached directly).
  const salesRanges: [number, number][] = [];
  const calls = () => target.rawCalls().filter((_c, i) => !salesRanges.some(([a, b]) => i >= a && i < b));
  const ctx: FlowContext = {
    kind,
    h,
    apiBase: target.apiBase,
    token: target.token,
    view: target.view,
    calls,
    sales: async (fn) => {
      const start = target.rawCalls().length;
      const api = new KrayinClient({ baseUrl: target.apiBase, token: target.token, timezone, timeoutMs: 15_000 });
      try {
        return await fn(api, rawCaller(target.apiBase, target.token));
      } finally {
        await api.close();
        salesRanges.push([start, target.rawCalls().length]);
      }
    },
  };
  try {
    await flow(ctx);
  } catch (err) {
    // Which Krayin calls led there: the first thing to look at when only one of the two Krayins fails.
    const seen = calls().map((c) => `${c.method} ${c.path} ${c.status}`);
    if (err instanceof Error)
      err.message += `\n${kind} Krayin calls (${seen.length}):\n  ${seen.slice(-40).join('\n  ')}`;
    throw err;
  }
  return calls();
}

export async function runOnFake(flow: Flow, setup: FlowSetup): Promise<Call[]> {
  const harnessOptions: HarnessOptions = {
    krayin: { timezone: setup.timezone, appDebug: setup.appDebug, rateLimit: 60 },
    krayinSettings: connectionSettings(setup),
    ...(setup.sync ? { sync: setup.sync } : {}),
  };
  const h = await startHarness(harnessOptions);
  try {
    return await runWith(
      'fake',
      flow,
      h,
      {
        apiBase: h.krayin.apiBase,
        token: h.krayin.token,
        view: () => Promise.resolve(viewOfFake(h.krayin.snapshot())),
        rawCalls: () => h.krayin.requests(),
      },
      setup.timezone,
    );
  } finally {
    await h.close();
  }
}

export async function runOnReal(krayin: RealKrayin, flow: Flow, setup: FlowSetup): Promise<Call[]> {
  await krayin.setMode({ debug: setup.appDebug, tz: setup.timezone });
  await krayin.reset();
  const proxy = await startCountingProxy(krayin.apiBase);
  try {
    const h = await startHarness({
      externalKrayin: { apiBase: proxy.apiBase, token: krayin.token, calls: proxy.calls },
      krayinSettings: connectionSettings(setup),
      ...(setup.sync ? { sync: setup.sync } : {}),
    });
    try {
      return await runWith(
        'real',
        flow,
        h,
        { apiBase: krayin.apiBase, token: krayin.token, view: () => viewOfReal(krayin), rawCalls: proxy.calls },
        setup.timezone,
      );
    } finally {
      await h.close();
    }
  } finally {
    await proxy.close();
  }
}

/**
 * Reference data (src/sync/lookups.ts): read at worker start, refreshed on a timer and on a miss at most
 * every 30 s, so how many times each is read depends on timing, not on the flow (the real Krayin is
 * slower than the fake). Compared by which endpoints were read, not how often.
 */
const REFERENCE_READ = /^GET \/settings\/(pipelines|sources|types|users|attributes)\b/;

/** "METHOD /path status", ids included: both Krayins start from the same fresh install. */
export const callLines = (calls: Call[]) => calls.map((c) => `${c.method} ${c.path} ${c.status}`);

/** The flow's own calls, in order (reference reads left out; see referenceReads). */
export const flowCallLines = (calls: Call[]) => callLines(calls).filter((l) => !REFERENCE_READ.test(l));

/** Which reference endpoints were read (each once, sorted). */
export const referenceReads = (calls: Call[]) =>
  [...new Set(callLines(calls).filter((l) => REFERENCE_READ.test(l)))].sort();

/**
 * For flows whose contacts sync concurrently and hit the throttle: which reads an activity repeats
 * depends on where a 429 landed, so only the successful writes are compared, as a sorted multiset
 * with ids blanked (their order, and so the ids, vary from run to run).
 */
export const answeredWrites = (calls: Call[]) =>
  calls
    .filter((c) => c.method !== 'GET' && c.status >= 200 && c.status < 300)
    .map((c) => `${c.method} ${c.path.replace(/\d+/g, ':id')} ${c.status}`)
    .sort();

/**
 * The flow on the fake, then on the real Krayin; their calls must be the same ('exact': in order, ids
 * included, reference reads compared as a set; 'writes': see answeredWrites). Returns both runs' calls.
 */
export async function runOnBoth(
  krayin: RealKrayin,
  flow: Flow,
  setup: FlowSetup,
  compare: 'exact' | 'writes' = 'exact',
): Promise<{ fake: Call[]; real: Call[] }> {
  const fake = await runOnFake(flow, setup);
  const real = await runOnReal(krayin, flow, setup);
  const lines = compare === 'exact' ? flowCallLines : answeredWrites;
  expect(real.length).toBeGreaterThan(0); // the proxy saw the service's traffic
  expect(lines(real)).toEqual(lines(fake));
  if (compare === 'exact') expect(referenceReads(real)).toEqual(referenceReads(fake));
  return { fake, real };
}
