/**
 * `npm start` on a fresh machine with no configuration at all: the demo. The CLI says in one line that
 * it runs against simulators, the traffic it plays through the simulated Chatwoot ends up as
 * organizations, persons, leads and activities in the simulated Krayin (read over its HTTP API), the
 * resolved conversation's activity is done and carries the transcript, nothing listens on anything
 * but loopback, and Ctrl-C stops it cleanly.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { buildCli, startCli } from '../helpers/cli-start';

interface KrayinState {
  organizations: { name: string }[];
  persons: { name: string; organization_id: number | null }[];
  leads: { title: string; stage_code: string | null }[];
  activities: { type: string; is_done: number; comment: string | null; lead_ids: number[] }[];
}

describe('npm start with no configuration: the demo', () => {
  beforeAll(() => buildCli()); // what `npm start` does first

  it('runs against the simulators, syncs its traffic into the simulated Krayin, listens on loopback only, stops on Ctrl-C', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'cks-demo-')); // no .env here
    // Nothing configured. Only free ports instead of 3000/7233/8233, which parallel test runs may hold.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      TEMPORAL_DEV_PORT: '0',
      TEMPORAL_UI_PORT: '0',
    };
    const cli = startCli(cwd, env);
    try {
      await cli.running;
      const out = cli.output();
      expect(out.split('\n').filter((l) => l.startsWith('DEMO: '))).toEqual([
        expect.stringContaining('simulated Krayin and Chatwoot on this machine (nothing leaves it)'),
      ]);
      expect(out).toMatch(/Webhook URL \(demo\):\s+http:\/\/localhost:\d+\/webhooks\/chatwoot\/demo/);
      expect(out).toMatch(/Temporal UI:\s+http:\/\/127\.0\.0\.1:\d+/);
      const records = /Simulated Krayin:\s+(\S+)/.exec(out)?.[1] ?? '';
      expect(records).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__fake\/records$/);
      const krayin = records.replace(/\/__fake\/records$/, '');

      // The simulated Krayin's state, through its HTTP control API.
      const state = await waitFor(
        async () => (await getJson(`${krayin}/__fake/state`)) as KrayinState,
        (s) => {
          const calls = s.activities.filter((a) => a.type === 'call');
          return s.leads.length === 3 && calls.length === 3 && calls.some((a) => a.is_done === 1);
        },
      );
      expect(state.organizations.map((o) => o.name).sort()).toEqual([
        'Acme Logistics GmbH',
        'Iberia Foods SL',
        'Sunrise Textiles',
      ]);
      expect(state.persons.map((p) => p.name).sort()).toEqual(['Jane Doe', 'Lucía Fernández', 'Ravi Kumar']);
      expect(state.persons.every((p) => p.organization_id !== null)).toBe(true);

      // The resolved conversation (Jane's): its activity is done and carries the transcript.
      const calls = state.activities.filter((a) => a.type === 'call');
      const done = calls.filter((a) => a.is_done === 1);
      expect(done).toHaveLength(1);
      for (const said of ['upgrade our team of 12', 'happy to help', 'We will sign this week']) {
        expect(done[0]!.comment).toContain(said);
      }
      expect(calls.filter((a) => a.is_done === 0)).toHaveLength(2);

      // The human-readable page lists them too.
      const page = await request(records);
      expect(page.statusCode).toBe(200);
      expect(await page.body.text()).toContain('Jane Doe');

      // Every listening socket of the CLI and its children (tsx, node, the Temporal dev server) is loopback.
      const listening = listeningAddresses(cli.child.pid!);
      expect(listening.length).toBeGreaterThanOrEqual(4); // ingest, Temporal gRPC + UI, the two simulators
      expect(listening.filter((a) => !isLoopback(a))).toEqual([]);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
    expect(cli.output()).toContain('Stopped.');
    expect(cli.output()).not.toContain('Demo traffic failed');
  });
});

async function getJson(url: string): Promise<unknown> {
  const res = await request(url);
  return res.body.json();
}

/** Polls `read` until `done` holds (a state, not a time, is what the test waits for). */
async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Local addresses ("hex ip") of the TCP sockets in LISTEN held by `root` and its descendants (Linux /proc). */
function listeningAddresses(root: number): string[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  const inodes = new Set<string>();
  for (const pid of tree) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        // closed meanwhile
      }
    }
  }
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl, local_address, rem_address, st, ..., inode (10th)
      if (cols[3] === '0A' && inodes.has(cols[9] ?? '')) addresses.push((cols[1] ?? '').split(':')[0]!);
    }
  }
  return addresses;
}

/** 127.0.0.0/8 (little-endian hex in /proc/net/tcp), ::1, or ::ffff:127.x.x.x. */
function isLoopback(hex: string): boolean {
  if (hex.length === 8) return hex.endsWith('7F');
  if (hex === '00000000000000000000000001000000') return true;
  return hex.startsWith('0000000000000000FFFF0000') && hex.endsWith('7F');
}
