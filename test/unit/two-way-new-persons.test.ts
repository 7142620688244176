/** planNewPerson: what the Krayin poll does with a person no contact links to (KRAYIN_NEW_PERSONS=create). */
import { syncSchema } from '../../src/config/schema';
import { NEW_PERSON_SETTLE_MS, planNewPerson } from '../../src/two-way/new-persons';

const sync = syncSchema.parse({});
const now = new Date('2026-12-07T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, '.000000Z');

const person = {
  name: 'Grace Hopper',
  emails: [
    { value: 'Grace@Example.com', label: 'work' },
    { value: 'g2@example.com', label: 'home' },
  ],
  contact_numbers: [{ value: '+49 151 0000 7302', label: 'work' }],
  job_title: 'Rear Admiral',
  organization: { id: 3, name: 'Compiler Works' } as never,
  created_at: ago(NEW_PERSON_SETTLE_MS + 1000),
};

describe('planNewPerson', () => {
  it('waits while the person is younger than the settle time (the forward sync may be linking it)', () => {
    expect(planNewPerson({ ...person, created_at: ago(10_000) }, sync, now)).toEqual({ kind: 'wait' });
    expect(planNewPerson({ ...person, created_at: ago(-10_000) }, sync, now)).toEqual({ kind: 'wait' });
  });

  it('does not hold on to a person whose created_at is far in the future (a wrong clock)', () => {
    expect(planNewPerson({ ...person, created_at: ago(-10 * NEW_PERSON_SETTLE_MS) }, sync, now).kind).toBe('adopt');
  });

  it('plans the contact through the reverse field map: first email (lower-cased), E.164 phone, job title, company', () => {
    const plan = planNewPerson(person, sync, now);
    expect(plan).toMatchObject({
      kind: 'adopt',
      emails: ['grace@example.com', 'g2@example.com'],
      phones: ['+4915100007302'],
      contact: {
        name: 'Grace Hopper',
        email: 'grace@example.com',
        phone_number: '+4915100007302',
        additional_attributes: { job_title: 'Rear Admiral', company_name: 'Compiler Works' },
      },
      // The company is agreed from the start too: a later Krayin change of the organization is a change.
      fields: ['name', 'email', 'phone', 'job_title', 'organization'],
    });
  });

  it('leaves the company out when organizations are not synced', () => {
    const plan = planNewPerson(person, { ...sync, syncOrganizations: false }, now);
    expect(plan.kind === 'adopt' && plan.contact.additional_attributes).toEqual({ job_title: 'Rear Admiral' });
    expect(plan.kind === 'adopt' && plan.fields).toEqual(['name', 'email', 'phone', 'job_title']);
  });

  it('skips a person with neither a real email nor an E.164 phone (placeholder emails are the sync’s own)', () => {
    const placeholderOnly = {
      ...person,
      emails: [{ value: '4915100007302@no-email.invalid', label: 'work' }],
      contact_numbers: [{ value: 'call reception', label: 'work' }],
    };
    expect(planNewPerson(placeholderOnly, sync, now)).toEqual({ kind: 'skip', reason: 'no_identity' });
  });

  it('names a nameless person after its email', () => {
    const plan = planNewPerson({ ...person, name: null, contact_numbers: [] }, sync, now);
    expect(plan.kind === 'adopt' && plan.contact).toMatchObject({ name: 'grace', email: 'grace@example.com' });
  });
});
