/**
 * Soak of the two-way sync of persons (issue 12; docs/two-way-sync.md): random human edits on both sides
 * for SOAK_MS (default 60 s; the 10 minutes is SOAK_MS=600000), then quiescence. The real
 * service with two-way sync on, the contact and Krayin poll workflows on the Temporal dev server, the
 * fake Krayin and the fake Chatwoot over HTTP. Chatwoot edits go through Chatwoot's REST API (the fake
 * sends the account webhook for them, as for the service's own writes); Krayin edits through Krayin's REST
 * API with the full person, as a sales user's tool makes them. The poll runs on explicit poll-now signals
 * at a random cadence (the interval's minimum, 10 s, would make the soak mostly waiting).
 *
 * A seeded PRNG (SOAK_SEED, printed) picks contact, side, field, value and pause; sometimes both sides
 * edit the same field of the same contact at once (a conflict). At the end:
 * (a) both systems hold the same normalised value of every owned field of every contact;
 * (b) the service wrote no more often than humans edited, per contact and side: a Krayin write only for a
 *     Chatwoot edit, a Chatwoot write only for a Krayin edit or to put back a Krayin-owned job title;
 * (c) no ping-pong: after quiescence one more poll and 5 s of waiting cause zero writes anywhere.
 */
import { request } from 'undici';
import { CONNECTION, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/harness';
import { krayinPollOf } from '../helpers/krayin-poll';
import { editKrayinPerson } from '../helpers/krayin-person-edit';

const SOAK_MS = Number(process.env.SOAK_MS ?? 60_000);
const SEED = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000);
jest.setTimeout(SOAK_MS + 300_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: small, deterministic for a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Field = 'name' | 'job_title' | 'email' | 'phone';
type Side = 'chatwoot' | 'krayin';
const FIELDS: Field[] = ['name', 'job_title', 'email', 'phone'];
/**
 * Both sides edit every field. Krayin phone edits were left out before the creation-time proof
 * (src/sync/ownership.ts): when sales changed BOTH the email and the phone of a linked person and the
 * contact changed in Chatwoot before a poll, the forward sync took the person for another customer's and
 * created a new one (seen with SOAK_SEED=4242). SOAK_KRAYIN_PHONE=off leaves them out again.
 */
const KRAYIN_FIELDS: Field[] = process.env.SOAK_KRAYIN_PHONE === 'off' ? ['name', 'job_title', 'email'] : FIELDS;
const CONTACT_IDS = [96101, 96102, 96103, 96104, 96105];

/** Per contact and side: what humans did, what the service did. */
interface Tally {
  humanEdits: Record<Side, number>;
  chatwootJobTitleEdits: number;
  serviceWrites: Record<Side, number>;
}

describe('two-way sync soak', () => {
  let h: Harness;
  const personOf = new Map<number, number>();
  const contactOfPerson = new Map<number, number>();
  const tally = new Map<number, Tally>(
    CONTACT_IDS.map((id) => [
      id,
      { humanEdits: { chatwoot: 0, krayin: 0 }, chatwootJobTitleEdits: 0, serviceWrites: { chatwoot: 0, krayin: 0 } },
    ]),
  );
  // Writes the test itself made and the request logs have not been drained of yet, per contact and side.
  const ownPending = new Map<string, number>();
  const key = (side: Side, contactId: number) => `${side}:${contactId}`;

  const pollNow = () => krayinPollOf(h).pollNow();

  /**
   * Moves the non-GET requests of both fakes into the tally: the test's own writes are subtracted, the
   * rest are the service's. Synchronous read-and-clear, so no request is counted twice or lost.
   */
  function drainWrites(): Record<Side, number> {
    const krayinLog = h.krayinCalls();
    h.krayin.clearRequests();
    const chatwootLog = h.chatwoot.requests();
    h.chatwoot.clearRequests();
    const seen: Record<Side, number> = { chatwoot: 0, krayin: 0 };
    const count = (side: Side, contactId: number) => {
      const k = key(side, contactId);
      const own = ownPending.get(k) ?? 0;
      if (own > 0) return void ownPending.set(k, own - 1);
      tally.get(contactId)!.serviceWrites[side] += 1;
      seen[side] += 1;
    };
    for (const c of krayinLog.filter((r) => r.method !== 'GET')) {
      const m = /^\/contacts\/persons\/(\d+)$/.exec(c.path);
      const contactId = m ? contactOfPerson.get(Number(m[1])) : undefined;
      if (contactId === undefined) throw new Error(`unexpected Krayin write ${c.method} ${c.path}`);
      count('krayin', contactId);
    }
    for (const c of chatwootLog.filter((r) => r.method !== 'GET')) {
      const m = /^\/api\/v1\/accounts\/\d+\/contacts\/(\d+)$/.exec(c.path);
      const contactId = m ? Number(m[1]) : undefined;
      if (contactId === undefined || !tally.has(contactId)) {
        throw new Error(`unexpected Chatwoot write ${c.method} ${c.path}`);
      }
      count('chatwoot', contactId);
    }
    return seen;
  }

  const markOwn = (side: Side, contactId: number) =>
    ownPending.set(key(side, contactId), (ownPending.get(key(side, contactId)) ?? 0) + 1);

  /** A human edit in Chatwoot, through its API (its webhook reaches the ingest before the answer). */
  async function chatwootEdit(contactId: number, field: Field, value: string): Promise<void> {
    const body =
      field === 'name'
        ? { name: value }
        : field === 'email'
          ? { email: value }
          : field === 'phone'
            ? { phone_number: value }
            : { additional_attributes: { job_title: value } };
    markOwn('chatwoot', contactId);
    const res = await request(`${h.chatwoot.url}/api/v1/accounts/${h.chatwoot.accountId}/contacts/${contactId}`, {
      method: 'PUT',
      headers: { api_access_token: h.chatwoot.apiToken, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`Chatwoot PUT answered ${res.statusCode}: ${text}`);
  }

  /** A sales user's edit through Krayin's REST API (PUT needs the full person, src/krayin/README.md §7). */
  async function krayinEdit(contactId: number, field: Field, value: string): Promise<void> {
    const changes: Record<Field, Record<string, unknown>> = {
      name: { name: value },
      job_title: { job_title: value },
      email: { emails: [{ value, label: 'work' }] },
      phone: { contact_numbers: [{ value, label: 'work' }] },
    };
    markOwn('krayin', contactId);
    await editKrayinPerson(h.krayin, personOf.get(contactId)!, changes[field]);
  }

  /** Both sides in the form the forward mapping compares (docs/two-way-sync.md, "What is compared"). */
  function chatwootValues(contactId: number): Record<Field, string | null> {
    const c = h.chatwoot.state.contacts.get(contactId)!;
    const job = (c.additional_attributes as Record<string, unknown> | null)?.job_title;
    return {
      name: c.name?.trim() || null,
      email: c.email?.trim().toLowerCase() || null,
      phone: c.phone_number?.replace(/[\s()-]/g, '') || null,
      job_title: typeof job === 'string' && job.trim() !== '' ? job.trim() : null,
    };
  }
  function krayinValues(contactId: number): Record<Field, string | null> {
    const p = h.krayin.snapshot().persons.find((x) => x.id === personOf.get(contactId))!;
    const first = (list: unknown) =>
      Array.isArray(list) ? (list[0] as { value?: string } | undefined)?.value : undefined;
    return {
      name: p.name?.trim() || null,
      email: first(p.emails)?.trim().toLowerCase() || null,
      phone: first(p.contact_numbers)?.replace(/[\s()-]/g, '') || null,
      job_title: p.job_title?.trim() || null,
    };
  }

  const allIdle = async () => {
    for (const id of CONTACT_IDS) {
      await h.waitFor(id, (s) => s.status === 'idle', 60_000);
    }
  };

  beforeAll(async () => {
    h = await startHarness({
      twoWay: { enabled: true, pollInterval: 'off' },
      sync: { leadPolicy: 'never' },
    });
    h.chatwoot.setWebhook({ url: `${h.ingestUrl}/webhooks/chatwoot/${CONNECTION}`, secret: WEBHOOK_SECRET });
    await krayinPollOf(h).started();
    for (const [i, id] of CONTACT_IDS.entries()) {
      const contact = {
        id,
        name: `Soak Person ${i}`,
        email: `soak-${i}-start@example.com`,
        phone_number: `+4915100${String(i).padStart(2, '0')}00000`,
        additional_attributes: { job_title: `Start Title ${i}` },
        custom_attributes: {},
      };
      expect((await h.sendContact('contact_created', contact)).status).toBe(202);
    }
    for (const id of CONTACT_IDS) {
      await h.waitFor(id, (s) => s.syncStatus === 'synced' && s.status === 'idle');
      const personId = (await h.store.links.getContact(CONNECTION, id))!.personId!;
      personOf.set(id, personId);
      contactOfPerson.set(personId, id);
    }
    await pollNow();
    await allIdle();
    h.krayin.clearRequests();
    h.chatwoot.clearRequests();
  });
  afterAll(() => h?.close());

  // Found by this soak (seed 4242, contact 96104): a linked person whose email and phone were both changed
  // in Krayin was proven the contact's only by the identities the forward sync had written, so it was taken
  // for "not ours" and every later Krayin change of it was dropped (and a later Chatwoot edit created
  // another Krayin person). Identities the two-way step brings to Chatwoot now count as evidence too.
  const IDENTITY_CONTACT = 96199;
  const identityContact = () => h.chatwoot.state.contacts.get(IDENTITY_CONTACT)!;
  const arrives = (pred: () => boolean) => h.waitFor(IDENTITY_CONTACT, (s) => s.status === 'idle' && pred(), 20_000);

  it('a phone changed in Krayin reaches Chatwoot', async () => {
    const contact = {
      id: IDENTITY_CONTACT,
      name: 'Identity Person',
      email: 'identity-start@example.com',
      phone_number: '+4915100990000',
      additional_attributes: {},
      custom_attributes: {},
    };
    expect((await h.sendContact('contact_created', contact)).status).toBe(202);
    await h.waitFor(IDENTITY_CONTACT, (s) => s.syncStatus === 'synced' && s.status === 'idle');
    personOf.set(IDENTITY_CONTACT, (await h.store.links.getContact(CONNECTION, IDENTITY_CONTACT))!.personId!);
    await krayinEdit(IDENTITY_CONTACT, 'phone', '+4915100990001');
    await pollNow();
    await arrives(() => identityContact().phone_number === '+4915100990001');
  });

  it("then an email changed in Krayin reaches Chatwoot too: the person is still known as the contact's", async () => {
    await krayinEdit(IDENTITY_CONTACT, 'email', 'identity-next@example.com');
    await pollNow();
    await arrives(() => identityContact().email === 'identity-next@example.com');
  });

  it(`random edits on both sides for ${SOAK_MS} ms end equal, with no more writes than edits and no ping-pong`, async () => {
    console.log(`two-way soak: seed ${SEED} (SOAK_SEED=${SEED} repeats the edit sequence), ${SOAK_MS} ms`);
    // The identity tests above wrote too: the soak counts from here.
    h.krayin.clearRequests();
    h.chatwoot.clearRequests();
    ownPending.clear();
    const rand = prng(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    let serial = 0;
    const valueFor = (contactIdx: number, field: Field): string => {
      serial += 1;
      const n = String(serial).padStart(5, '0');
      if (field === 'name') return `Soak ${contactIdx} Name ${n}`;
      if (field === 'job_title') return `Title ${contactIdx}-${n}`;
      if (field === 'email') return `soak-${contactIdx}-${n}@example.com`;
      return `+4915100${String(contactIdx).padStart(2, '0')}${n}`;
    };
    const sequence: string[] = [];
    let conflictsAttempted = 0;
    const started = Date.now();

    // Poll-now hints at a random cadence, from their own PRNG so the edit sequence does not depend on them.
    let editing = true;
    const pollRand = prng(SEED ^ 0x5eed);
    let pollsSignalled = 0;
    const poller = (async () => {
      while (editing) {
        await sleep(500 + pollRand() * 3500);
        if (!editing) break;
        await krayinPollOf(h).hint();
        pollsSignalled += 1;
      }
    })();

    try {
      while (Date.now() - started < SOAK_MS) {
        const idx = Math.floor(rand() * CONTACT_IDS.length);
        const contactId = CONTACT_IDS[idx]!;
        const t = tally.get(contactId)!;
        const both = rand() < 0.1;
        const side: Side = rand() < 0.5 ? 'chatwoot' : 'krayin';
        const field = pick(both || side === 'krayin' ? KRAYIN_FIELDS : FIELDS);
        if (both) {
          // Both sides edit the same field of one contact within the same second: a conflict.
          const cw = valueFor(idx, field);
          const kr = valueFor(idx, field);
          sequence.push(`${Date.now() - started}ms both ${contactId} ${field}`);
          await Promise.all([chatwootEdit(contactId, field, cw), krayinEdit(contactId, field, kr)]);
          t.humanEdits.chatwoot += 1;
          t.humanEdits.krayin += 1;
          if (field === 'job_title') t.chatwootJobTitleEdits += 1;
          conflictsAttempted += 1;
        } else {
          const value = valueFor(idx, field);
          sequence.push(`${Date.now() - started}ms ${side} ${contactId} ${field}`);
          await (side === 'chatwoot' ? chatwootEdit : krayinEdit)(contactId, field, value);
          t.humanEdits[side] += 1;
          if (side === 'chatwoot' && field === 'job_title') t.chatwootJobTitleEdits += 1;
        }
        drainWrites();
        await sleep(200 + rand() * 2800);
      }
    } finally {
      editing = false;
      await poller;
    }
    const editingMs = Date.now() - started;

    // Quiescence: poll, let every contact settle, until two rounds in a row hand nothing over and write nothing.
    let quietRounds = 0;
    const quiesceDeadline = Date.now() + 180_000;
    while (quietRounds < 2) {
      if (Date.now() > quiesceDeadline) throw new Error(`no quiescence within 180 s (seed ${SEED})`);
      const poll = await pollNow();
      await allIdle();
      await sleep(1500);
      await allIdle();
      const seen = drainWrites();
      quietRounds = poll.lastHanded === 0 && seen.chatwoot === 0 && seen.krayin === 0 ? quietRounds + 1 : 0;
    }
    const settledMs = Date.now() - started;

    // (c) no ping-pong: one more poll and 5 s of waiting cause zero writes anywhere.
    const finalPoll = await pollNow();
    await sleep(5000);
    await allIdle();
    const afterQuiet = drainWrites();

    let conflictsRecorded = 0;
    for (const id of CONTACT_IDS) {
      conflictsRecorded += (await h.store.twoWay.listConflicts(CONNECTION, { contactId: id, limit: 100_000 })).length;
    }
    const sum = (f: (t: Tally) => number) => [...tally.values()].reduce((acc, t) => acc + f(t), 0);
    const figures = {
      seed: SEED,
      soakMs: SOAK_MS,
      editingMs,
      settledMs,
      humanEdits: { chatwoot: sum((t) => t.humanEdits.chatwoot), krayin: sum((t) => t.humanEdits.krayin) },
      chatwootJobTitleEdits: sum((t) => t.chatwootJobTitleEdits),
      conflictsAttempted,
      conflictsRecorded,
      serviceWrites: { chatwoot: sum((t) => t.serviceWrites.chatwoot), krayin: sum((t) => t.serviceWrites.krayin) },
      pollsSignalled,
      perContact: Object.fromEntries(tally),
    };
    console.log(`two-way soak figures: ${JSON.stringify(figures, null, 1)}`);

    // Every write the test made was seen in the logs (else the subtraction above is off).
    expect([...ownPending.values()].every((n) => n === 0)).toBe(true);

    // (a) equal on every owned field.
    const mismatches: string[] = [];
    for (const id of CONTACT_IDS) {
      const cw = chatwootValues(id);
      const kr = krayinValues(id);
      for (const f of FIELDS) {
        if (cw[f] !== kr[f]) {
          const history = sequence.filter((s) => s.includes(` ${id} ${f}`)).slice(-6);
          mismatches.push(`contact ${id} ${f}: chatwoot ${cw[f]} / krayin ${kr[f]}; last edits: ${history.join(', ')}`);
        }
      }
    }
    if (mismatches.length > 0) {
      // What a failure needs to be reproduced and understood: the edit sequence, the workflows' and store's view.
      console.log(`two-way soak edit sequence (seed ${SEED}):\n${sequence.join('\n')}`);
      for (const id of new Set(mismatches.map((m) => Number(m.split(' ')[1])))) {
        const status = await h.status(id);
        const audit = (await h.store.audit.list(CONNECTION, id)).map((e) => e.action);
        console.log(`contact ${id}: status ${JSON.stringify(status)}\naudit ${JSON.stringify(audit)}`);
      }
    }
    expect(mismatches).toEqual([]);

    // (b) no more service writes than human edits, per contact and side.
    const excess: string[] = [];
    for (const [id, t] of tally) {
      if (t.serviceWrites.krayin > t.humanEdits.chatwoot) {
        excess.push(
          `contact ${id}: ${t.serviceWrites.krayin} Krayin writes for ${t.humanEdits.chatwoot} Chatwoot edits`,
        );
      }
      if (t.serviceWrites.chatwoot > t.humanEdits.krayin + t.chatwootJobTitleEdits) {
        excess.push(
          `contact ${id}: ${t.serviceWrites.chatwoot} Chatwoot writes for ${t.humanEdits.krayin} Krayin edits` +
            ` and ${t.chatwootJobTitleEdits} Chatwoot job title edits`,
        );
      }
    }
    expect(excess).toEqual([]);
    expect(figures.serviceWrites.chatwoot + figures.serviceWrites.krayin).toBeLessThanOrEqual(
      figures.humanEdits.chatwoot + figures.humanEdits.krayin,
    );
    // Edits did reach the other side (a soak where nothing synced would pass the bounds above).
    expect(figures.serviceWrites.krayin).toBeGreaterThan(0);
    expect(figures.serviceWrites.chatwoot).toBeGreaterThan(0);

    // (c)
    expect(finalPoll.lastHanded).toBe(0);
    expect(afterQuiet).toEqual({ chatwoot: 0, krayin: 0 });
  });
});
