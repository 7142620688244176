import { ConnectionHealth } from '../../src/ops/connection-health';
import type { AlertInput, ResolveInput } from '../../src/notify/types';

function setup(unreachableAfterMs = 60_000, parked: Record<string, number> = {}) {
  let now = 1_000_000;
  const sent: { kind: 'alert' | 'resolve'; cause: string; text?: string }[] = [];
  const queries: string[] = [];
  const health = new ConnectionHealth({
    now: () => now,
    unreachableAfterMs,
    parkedLeft: async (connectionId, kind) => {
      queries.push(`${connectionId}:${kind}`);
      return parked[`${connectionId}:${kind}`] ?? 0;
    },
    alerter: {
      alert: async (a: AlertInput) => void sent.push({ kind: 'alert', cause: a.cause, text: a.text }),
      resolve: async (r: ResolveInput) => void sent.push({ kind: 'resolve', cause: r.cause }),
    },
  });
  return { health, sent, queries, parked, advance: (ms: number) => (now += ms) };
}

const call = (outcome: string, status: number | null) => ({
  endpoint: 'GET /leads/{id}',
  status,
  durationMs: 5,
  outcome,
});

describe('ConnectionHealth', () => {
  it('blocks a connection on its first 401, alerts once, and lifts the block on the next real answer', async () => {
    const { health, sent, advance } = setup();
    health.observeKrayinCall('a', call('auth', 401));
    health.observeKrayinCall('a', call('auth', 401));
    expect(health.authBlocked('a')).toBe(true);
    expect(health.authBlocked('b')).toBe(false);
    advance(1_000);
    health.observeKrayinCall('a', call('ok', 200));
    await Promise.resolve();
    expect(health.authBlocked('a')).toBe(false);
    expect(sent.map((s) => `${s.kind}:${s.cause}`)).toEqual(['alert:krayin_auth', 'resolve:krayin_auth']);
  });

  it('keeps the block when the good answer is of a call sent before the 401 (it proves nothing now)', async () => {
    const { health, sent, advance } = setup();
    health.observeKrayinCall('a', call('auth', 401));
    advance(1_000);
    health.observeKrayinCall('a', { ...call('ok', 200), durationMs: 3_000 }); // in flight since before the block
    await Promise.resolve();
    expect(health.authBlocked('a')).toBe(true);
    expect(sent.map((s) => `${s.kind}:${s.cause}`)).toEqual(['alert:krayin_auth']);
  });

  it('alerts "krayin_unreachable" only after failures lasting unreachableAfterMs, then resolves', async () => {
    const { health, sent, advance } = setup(60_000);
    health.observeKrayinCall('a', call('transient', null));
    advance(59_000);
    health.observeKrayinCall('a', call('transient', 503));
    expect(sent).toEqual([]);
    advance(2_000);
    health.observeKrayinCall('a', call('transient', 502));
    health.observeKrayinCall('a', call('transient', null));
    health.observeKrayinCall('a', call('validation', 422)); // a real answer: Krayin is up again
    await Promise.resolve();
    expect(sent.map((s) => `${s.kind}:${s.cause}`)).toEqual(['alert:krayin_unreachable', 'resolve:krayin_unreachable']);
  });

  it('a write left without an answer counts as down; an empty 2xx is an answer', async () => {
    const { health, sent, advance } = setup(1_000);
    health.observeKrayinCall('a', call('ambiguous', null));
    advance(1_500);
    health.observeKrayinCall('a', call('ambiguous', null));
    health.observeKrayinCall('a', call('ambiguous', 200));
    await Promise.resolve();
    expect(sent.map((s) => `${s.kind}:${s.cause}`)).toEqual(['alert:krayin_unreachable', 'resolve:krayin_unreachable']);
  });

  it('an empty 2xx does not lift an auth block (Krayin 2.1.0 hides a refused token that way)', async () => {
    const { health, sent, advance } = setup();
    health.observeKrayinCall('a', call('auth', 401));
    advance(1_000);
    health.observeKrayinCall('a', call('ambiguous', 200));
    expect(health.authBlocked('a')).toBe(true);
    health.observeKrayinCall('a', call('ok', 200));
    await Promise.resolve();
    expect(health.authBlocked('a')).toBe(false);
    expect(sent.map((s) => `${s.kind}:${s.cause}`)).toEqual(['alert:krayin_auth', 'resolve:krayin_auth']);
  });

  it('a rate-limited answer is neither "up" nor "down"', () => {
    const { health, sent, advance } = setup(1_000);
    health.observeKrayinCall('a', call('transient', null));
    advance(500);
    health.observeKrayinCall('a', call('rate_limited', 429));
    advance(600);
    health.observeKrayinCall('a', call('transient', null));
    expect(sent.map((s) => s.cause)).toEqual(['krayin_unreachable']);
  });

  it('parked syncs alert per kind; Krayin auth parks are already covered by the call observer', () => {
    const { health, sent } = setup();
    health.parked('a', { kind: 'validation', message: 'Krayin rejected POST /leads', endpoint: 'POST /leads' });
    health.parked('a', { kind: 'auth', message: 'Krayin refused the token', endpoint: 'GET /get' });
    health.parked('a', { kind: 'auth', message: 'Chatwoot refused the API token' });
    expect(sent.map((s) => s.cause)).toEqual(['parked_validation', 'chatwoot_auth']);
  });

  it('sends a recovery message once no sync of the kind is parked any more', async () => {
    const { health, sent, parked } = setup(60_000, { 'a:validation': 2, 'a:auth': 1 });
    health.parked('a', { kind: 'validation', message: 'Krayin rejected POST /leads' });
    health.parked('a', { kind: 'auth', message: 'Chatwoot refused the API token' });
    health.syncEnded('a'); // another contact synced: both kinds still parked
    await flush();
    parked['a:validation'] = 0;
    health.syncEnded('a');
    await flush();
    parked['a:auth'] = 0;
    health.syncEnded('a');
    health.syncEnded('a'); // while the check runs: checked again after it, never twice at once
    await flush();
    expect(sent.map((s) => `${s.kind}:${s.cause}`)).toEqual([
      'alert:parked_validation',
      'alert:chatwoot_auth',
      'resolve:parked_validation',
      'resolve:chatwoot_auth',
    ]);
  });

  it("asks the store nothing while no park alert is open (a Krayin auth park is the call observer's)", async () => {
    const { health, sent, queries } = setup();
    health.syncEnded('a');
    health.parked('a', { kind: 'auth', message: 'Krayin refused the token', endpoint: 'GET /get' });
    health.syncEnded('a');
    await flush();
    expect(queries).toEqual([]);
    expect(sent).toEqual([]);
  });
});

