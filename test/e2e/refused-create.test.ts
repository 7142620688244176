/**
 * A create Krayin refused with a 422 is never sent again by a retry (activities/krayin/refused-create.ts).
 *
 * The path of issue 11: the person create answers 422 "already taken" (another contact's sync, or
 * someone in Krayin's UI, created that email a moment earlier), the lookup that should then find and
 * link that person fails retryably (here Krayin throttles it), and Temporal retries the activity. If
 * the person is gone by then (deleted in Krayin), the retry's lookup finds nothing again; before the
 * fix it sent the create a second time. Now the refusal is final: the contact parks with the 422.
 */
import { KrayinClient } from '../../src/krayin/client';
import { anyJson } from '../../src/krayin/schemas';
import { startHarness, type Harness } from '../helpers/harness';

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a create refused with a 422', () => {
  let h: Harness;
  let api: KrayinClient;
  beforeAll(async () => {
    h = await startHarness({ sync: { leadPolicy: 'never', debounceMs: 0 } });
    api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  it('is not sent a second time when the lookup after it fails and the activity is retried', async () => {
    const email = 'refused.create@example.com';
    // The sync's create is slow, so the colliding person can be created while it is on its way.
    h.krayin.addFaults({ kind: 'latency', method: 'POST', path: '^/contacts/persons$', delayMs: 1_500, times: 1 });
    const res = await h.sendContact('contact_created', {
      id: 5101,
      name: 'Refused Create',
      email,
      additional_attributes: {},
      custom_attributes: {},
    });
    expect(res.status).toBe(202);
    const creates = () => h.krayinCalls().filter((c) => c.method === 'POST' && c.path === '/contacts/persons');
    await until(() => creates().length === 1, 'the sync to send its create');

    // Meanwhile: the same email is created in Krayin, and the lookup after the 422 will be throttled.
    const colliding = await api.createPerson({
      name: 'Someone Else',
      emails: [{ value: email, label: 'work' }],
      contact_numbers: [],
    });
    h.krayin.addFaults({
      kind: 'rate_limit',
      method: 'GET',
      path: '^/contacts/persons/search$',
      retryAfter: 2,
      times: 1,
    });
    await until(
      () => h.krayinCalls().some((c) => c.path === '/contacts/persons/search' && c.fault === 'rate_limit'),
      'the lookup after the 422 to be throttled',
    );
    expect(creates().map((c) => c.status)).toEqual([422, 200]); // the sync's (refused), then ours

    // Before the retry: the colliding person is deleted, so the retry's lookup finds nothing again.
    await api.requestJson(
      { method: 'DELETE', endpoint: 'DELETE /contacts/persons/{id}', path: `/contacts/persons/${colliding.id}` },
      anyJson,
    );

    const s = await h.waitFor(5101, (st) => st.status === 'idle' && st.syncStatus === 'parked', 30_000);
    expect(s.parkReason?.kind).toBe('validation');
    // The refused create went out once; the retry only looked up.
    expect(creates().map((c) => c.status)).toEqual([422, 200]);
    expect(h.krayin.snapshot().persons.filter((p) => JSON.stringify(p.emails).includes(email))).toEqual([]);
  });
});
