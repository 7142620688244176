/**
 * Backfill, end to end: contacts that exist in the (fake) Chatwoot but never sent a webhook reach the
 * fake Krayin exactly once (new persons created, existing ones linked by email or phone, phone-only
 * contacts skipped); the dry run writes nothing and reports the plan; a second backfill costs 0 Krayin
 * calls; the CLI detaches, re-attaches (--status) and cancels (--cancel) a backfill running in the
 * service. Real Temporal dev server, real store, fakes over HTTP, the CLI command as users run it.
 */
import { runBackfillCommand } from '../../src/backfill/cli';
import { backfillWorkflowId, type BackfillProgress } from '../../workflows/backfill-api';
import { startHarness, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';

function contact(id: number, extra: Partial<ContactInput> = {}): ContactInput {
  return {
    id,
    name: `Bea Backfill ${id}`,
    email: `bea.${id}@example.com`,
    phone_number: '',
    additional_attributes: {},
    custom_attributes: {},
    ...extra,
  };
}

/** Runs the CLI command and returns what it printed. */
async function backfill(
  h: Harness,
  args: string[],
  opts: { detach?: AbortSignal; onLine?: (l: string) => void } = {},
): Promise<string[]> {
  const lines: string[] = [];
  const out = {
    log: (l: string) => {
      lines.push(l);
      opts.onLine?.(l);
    },
    error: (l: string) => lines.push(`ERROR ${l}`),
  };
  const code = await runBackfillCommand(['--connection', 'default', ...args], h.config, {
    out,
    pollMs: 100,
    lineEveryMs: 0,
    ...(opts.detach ? { detach: opts.detach } : {}),
  });
  expect({ code, lines }).toMatchObject({ code: 0 });
  return lines;
}

/** The counts of the final line (`Done.`, `Cancelled.` or the dry run's plan). */
function finalCounts(lines: string[]): Record<string, number> {
  const end = lines.find((l) => /^(Done\.|Cancelled\.|Dry run finished)/.test(l));
  if (!end) throw new Error(`no final line in ${JSON.stringify(lines)}`);
  const out: Record<string, number> = {};
  for (const m of end.matchAll(/(created|linked|updated|unchanged|skipped|invalid|failed) (\d+)/g))
    out[m[1]!] = Number(m[2]);
  const total = /(\d+)\/(\d+) contacts/.exec(end);
  out.done = Number(total?.[1] ?? -1);
  out.total = Number(total?.[2] ?? -1);
  return out;
}

function personsWith(h: Harness, email: string) {
  return h.krayin.snapshot().persons.filter((p) => JSON.stringify(p.emails ?? []).includes(`"${email}"`));
}

const writes = (h: Harness) => h.krayinCalls().filter((c) => c.method !== 'GET');

describe('backfill, end to end', () => {
  let h: Harness;
  let existingByEmail: number;
  let existingByPhone: number;

  beforeAll(async () => {
    h = await startHarness();
    // Persons sales already has in Krayin: one with the email of contact 5008, one with the phone of 5009.
    const { KrayinClient } = await import('../../src/krayin/client');
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    existingByEmail = (
      await api.createPerson({
        name: 'Known Email',
        emails: [{ value: 'bea.5008@example.com', label: 'work' }],
        contact_numbers: [],
      })
    ).id;
    existingByPhone = (
      await api.createPerson({
        name: 'Known Phone',
        emails: [{ value: 'other.5009@example.com', label: 'work' }],
        contact_numbers: [{ value: '+4915112345009', label: 'work' }],
      })
    ).id;
    await api.close();
    // Never announced by a webhook: six new contacts, two already in Krayin, one with a phone only.
    for (let id = 5001; id <= 5006; id++) h.chatwoot.upsertContact(contact(id));
    h.chatwoot.upsertContact(contact(5007, { email: '', phone_number: '+4915100005007' }));
    h.chatwoot.upsertContact(contact(5008));
    h.chatwoot.upsertContact(contact(5009, { phone_number: '+4915112345009' }));
    h.krayin.clearRequests();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('--dry-run writes nothing and prints the plan: created, linked (by which key), skipped, with examples', async () => {
    const lines = await backfill(h, ['--dry-run']);
    expect(lines[0]).toMatch(/^Started a dry run of the backfill \(nothing is written\) of "default"/);
    expect(finalCounts(lines)).toEqual({ created: 6, linked: 2, skipped: 1, done: 9, total: 9 });
    expect(lines.join('\n')).toMatch(/by email 1, by phone 1/);
    expect(lines).toContain('            contact 5008: existing person by email');
    expect(lines).toContain('            contact 5009: existing person by phone');
    expect(lines).toContain('            contact 5001: no Krayin person with this email or phone');
    expect(lines.some((l) => /contact 5007: /.test(l))).toBe(true);

    // Lookups only (GET); no write, no link, no workflow for any contact.
    expect(writes(h)).toEqual([]);
    expect(h.krayinCalls().length).toBeGreaterThan(0);
    for (let id = 5001; id <= 5009; id++) expect(await h.store.links.getContact('default', id)).toBeNull();
    expect(h.krayin.snapshot().persons).toHaveLength(2);
  });

  it('the backfill brings every contact in exactly once: 6 created, 2 linked (no duplicate), 1 skipped', async () => {
    h.krayin.clearRequests();
    const lines = await backfill(h, []);
    expect(lines[0]).toMatch(/^Started the backfill of "default" \(workflow backfill:/);
    expect(finalCounts(lines)).toEqual({ created: 6, linked: 2, skipped: 1, done: 9, total: 9 });
    // The sync's audit entry names the key that found the existing person.
    expect(lines.join('\n')).toMatch(/by email 1, by phone 1/);

    for (let id = 5001; id <= 5006; id++) expect(personsWith(h, `bea.${id}@example.com`)).toHaveLength(1);
    expect(personsWith(h, 'bea.5008@example.com').map((p) => p.id)).toEqual([existingByEmail]);
    expect((await h.store.links.getContact('default', 5008))?.personId).toBe(existingByEmail);
    expect((await h.store.links.getContact('default', 5009))?.personId).toBe(existingByPhone);
    expect(h.krayin.snapshot().persons).toHaveLength(8);
    expect((await h.store.syncState.get('default', 5007))?.status).toBe('skipped');

    // The Temporal UI shows the same counts (memo, counts only).
    const workflowId = backfillWorkflowId('default', h.config.temporal.taskQueue);
    const memo = (await h.client.workflow.getHandle(workflowId).describe()).memo as {
      backfill: { done: number; total: number; counts: Record<string, number> };
    };
    expect(memo.backfill).toMatchObject({
      done: 9,
      total: 9,
      counts: { created: 6, linked: 2, linkedByEmail: 1, linkedByPhone: 1, skipped: 1 },
    });
  });

  it('a second backfill finds everything in sync: no hand-over, 0 Krayin calls', async () => {
    h.krayin.clearRequests();
    const lines = await backfill(h, []);
    expect(finalCounts(lines)).toEqual({ unchanged: 8, skipped: 1, done: 9, total: 9 });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(h.krayinCalls()).toEqual([]);
  });

  it('Ctrl-C detaches (the backfill goes on), --status re-attaches, --cancel stops it cleanly', async () => {
    // Slow enough to catch in the middle: 90 new contacts, Krayin answering slowly.
    for (let id = 6000; id < 6090; id++) h.chatwoot.upsertContact(contact(id));
    h.krayin.addFaults({ kind: 'latency', method: 'POST', delayMs: 300 });

    const detach = new AbortController();
    const first = await backfill(h, [], {
      detach: detach.signal,
      onLine: (l) => {
        if (/^\d+\/\d+ contacts/.test(l)) detach.abort();
      },
    });
    expect(first.at(-1)).toMatch(/^Detached\. The backfill of "default" goes on in the service/);
    const handle = h.client.workflow.getHandle(backfillWorkflowId('default', h.config.temporal.taskQueue));
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const again = new AbortController();
    const attached = await backfill(h, ['--status'], {
      detach: again.signal,
      onLine: (l) => {
        if (/^\d+\/\d+ contacts/.test(l)) again.abort();
      },
    });
    expect(attached[0]).toMatch(/^Re-attached to the backfill of "default"/);

    const cancelled = await backfill(h, ['--cancel']);
    expect(cancelled[0]).toMatch(/^Cancelling the backfill of "default"/);
    const end = finalCounts(cancelled);
    const result = (await handle.result()) as BackfillProgress;
    expect(result).toMatchObject({ cancelled: true, inFlight: 0 });
    expect(end.done).toBe(result.done);
    // Stopped in the middle: not everything was listed; what was handed over finished its sync.
    expect(result.done).toBeLessThan(result.total);
    expect(result.counts.created).toBe(result.counts.dispatched);
    const created = h.krayin
      .snapshot()
      .persons.filter((p) => /"bea\.60\d\d@example\.com"/.test(JSON.stringify(p.emails ?? [])));
    expect(created).toHaveLength(result.counts.created);

    // After the end, --status reports the last backfill instead of following nothing.
    const status = await backfill(h, ['--status']);
    expect(status[0]).toMatch(/^The last backfill of "default" has ended\./);
    h.krayin.clearFaults();
  });
});
