/**
 * Chaos 2: the worker is SIGKILLed again and again in the middle of a sync.
 *
 * The worker runs in a child process (test/helpers/worker-process.ts, the real worker wiring, on a
 * workflow bundle built once so respawns are quick) against a real Postgres store
 * shared with this test. 15 contacts (a third without a company, the rest over 4 shared companies)
 * are delivered while the fake Krayin answers slowly (latency faults), so Krayin writes are in flight
 * when the process dies. The worker is killed 4 times, 1.5-3 s after each respawn (the first kill waits
 * for a write in flight), then left running. A killed attempt is retried only after its activity
 * timeout (krayin.timeoutMs * 4 = 6 s here), and the retry must link what the dead attempt created.
 * End state: one person, organization and lead each, 0 duplicates, 0 losses.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startHarness, workflowBundle, type Harness } from '../helpers/harness';
import { spawnWorker, writeBundle, type WorkerProcess } from '../helpers/worker-process';
import {
  auditKrayin,
  chaosContact,
  countBy,
  distinctCompanies,
  latestSync,
  reportFigures,
  settled,
  sleep,
  waitForAll,
  waitUntil,
  type ChaosContact,
} from './helpers/chaos';

const FIRST_ID = 50_100;
const CONTACTS = 15;
const KILLS = 4;
const COMPANIES = ['Chaos Crash Alpha GmbH', 'Chaos Crash Beta Ltd', 'Chaos Crash Gamma Inc', 'Chaos Crash Delta SA'];

describe('chaos: worker SIGKILLed repeatedly mid-sync', () => {
  let h: Harness;
  let worker: WorkerProcess | null = null;
  let bundlePath: string | null = null;

  beforeAll(async () => {
    h = await startHarness({
      storeEngine: 'postgres',
      workers: false,
      sync: { leadPolicy: 'contact_created' },
      // Activity timeout = timeoutMs * 4 = 6 s: how long a dead worker's attempt blocks its contact.
      krayinSettings: { timeoutMs: 1_500 },
    });
  });
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
    if (bundlePath) rmSync(path.dirname(bundlePath), { recursive: true, force: true });
  });

  it('4 kills, then recovery: 0 duplicates, 0 losses', async () => {
    const contacts: ChaosContact[] = [];
    let withCompany = 0;
    for (let i = 0; i < CONTACTS; i++) {
      const company = i % 3 === 0 ? null : COMPANIES[withCompany++ % COMPANIES.length]!;
      contacts.push(
        chaosContact(
          FIRST_ID + i,
          company,
          i % 2 === 0 ? { phone_number: `+4915166${String(i).padStart(5, '0')}` } : {},
        ),
      );
    }
    const ids = contacts.map((c) => c.id);

    // Slow Krayin: writes take 1 s, reads 0.2 s (below the 1.5 s client timeout), so a kill finds
    // requests in flight.
    h.krayin.addFaults(
      { kind: 'latency', method: 'POST', delayMs: 1_000 },
      { kind: 'latency', method: 'PUT', delayMs: 1_000 },
      { kind: 'latency', method: 'GET', delayMs: 200 },
    );
    bundlePath = writeBundle((await workflowBundle()).code);
    const spawnTimes: number[] = [];
    const spawn = async () => {
      const t = Date.now();
      worker = await spawnWorker(h.config, h.databaseUrl!, { bundlePath: bundlePath! });
      spawnTimes.push(Date.now() - t);
    };
    await spawn();

    const answers = await Promise.all(contacts.map((c) => h.sendContact('contact_created', c)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));

    // A request the fake is still delaying has status 0 in its log: in flight right now.
    const inFlight = () => h.krayinCalls().filter((r) => r.status === 0);
    const kills: { inFlight: number; inFlightWrites: number }[] = [];
    for (let k = 0; k < KILLS; k++) {
      if (k === 0) {
        await waitUntil(() => inFlight().some((r) => r.method === 'POST'), 30_000);
      } else {
        await sleep(1_500);
        await waitUntil(() => inFlight().length > 0, 1_500).catch(() => undefined);
      }
      const flying = inFlight();
      await worker!.kill();
      worker = null;
      kills.push({ inFlight: flying.length, inFlightWrites: flying.filter((r) => r.method !== 'GET').length });
      await spawn();
    }
    const lastRespawnAt = Date.now();

    const statuses = await waitForAll(h, ids, settled(1), 180_000);
    const lastSynced = await latestSync(h, ids);

    const snap = h.krayin.snapshot();
    const audit = auditKrayin(snap, contacts, () => true);
    const calls = h.krayinCalls();
    reportFigures('worker-sigkill', {
      contacts: CONTACTS,
      companies: distinctCompanies(contacts),
      events: answers.length,
      kills: kills.length,
      inFlightAtKills: kills.map((k) => k.inFlight),
      inFlightWritesAtKills: kills.map((k) => k.inFlightWrites),
      respawnMsAvg: Math.round(spawnTimes.reduce((a, b) => a + b, 0) / spawnTimes.length),
      krayinRequests: calls.length,
      writes: countBy(
        calls.filter((c) => c.method !== 'GET'),
        (c) => `${c.method} ${c.path.replace(/\/\d+/g, '/{id}')}`,
      ),
      persons: audit.persons,
      organizations: audit.organizations,
      leads: audit.leads,
      duplicates: audit.duplicates,
      losses: audit.losses,
      recoveryMs: Math.max(0, lastSynced - lastRespawnAt),
    });

    expect(kills[0]!.inFlightWrites).toBeGreaterThan(0);
    expect(audit.lossDetails).toEqual([]);
    expect(audit.duplicates).toBe(0);
    expect(snap.persons).toHaveLength(CONTACTS);
    expect(snap.organizations).toHaveLength(distinctCompanies(contacts));
    expect(snap.leads).toHaveLength(CONTACTS);
    for (const c of contacts) {
      const link = await h.store.links.getContact('default', c.id);
      const person = snap.persons.find((p) => p.id === link?.personId);
      expect(person?.emails).toEqual([{ value: c.email, label: 'work' }]);
      expect(snap.leads.find((l) => l.id === link?.leadId)?.person_id).toBe(person!.id);
      expect(statuses.get(c.id)?.lastOutcome).toMatchObject({ kind: 'synced', personId: person!.id });
    }
    // The test timeout exceeds the waits above, so a contact that does not settle fails with its last
    // status (waitFor's message), not with jest's bare timeout (CI once hid the cause that way).
  }, 300_000);
});
