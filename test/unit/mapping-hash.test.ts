import { createHash } from 'node:crypto';
import type { ChatwootContact } from '../../src/chatwoot/contact';
import { syncSchema, type SyncSettings } from '../../src/config/schema';
import { canonicalJson } from '../../src/mapping/canonical-json';
import { mapContact } from '../../src/mapping/contact';
import { hashPlan } from '../../src/mapping/hash';
import type { SyncPlan } from '../../src/mapping/types';
import { MAPPING_VERSION } from '../../src/mapping/version';

const jane: ChatwootContact = {
  id: 1042,
  name: 'Jane Doe',
  email: 'jane.doe@example.com',
  phone_number: '+4915112345678',
  identifier: null,
  blocked: false,
  additional_attributes: { company_name: 'Acme Logistics GmbH', description: 'Head of Operations', city: 'Berlin' },
  custom_attributes: { customer_tier: 'gold' },
};

function planOf(contact: ChatwootContact, sync: SyncSettings = syncSchema.parse({})): SyncPlan {
  const plan = mapContact(contact, sync);
  if (plan.kind !== 'sync') throw new Error('expected a sync plan');
  return plan;
}

const base = planOf(jane);
const baseHash = hashPlan(base);

describe('hashPlan', () => {
  it('is the sha256 hex of the canonical JSON of the desired state plus the mapping version', () => {
    const expected = createHash('sha256')
      .update(
        canonicalJson({
          version: MAPPING_VERSION,
          identity: base.identity,
          person: base.person,
          organization: base.organization,
          lead: base.lead,
          extra: null,
        }),
      )
      .digest('hex');
    expect(baseHash).toBe(expected);
    expect(baseHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order', () => {
    const reordered: SyncPlan = {
      lead: base.lead && { attributes: {}, value: base.lead.value, description: null, title: base.lead.title },
      organization: base.organization,
      person: { ...base.person, attributes: {} },
      identity: { phone: base.identity.phone, emailIsPlaceholder: false, email: base.identity.email },
      kind: 'sync',
    };
    expect(hashPlan(reordered)).toBe(baseHash);
    expect(hashPlan(base, { stageId: 1, ownerId: 2 })).toBe(hashPlan(base, { ownerId: 2, stageId: 1 }));
  });

  it('ignores notes', () => {
    expect(hashPlan({ ...base, notes: ['x'] } as SyncPlan)).toBe(baseHash);
  });

  it.each<[string, ChatwootContact]>([
    ['name', { ...jane, name: 'Jane Smith' }],
    ['email', { ...jane, email: 'jane@example.org' }],
    ['phone', { ...jane, phone_number: '+4915199999999' }],
    ['job title', { ...jane, additional_attributes: { ...jane.additional_attributes, description: 'CEO' } }],
    ['company', { ...jane, additional_attributes: { ...jane.additional_attributes, company_name: 'Globex' } }],
    [
      'company casing (written name differs)',
      { ...jane, additional_attributes: { ...jane.additional_attributes, company_name: 'ACME Logistics GmbH' } },
    ],
  ])('changes when the mapped %s changes', (_, contact) => {
    expect(hashPlan(planOf(contact))).not.toBe(baseHash);
  });

  it('changes when a lead field, a custom attribute or the extra input changes', () => {
    expect(hashPlan(planOf(jane, syncSchema.parse({ lead: { value: 5 } })))).not.toBe(baseHash);
    expect(hashPlan(planOf(jane, syncSchema.parse({ lead: { titleTemplate: '{{name}}' } })))).not.toBe(baseHash);
    expect(hashPlan(planOf(jane, syncSchema.parse({ leadPolicy: 'never' })))).not.toBe(baseHash);
    expect(hashPlan(planOf(jane, syncSchema.parse({ syncOrganizations: false })))).not.toBe(baseHash);
    expect(hashPlan({ ...base, person: { ...base.person, attributes: { cw_tier: 1 } } })).not.toBe(baseHash);
    expect(hashPlan(base, { ownerId: 2 })).not.toBe(hashPlan(base, { ownerId: 3 }));
    expect(hashPlan(base, {})).not.toBe(baseHash);
  });

  it('ignores contact fields that are not mapped', () => {
    const noisy = {
      ...jane,
      thumbnail: 'https://chat.example.com/avatar.png',
      last_activity_at: 1781946902,
      blocked: true,
      custom_attributes: { customer_tier: 'platinum', crm_link: 'https://crm/1' },
      additional_attributes: {
        ...jane.additional_attributes,
        city: 'Hamburg',
        social_profiles: { linkedin: 'jane-doe-ops' },
      },
    } as ChatwootContact;
    expect(hashPlan(planOf(noisy))).toBe(baseHash);
  });

  it('ignores formatting differences that map to the same state', () => {
    const formatted = {
      ...jane,
      name: '  Jane   Doe ',
      email: 'JANE.DOE@example.com',
      phone_number: '+49 151 1234 5678',
    };
    expect(hashPlan(planOf(formatted))).toBe(baseHash);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('follows JSON.stringify for undefined, functions, non-finite numbers and toJSON', () => {
    expect(canonicalJson({ a: undefined, f: () => 1, n: Number.NaN, list: [undefined] })).toBe(
      '{"list":[null],"n":null}',
    );
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 0, 2)) })).toBe('{"at":"2026-01-02T00:00:00.000Z"}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('refuses BigInt', () => {
    expect(() => canonicalJson({ n: BigInt(1) })).toThrow(TypeError);
  });
});
