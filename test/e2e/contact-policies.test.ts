/**
 * Policies and edge cases of the contact sync, end to end: custom field maps (and Krayin's real 422
 * on them), email-less contacts, lead policy "never", deleted contacts, and a workflow run that closes
 * when idle and reloads its state from the store when the next event arrives.
 */
import { startHarness, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';

function contact(id: number, extra: Partial<ContactInput> = {}): ContactInput {
  return {
    id,
    name: `Contact ${id}`,
    email: `contact.${id}@example.com`,
    phone_number: '',
    additional_attributes: {},
    custom_attributes: {},
    ...extra,
  };
}

describe('a custom field map', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      sync: { fieldMap: { person: { cw_member_no: 'custom_attributes.member_no' } }, leadPolicy: 'never' },
    });
    h.krayin.addAttribute({
      entity_type: 'persons',
      code: 'cw_member_no',
      name: 'Member no',
      type: 'text',
      is_unique: true,
    });
  });
  afterAll(() => h?.close());

  it('writes the custom attribute, and a Krayin 422 on it parks only that contact, with the reason', async () => {
    await h.sendContact('contact_created', contact(3001, { custom_attributes: { member_no: 'M-1' } }));
    await h.waitFor(3001, (s) => s.syncStatus === 'synced');
    const first = h.krayin.snapshot().persons.find((p) => p.emails && JSON.stringify(p.emails).includes('3001'));
    expect(first?.custom_attributes).toEqual({ cw_member_no: 'M-1' });

    // Same member number on another contact: Krayin's uniqueness rule answers 422.
    await h.sendContact('contact_created', contact(3002, { custom_attributes: { member_no: 'M-1' } }));
    const parked = await h.waitFor(3002, (s) => s.syncStatus === 'parked');
    expect(parked.parkReason).toMatchObject({
      kind: 'validation',
      endpoint: 'POST /contacts/persons',
      fieldErrors: { cw_member_no: ['The value has already been taken.'] },
    });
    expect((await h.store.syncState.get('default', 3002))?.parkReason?.fieldErrors).toEqual({
      cw_member_no: ['The value has already been taken.'],
    });

    // Other contacts are not blocked, and fixing the data resumes the parked one.
    await h.sendContact('contact_created', contact(3003, { custom_attributes: { member_no: 'M-3' } }));
    await h.waitFor(3003, (s) => s.syncStatus === 'synced');
    await h.sendContact('contact_updated', contact(3002, { custom_attributes: { member_no: 'M-2' } }));
    await h.waitFor(3002, (s) => s.syncStatus === 'synced');
    expect(h.krayin.snapshot().persons).toHaveLength(3);
    expect(h.krayin.snapshot().leads).toHaveLength(0); // lead policy "never"
  });

  it('a map naming an attribute Krayin does not have parks with a clear mapping error', async () => {
    const bad = await startHarness({ sync: { fieldMap: { person: { cw_nope: 'custom_attributes.x' } } } });
    try {
      await bad.sendContact('contact_created', contact(3010, { custom_attributes: { x: '1' } }));
      const s = await bad.waitFor(3010, (st) => st.syncStatus === 'parked');
      expect(s.parkReason?.kind).toBe('mapping');
      expect(s.parkReason?.message).toContain('cw_nope');
      expect(bad.krayin.snapshot().persons).toHaveLength(0);
    } finally {
      await bad.close();
    }
  });
});

describe('email-less contacts', () => {
  it('are skipped under the default policy until an email appears', async () => {
    const h = await startHarness();
    try {
      await h.sendContact('contact_created', contact(3101, { email: null, phone_number: '+4915112340000' }));
      const s = await h.waitFor(3101, (st) => st.syncCount >= 1);
      expect(s.syncStatus).toBe('skipped');
      expect(s.lastOutcome).toEqual({ kind: 'skipped', note: expect.stringContaining('email') });
      expect(h.krayinCalls().filter((c) => c.method !== 'GET')).toEqual([]);

      await h.sendContact('contact_updated', contact(3101, { phone_number: '+4915112340000' }));
      await h.waitFor(3101, (st) => st.syncStatus === 'synced');
      expect(h.krayin.snapshot().persons).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('get a placeholder email from their phone under the placeholder policy', async () => {
    const h = await startHarness({
      sync: { emaillessPolicy: 'placeholder', placeholderEmailDomain: 'no-email.invalid' },
    });
    try {
      await h.sendContact('contact_created', contact(3102, { email: null, phone_number: '+4915112340001' }));
      await h.waitFor(3102, (st) => st.syncStatus === 'synced');
      const [person] = h.krayin.snapshot().persons;
      expect(person?.emails).toEqual([{ value: '4915112340001@no-email.invalid', label: 'work' }]);
      expect(person?.contact_numbers).toEqual([{ value: '+4915112340001', label: 'work' }]);
    } finally {
      await h.close();
    }
  });
});

describe('contact lifecycle', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sync: { idleCloseMs: 1_500 } });
  });
  afterAll(() => h?.close());

  it('a contact deleted in Chatwoot (404) is recorded as gone and nothing is written', async () => {
    await h.sendContact('contact_created', contact(3201));
    h.chatwoot.deleteContact(3201);
    const s = await h.waitFor(3201, (st) => st.syncCount >= 1);
    expect(s.lastOutcome).toEqual({ kind: 'gone' });
    expect(h.krayin.snapshot().persons).toHaveLength(0);
    expect((await h.store.syncState.get('default', 3201))?.status).toBe('skipped');
  });

  it('an idle run closes; the next event starts a new run that reloads state from the store', async () => {
    await h.sendContact('contact_created', contact(3202));
    await h.waitFor(3202, (st) => st.syncStatus === 'synced');
    const firstRun = (await h.handle(3202).describe()).runId;
    await h.handle(3202).result(); // closes after idleCloseMs without events
    h.krayin.clearRequests();

    await h.sendContact('contact_updated', contact(3202, { custom_attributes: { unmapped: true } }));
    const s = await h.waitFor(3202, (st) => st.syncCount >= 1);
    expect((await h.handle(3202).describe()).runId).not.toBe(firstRun);
    expect(s.lastOutcome).toEqual({ kind: 'unchanged' }); // the new run knew the last hash from the store
    expect(s.syncStatus).toBe('synced');
    expect(h.krayinCalls()).toEqual([]);
  });
});
