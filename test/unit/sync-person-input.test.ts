import type { KrayinPerson } from '../../src/krayin/api';
import type { DesiredPerson } from '../../src/mapping/types';
import { personInputFor, personNeedsUpdate } from '../../src/sync/person-input';

const desired: DesiredPerson = {
  name: 'Jane Doe',
  emails: [{ value: 'jane@example.com', label: 'work' }],
  contact_numbers: [{ value: '+4915112345678', label: 'work' }],
  job_title: 'CTO',
  attributes: {},
};

function krayinPerson(extra: Partial<KrayinPerson> = {}): KrayinPerson {
  return {
    id: 7,
    name: 'Jane Doe',
    emails: [{ value: 'jane@example.com', label: 'work' }],
    contact_numbers: [{ value: '+4915112345678', label: 'work' }],
    job_title: 'CTO',
    created_at: '2026-11-23T20:24:40.000000Z',
    updated_at: '2026-11-23T20:24:40.000000Z',
    ...extra,
  };
}

const owner = { id: 3, name: 'Sales', email: 'sales@example.com', status: 1, view_permission: 'global' };

describe('personInputFor', () => {
  it('for a new person: our values, the configured owner and organization', () => {
    expect(personInputFor(desired, null, 5, 1)).toEqual({
      name: 'Jane Doe',
      emails: [{ value: 'jane@example.com', label: 'work' }],
      contact_numbers: [{ value: '+4915112345678', label: 'work' }],
      job_title: 'CTO',
      organization_id: 5,
      user_id: 1,
      attributes: {},
    });
  });

  it('keeps the owner sales assigned in Krayin (a PUT without user_id would wipe it)', () => {
    expect(personInputFor(desired, krayinPerson({ sales_owner: owner }), null, 1).user_id).toBe(3);
  });

  it('keeps extra emails and phones added in Krayin, ours first, without case or format duplicates', () => {
    const existing = krayinPerson({
      emails: [
        { value: 'JANE@example.com', label: 'work' },
        { value: 'jane.home@example.org', label: 'home' },
      ],
      contact_numbers: [
        { value: '+49 151 12345678', label: 'work' },
        { value: '+4930111111', label: 'home' },
        { value: '', label: 'work' },
      ],
    });
    const input = personInputFor(desired, existing, null, null);
    expect(input.emails).toEqual([
      { value: 'jane@example.com', label: 'work' },
      { value: 'jane.home@example.org', label: 'home' },
    ]);
    expect(input.contact_numbers).toEqual([
      { value: '+4915112345678', label: 'work' },
      { value: '+4930111111', label: 'home' },
    ]);
  });

  it('keeps the existing organization and job title when Chatwoot has none', () => {
    const existing = krayinPerson({
      job_title: 'Buyer',
      organization: { id: 9, name: 'Acme', address: null, created_at: '', updated_at: '' },
    });
    const input = personInputFor({ ...desired, job_title: null }, existing, null, null);
    expect(input.organization_id).toBe(9);
    expect(input.job_title).toBe('Buyer');
  });
});

describe('personNeedsUpdate', () => {
  it('is false when Krayin already shows exactly what we would write', () => {
    const existing = krayinPerson({ sales_owner: owner });
    expect(personNeedsUpdate(existing, personInputFor(desired, existing, null, null))).toBe(false);
  });

  it.each([
    ['name', { ...desired, name: 'Jane Smith' }],
    ['job title', { ...desired, job_title: 'CEO' }],
    ['email', { ...desired, emails: [{ value: 'new@example.com', label: 'work' }] }],
    ['phone', { ...desired, contact_numbers: [{ value: '+4915199999999', label: 'work' }] }],
  ])('is true when the %s changed', (_what, changed) => {
    const existing = krayinPerson();
    expect(personNeedsUpdate(existing, personInputFor(changed, existing, null, null))).toBe(true);
  });

  it('is true when the organization changes or custom attributes are mapped (Krayin never returns them)', () => {
    const existing = krayinPerson();
    expect(personNeedsUpdate(existing, personInputFor(desired, existing, 4, null))).toBe(true);
    const withAttrs = { ...desired, attributes: { cw_tier: 'gold' } };
    expect(personNeedsUpdate(existing, personInputFor(withAttrs, existing, null, null))).toBe(true);
  });
});
