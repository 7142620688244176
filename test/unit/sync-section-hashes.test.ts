import type { HashablePlan } from '../../src/mapping/hash';
import { decodeSectionHashes, encodeSectionHashes, sectionHashes } from '../../src/sync/section-hashes';

const plan: HashablePlan = {
  identity: { email: 'jane@example.com', emailIsPlaceholder: false, phone: null },
  person: {
    name: 'Jane',
    emails: [{ value: 'jane@example.com', label: 'work' }],
    contact_numbers: [],
    job_title: null,
    attributes: { b: 1, a: 2 },
  },
  organization: { name: 'Acme', nameKey: 'acme', attributes: {} },
  lead: { title: 'Jane (Chatwoot)', description: null, value: 0, attributes: {} },
};
const settings = { owner: null, leadPolicy: 'contact_created' };

describe('section hashes', () => {
  it('are stable and ignore key order', () => {
    const reordered = { ...plan, person: { ...plan.person, attributes: { a: 2, b: 1 } } };
    expect(sectionHashes(reordered, settings)).toEqual(sectionHashes(plan, settings));
  });

  it('a person change changes only the person section', () => {
    const a = sectionHashes(plan, settings);
    const b = sectionHashes({ ...plan, person: { ...plan.person, name: 'Janet' } }, settings);
    expect(b.person).not.toBe(a.person);
    expect(b.organization).toBe(a.organization);
    expect(b.lead).toBe(a.lead);
  });

  it('a company change changes the organization and the person (its organization link)', () => {
    const a = sectionHashes(plan, settings);
    const b = sectionHashes({ ...plan, organization: { name: 'Globex', nameKey: 'globex', attributes: {} } }, settings);
    expect(b.organization).not.toBe(a.organization);
    expect(b.person).not.toBe(a.person);
  });

  it('a settings change (e.g. the owner) rewrites person and lead', () => {
    const a = sectionHashes(plan, settings);
    const b = sectionHashes(plan, { ...settings, owner: 'sales@example.com' });
    expect(b.person).not.toBe(a.person);
    expect(b.lead).not.toBe(a.lead);
  });

  it('round-trip through the stored string; anything else decodes to null', () => {
    const h = sectionHashes(plan, settings);
    expect(decodeSectionHashes(encodeSectionHashes(h))).toEqual(h);
    expect(decodeSectionHashes(null)).toBeNull();
    expect(decodeSectionHashes('v0:a:b:c')).toBeNull();
    expect(decodeSectionHashes('garbage')).toBeNull();
  });
});
