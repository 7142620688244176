/**
 * The budget counts what Krayin's limiter counts: the same calls through the real client and throttle
 * against the fake Krayin (whose limiter is Laravel's throttle:api, behind auth), then the budget's count
 * is compared with the fake's own (its X-RateLimit-Remaining). Calls that never reached Krayin (a dropped
 * or reset connection), a refused token and a 502/503 must not use the budget up.
 */
import { request } from 'undici';
import { KrayinClient } from '../../src/krayin/client';
import { InMemoryBudgetState, RequestThrottle } from '../../src/krayin/throttle';
import { startFakeKrayin, type FakeKrayin, type FaultSpec } from '../fakes/krayin';

const LIMIT = 100;
let krayin: FakeKrayin;

beforeAll(async () => {
  krayin = await startFakeKrayin({ rateLimit: LIMIT });
});
afterAll(async () => {
  await krayin.close();
});

it('counts answered calls and gives back the slots of calls Krayin never counted', async () => {
  const state = new InMemoryBudgetState();
  const client = new KrayinClient({
    baseUrl: krayin.apiBase,
    token: krayin.token,
    timezone: 'UTC',
    timeoutMs: 2_000,
    throttle: new RequestThrottle({ requestsPerMinute: LIMIT, state, connectionId: 'c' }),
  });
  const faults: (FaultSpec | null)[] = [
    null,
    { kind: 'down', times: 1 },
    { kind: 'reset', times: 1 },
    { kind: 'status', status: 401, times: 1 },
    { kind: 'status', status: 503, times: 1 },
    { kind: 'status', status: 502, times: 1 },
    null,
    null,
  ];
  try {
    for (const fault of faults) {
      if (fault) krayin.addFaults(fault);
      await client.getCurrentUser().catch(() => undefined);
    }
  } finally {
    await client.close();
  }
  const ours = await state.update('c', (s) => ({ state: s, result: s.calls.length }));
  const res = await request(`${krayin.apiBase}/get`, {
    headers: { accept: 'application/json', authorization: `Bearer ${krayin.token}` },
  });
  await res.body.text();
  const fakeCounted = LIMIT - Number(res.headers['x-ratelimit-remaining']) - 1; // minus this probe itself
  expect(ours).toBe(3);
  expect(fakeCounted).toBe(ours);
  expect(krayin.requests()).toHaveLength(faults.length + 1); // every attempt did reach the fake's socket
});
