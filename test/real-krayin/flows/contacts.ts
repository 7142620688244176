/**
 * Contact flows: Chatwoot contacts in, Krayin organizations / persons / leads out. Each flow asserts
 * the end state it must reach on any Krayin, fake or real (see ../helpers/flows.ts).
 */
import type { ContactInput } from '../../helpers/webhooks';
import type { Flow } from '../helpers/flows';

/** Contact ids of this tier (9xxx), apart from those other suites use on the same Temporal server. */
export function contact(id: number, extra: Partial<ContactInput> = {}): ContactInput {
  return {
    id,
    name: `Jane Doe ${id}`,
    email: `jane.${id}@example.com`,
    phone_number: '+4915112345678',
    additional_attributes: { company_name: `Acme Logistics ${id} GmbH`, description: 'Head of Operations' },
    custom_attributes: {},
    ...extra,
  };
}

export const contactWithCompany: Flow = async (t) => {
  const res = await t.h.sendContact('contact_created', contact(9001));
  expect(res.status).toBe(202);
  await t.h.waitFor(9001, (s) => s.syncStatus === 'synced' && s.status === 'idle', 60_000);

  const k = await t.view();
  expect(k.organizations.map((o) => o.name)).toEqual(['Acme Logistics 9001 GmbH']);
  expect(k.persons).toHaveLength(1);
  const person = k.persons[0]!;
  expect(person).toMatchObject({
    name: 'Jane Doe 9001',
    emails: [{ value: 'jane.9001@example.com', label: 'work' }],
    contact_numbers: [{ value: '+4915112345678', label: 'work' }],
    job_title: 'Head of Operations',
    organization_id: k.organizations[0]!.id,
  });
  expect(k.leads).toHaveLength(1);
  expect(k.leads[0]).toMatchObject({ person_id: person.id, title: 'Jane Doe 9001 (Chatwoot)', stage_code: 'new' });
  expect(await t.h.store.links.getContact('default', 9001)).toMatchObject({
    personId: person.id,
    organizationId: k.organizations[0]!.id,
    leadId: k.leads[0]!.id,
  });
};

/** A person sales created by hand with the contact's email is linked (and updated), never duplicated. */
export const existingPersonLinked: Flow = async (t) => {
  const existing = await t.sales((api) =>
    api.createPerson({
      name: 'J. Doe',
      emails: [{ value: 'jane.9002@example.com', label: 'work' }],
      contact_numbers: [{ value: '+4930111111', label: 'work' }],
    }),
  );
  await t.h.sendContact('contact_created', contact(9002, { phone_number: '', additional_attributes: {} }));
  await t.h.waitFor(9002, (s) => s.syncStatus === 'synced' && s.status === 'idle', 60_000);

  const k = await t.view();
  expect(k.persons).toHaveLength(1);
  expect(k.persons[0]).toMatchObject({
    id: existing.id,
    name: 'Jane Doe 9002',
    contact_numbers: [{ value: '+4930111111', label: 'work' }], // kept
  });
  expect((await t.h.store.links.getContact('default', 9002))?.personId).toBe(existing.id);
  expect(k.leads.map((l) => l.person_id)).toEqual([existing.id]);
};

/**
 * A person sales typed with capitals in the email (Chatwoot lower-cases every email; Krayin's email
 * search and uniqueness check are both case-sensitive on MariaDB) should be linked too.
 */
export const caseVariantPersonLinked: Flow = async (t) => {
  const existing = await t.sales((api) =>
    api.createPerson({
      name: 'J. Doe',
      emails: [{ value: 'Jane.9003@Example.COM', label: 'work' }],
      contact_numbers: [{ value: '+4930222222', label: 'work' }],
    }),
  );
  await t.h.sendContact('contact_created', contact(9003, { phone_number: '', additional_attributes: {} }));
  await t.h.waitFor(9003, (s) => s.syncStatus === 'synced' && s.status === 'idle', 60_000);
  const k = await t.view();
  expect(k.persons.map((p) => p.id)).toEqual([existing.id]);
  expect((await t.h.store.links.getContact('default', 9003))?.personId).toBe(existing.id);
};

/**
 * The person lookup searches email and phone in ONE request (prettus ORs the two fields): a person with
 * the contact's email but another phone, and one with the contact's phone but another email, are each
 * found and linked, never duplicated (an AND would miss both).
 */
