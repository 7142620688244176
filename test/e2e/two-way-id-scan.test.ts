/**
 * The Krayin poll's periodic id scan (KRAYIN_SCAN_INTERVAL; docs/two-way-sync.md, "The id scan"), end to
 * end: the real service with two-way sync on, the poll and contact workflows on the Temporal dev server,
 * the fake Krayin and the fake Chatwoot over HTTP. The scan runs every 10 s here (the poll only on a
 * hint), so each test waits for the next pass.
 *
 * Measured: a pass with nothing changed costs ceil(persons / 500) + ceil(leads / 500) Krayin reads and
 * writes nothing; an edit that leaves `updated_at` alone (made in Krayin's database) is missed by the
 * watermark poll and brought to Chatwoot by the scan; a linked person deleted in Krayin goes through the
 * Krayin-deleted path (link dropped, the contact's workflow creates a person again, once).
 */
import { request } from 'undici';
import { CONNECTION, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/harness';
import { krayinPollOf } from '../helpers/krayin-poll';
import type { KrayinScanStatus } from '../../workflows/krayin-scan';

jest.setTimeout(180_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const route = (c: { method: string; path: string }) => `${c.method} ${c.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
/** Persons in Krayin that no contact links to: enough for two id pages of persons (500 a page). */
const UNLINKED = 520;

describe('two-way id scan', () => {
  let h: Harness;
  const contacts = [7201, 7202].map((id) => ({
    id,
    name: `Scan Person ${id}`,
    email: `scan.${id}@example.com`,
    phone_number: `+49151000${id}`,
    additional_attributes: {},
    custom_attributes: {},
  }));
  const person = new Map<number, number>();

  const poll = () => krayinPollOf(h);
  const scanStatus = async (): Promise<KrayinScanStatus> => {
    const s = (await poll().status()).scan;
    if (!s) throw new Error('the poll shows no scan');
    return s;
  };
  const chatwootName = (id: number) => h.chatwoot.state.contacts.get(id)?.name;

  /** Waits until a pass that starts after this call has finished; returns its figures. */
  async function nextPass(): Promise<NonNullable<KrayinScanStatus['last']>> {
    // A pass under way now may have begun before the caller's change: wait for it to end first.
    const deadline = Date.now() + 90_000;
    let s = await scanStatus();
    while (s.current !== null) {
      if (Date.now() > deadline) throw new Error(`the pass did not end: ${JSON.stringify(s)}`);
      await sleep(100);
      s = await scanStatus();
    }
    const passes = s.passes;
    while (s.passes <= passes || s.current !== null) {
      if (Date.now() > deadline) throw new Error(`no scan pass ran: ${JSON.stringify(s)}`);
      await sleep(100);
      s = await scanStatus();
    }
    return s.last!;
  }

  async function krayinApi(method: string, path: string, body?: unknown): Promise<number> {
    const res = await request(`${h.krayin.apiBase}${path}`, {
      method: method as 'GET',
      headers: {
        authorization: `Bearer ${h.krayin.token}`,
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    await res.body.text();
    return res.statusCode;
  }

  beforeAll(async () => {
    h = await startHarness({
      twoWay: { enabled: true, pollInterval: 'off', scanInterval: '10s' },
      sync: { leadPolicy: 'never' },
    });
    h.chatwoot.setWebhook({ url: `${h.ingestUrl}/webhooks/chatwoot/${CONNECTION}`, secret: WEBHOOK_SECRET });
    for (let i = 0; i < UNLINKED; i++) {
      const status = await krayinApi('POST', '/contacts/persons', {
        name: `Unlinked ${i}`,
        emails: [{ value: `unlinked.${i}@example.com`, label: 'work' }],
        contact_numbers: [{ value: `+4930${String(100000 + i)}`, label: 'work' }],
      });
      expect(status).toBe(200);
    }
    await poll().started();
    for (const c of contacts) {
      expect((await h.sendContact('contact_created', c)).status).toBe(202);
      await h.waitFor(c.id, (s) => s.syncStatus === 'synced' && s.status === 'idle');
      person.set(c.id, (await h.store.links.getContact(CONNECTION, c.id))!.personId!);
      // The forward write recorded the agreed values: the scan compares against them.
      expect(Object.keys(await h.store.twoWay.getFields(CONNECTION, c.id)).length).toBeGreaterThan(0);
    }
  });
  afterAll(() => h?.close());

  it('a pass with nothing changed reads ceil(n / 500) pages per kind and writes nothing', async () => {
    await nextPass(); // the contacts' creation settled
    h.krayin.clearRequests();
    h.chatwoot.clearRequests();
    const last = await nextPass();
    const scanReads = h.krayinCalls().filter((c) => c.query.sort === 'id');
    // 522 persons: 2 pages; no lead: 1 page.
    expect(scanReads.map(route)).toEqual(['GET /contacts/persons', 'GET /contacts/persons', 'GET /leads']);
    expect(scanReads.map((c) => c.query.page)).toEqual(['1', '2', '1']);
    expect(last).toMatchObject({ scanned: UNLINKED + 2, handed: 0, deleted: 0, calls: 3 });
    expect(h.krayinCalls().filter((c) => c.method !== 'GET')).toEqual([]);
    expect(h.chatwoot.requests().filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('an edit that leaves updated_at alone is missed by the watermark poll and brought by the scan', async () => {
    // A sales user's edit of another person, later than the lookback margin (2 s): the watermark moves
    // past the contacts' persons, so the watermark poll stops listing them.
    await sleep(2100);
    const other = h.krayin.snapshot().persons.find((p) => p.name === 'Unlinked 0')!;
    const put = await krayinApi('PUT', `/contacts/persons/${other.id}`, {
      name: 'Unlinked 0 (edited)',
      emails: other.emails,
      contact_numbers: other.contact_numbers,
    });
    expect(put).toBe(200);
    await poll().pollNow();
    await nextPass(); // the next pass is 10 s away: the poll below runs alone
    const id = person.get(7201)!;
    const before = h.krayin.snapshot().persons.find((p) => p.id === id)!;
    h.krayin.updatePersonInDatabase(id, { name: 'Renamed In The Database' });
    expect(h.krayin.snapshot().persons.find((p) => p.id === id)!.updated_at).toBe(before.updated_at);

    // The watermark poll lists by updated_at: the person did not move, nothing is handed over.
    h.chatwoot.clearRequests();
    expect(await poll().pollNow()).toMatchObject({ lastHanded: 0, lastFailure: null });
    expect((await scanStatus()).current).toBeNull();
    await sleep(500);
    expect(chatwootName(7201)).toBe('Scan Person 7201');

    expect(await nextPass()).toMatchObject({ handed: 1, deleted: 0 });
    await h.waitFor(7201, () => chatwootName(7201) === 'Renamed In The Database', 30_000);
    // Handed once: the following pass finds the value agreed on and hands nothing.
    expect(await nextPass()).toMatchObject({ handed: 0 });
    const writes = h.chatwoot
      .requests()
      .filter((r) => r.method !== 'GET')
      .map(route);
    expect(writes).toEqual(['PUT /api/v1/accounts/{id}/contacts/{id}']);
    // Nothing went back to Krayin.
    expect(h.krayin.snapshot().persons.find((p) => p.id === id)!.name).toBe('Renamed In The Database');
  });

  it('a linked person deleted in Krayin goes through the Krayin-deleted path: the contact gets a person again, once', async () => {
    const old = person.get(7202)!;
    expect(await krayinApi('DELETE', `/contacts/persons/${old}`)).toBe(200);
    const last = await nextPass();
    expect(last.deleted).toBe(1);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const link = await h.store.links.getContact(CONNECTION, 7202);
      if (link?.personId != null && link.personId !== old) break;
      if (Date.now() > deadline) throw new Error('the contact was not linked to a new person');
      await sleep(100);
    }
    const audit = await h.store.audit.list(CONNECTION, 7202, 100);
    expect(audit.filter((a) => a.action === 'reconcile.krayin_deleted').map((a) => a.detail)).toEqual([
      { kind: 'person', krayinId: old },
    ]);
    const persons = h.krayin
      .snapshot()
      .persons.filter((p) => JSON.stringify(p.emails ?? []).includes('"scan.7202@example.com"'));
    expect(persons).toHaveLength(1);
    // The next pass finds nothing more to do.
    expect(await nextPass()).toMatchObject({ deleted: 0, handed: 0 });
  });
});