describe('ConnectionHealth link mismatches', () => {
  it('one mismatch (a record re-used in Krayin) alerts nobody; several within the window alert once per connection', async () => {
    const { health, sent, advance } = setup();
    health.linkMismatch('a');
    advance(60_000);
    health.linkMismatch('a');
    await Promise.resolve();
    expect(sent).toEqual([]);
    health.linkMismatch('a');
    for (let i = 0; i < 20; i++) health.linkMismatch('a'); // the rest of the restored Krayin: no more alerts
    health.linkMismatch('b');
    await Promise.resolve();
    expect(sent.map((s) => `${s.kind}:${s.cause}`)).toEqual(['alert:krayin_links_reused']);
    expect(sent[0]!.text).toMatch(/restored from a backup/);
  });

  it('mismatches spread wider than the window do not alert; a new episode after a quiet window alerts again', async () => {
    const { health, sent, advance } = setup();
    for (let i = 0; i < 5; i++) {
      health.linkMismatch('a');
      advance(6 * 60_000);
    }
    await Promise.resolve();
    expect(sent).toEqual([]);
    health.linkMismatch('a');
    health.linkMismatch('a');
    health.linkMismatch('a');
    advance(11 * 60_000);
    health.linkMismatch('a');
    health.linkMismatch('a');
    health.linkMismatch('a');
    await Promise.resolve();
    expect(sent.map((s) => s.cause)).toEqual(['krayin_links_reused', 'krayin_links_reused']);
  });
});

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