export const emailOrPhoneSearchLinks: Flow = async (t) => {
  const [byEmail, byPhone] = await t.sales(async (api) => [
    await api.createPerson({
      name: 'Mail Match',
      emails: [{ value: 'jane.9005@example.com', label: 'work' }],
      contact_numbers: [{ value: '+4930333333', label: 'work' }],
    }),
    await api.createPerson({
      name: 'Phone Match',
      emails: [{ value: 'someone.else.9006@example.com', label: 'work' }],
      contact_numbers: [{ value: '+4915199990006', label: 'work' }],
    }),
  ]);
  // One after the other, so the call sequences of the fake and the real Krayin can be compared.
  await t.h.sendContact('contact_created', contact(9005, { additional_attributes: {} }));
  await t.h.waitFor(9005, (s) => s.syncStatus === 'synced' && s.status === 'idle', 60_000);
  await t.h.sendContact(
    'contact_created',
    contact(9006, { phone_number: '+4915199990006', additional_attributes: {} }),
  );
  await t.h.waitFor(9006, (s) => s.syncStatus === 'synced' && s.status === 'idle', 60_000);
  const k = await t.view();
  expect(k.persons.map((p) => p.id).sort((a, b) => a - b)).toEqual([byEmail!.id, byPhone!.id].sort((a, b) => a - b));
  expect((await t.h.store.links.getContact('default', 9005))?.personId).toBe(byEmail!.id);
  expect((await t.h.store.links.getContact('default', 9006))?.personId).toBe(byPhone!.id);
};

/** Sales' additions on a synced person survive the next Chatwoot update: owner, extra email and phone. */
export const updateKeepsSalesAdditions: Flow = async (t) => {
  const jane = contact(9004);
  await t.h.sendContact('contact_created', jane);
  await t.h.waitFor(9004, (s) => s.syncStatus === 'synced' && s.status === 'idle', 60_000);
  const personId = (await t.view()).persons[0]!.id;
  await t.sales(async (api, raw) => {
    await raw('POST', '/settings/attributes', { entity_type: 'persons', code: 'vip', name: 'VIP', type: 'boolean' });
    await raw('POST', '/settings/attributes', { entity_type: 'persons', code: 'tier', name: 'Tier', type: 'text' });
    const before = (await api.getPerson(personId))!;
    await api.updatePerson(personId, {
      name: before.name ?? '',
      emails: [...(before.emails ?? []), { value: 'jane.private.9004@example.com', label: 'home' }],
      contact_numbers: [...(before.contact_numbers ?? []), { value: '+4930999999', label: 'home' }],
      organization_id: before.organization?.id ?? null,
      user_id: 1,
      attributes: { vip: 1, tier: 'gold' },
    });
  });
  expect((await t.view()).persons[0]!.custom_attributes).toEqual({ vip: 1, tier: 'gold' });

  await t.h.sendContact('contact_updated', { ...jane, name: 'Jane Smith', phone_number: '+4915199999999' });
  await t.h.waitFor(9004, (s) => s.syncCount === 2 && s.status === 'idle', 60_000);
  const k = await t.view();
  expect(k.persons).toHaveLength(1);
  expect(k.persons[0]).toMatchObject({
    name: 'Jane Smith',
    user_id: 1,
    emails: [
      { value: 'jane.9004@example.com', label: 'work' },
      { value: 'jane.private.9004@example.com', label: 'home' },
    ],
    contact_numbers: [
      { value: '+4915199999999', label: 'work' },
      { value: '+4915112345678', label: 'work' },
      { value: '+4930999999', label: 'home' },
    ],
  });
  // Krayin 2.1.2 resets every custom boolean a person PUT omits, and its API never returns custom
  // attributes, so no client can resend what sales set: the text attribute survives, the boolean cannot
  // (src/krayin/README.md §11). Asserted so that the fake keeps modelling it and a change shows.
  expect(k.persons[0]!.custom_attributes).toEqual({ vip: 0, tier: 'gold' });
};

/** leadPolicy never + a map to a unique custom attribute: Krayin's 422 parks only the contact that clashes. */
export const uniqueAttributeParksOnlyThatContact: Flow = async (t) => {
  await t.sales((_api, raw) =>
    raw('POST', '/settings/attributes', {
      entity_type: 'persons',
      code: 'cw_member_no',
      name: 'Member no',
      type: 'text',
      is_unique: 1,
    }),
  );
  const member = (id: number, no: string) =>
    contact(id, { phone_number: '', additional_attributes: {}, custom_attributes: { member_no: no } });
  await t.h.sendContact('contact_created', member(9021, 'M-1'));
  await t.h.waitFor(9021, (s) => s.syncStatus === 'synced' && s.status === 'idle', 60_000);
  await t.h.sendContact('contact_created', member(9022, 'M-1'));
  const parked = await t.h.waitFor(9022, (s) => s.syncStatus === 'parked', 60_000);
  expect(parked.parkReason).toMatchObject({
    kind: 'validation',
    endpoint: 'POST /contacts/persons',
    fieldErrors: { cw_member_no: ['The value has already been taken.'] },
  });
  await t.h.sendContact('contact_created', member(9023, 'M-3'));
  await t.h.waitFor(9023, (s) => s.syncStatus === 'synced' && s.status === 'idle', 60_000);
  const k = await t.view();
  expect(k.persons.map((p) => p.custom_attributes)).toEqual([{ cw_member_no: 'M-1' }, { cw_member_no: 'M-3' }]);
};
