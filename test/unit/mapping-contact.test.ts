import type { ChatwootContact } from '../../src/chatwoot/contact';
import { syncSchema, type SyncSettings } from '../../src/config/schema';
import type { KrayinAttribute } from '../../src/krayin/api';
import {
  mapContact,
  NOTE_INVALID_EMAIL_IGNORED,
  NOTE_NO_PLACEHOLDER_SOURCE,
  NOTE_WAITING_FOR_EMAIL,
  NOTE_WAITING_FOR_VALID_EMAIL,
  type AttributeCatalog,
} from '../../src/mapping/contact';
import type { ContactPlan, SyncPlan } from '../../src/mapping/types';

function jane(overrides: Partial<ChatwootContact> = {}): ChatwootContact {
  return {
    id: 1042,
    name: 'Jane Doe',
    email: 'jane.doe@example.com',
    phone_number: '+4915112345678',
    identifier: null,
    blocked: false,
    additional_attributes: { company_name: 'Acme Logistics GmbH', description: 'Head of Operations' },
    custom_attributes: { customer_tier: 'gold' },
    ...overrides,
  };
}

const settings = (input: object = {}): SyncSettings => syncSchema.parse(input);

function attribute(entity: string, code: string, type: string, extra: Partial<KrayinAttribute> = {}): KrayinAttribute {
  return {
    id: code.length,
    code,
    name: code,
    type,
    entity_type: entity,
    lookup_type: null,
    is_required: 0,
    is_unique: 0,
    is_user_defined: 1,
    options: [],
    ...extra,
  };
}

const catalog: AttributeCatalog = {
  persons: [
    attribute('persons', 'name', 'text', { is_user_defined: 0, is_required: 1 }),
    attribute('persons', 'cw_tier', 'select', {
      options: [
        { id: 1, name: 'Gold' },
        { id: 2, name: 'Silver' },
      ],
    }),
    attribute('persons', 'cw_vip', 'boolean'),
    attribute('persons', 'cw_avatar', 'image'),
  ],
  organizations: [attribute('organizations', 'cw_city', 'text')],
  leads: [attribute('leads', 'cw_renewal', 'date')],
};

function synced(plan: ContactPlan): SyncPlan {
  if (plan.kind !== 'sync') throw new Error(`expected a sync plan, got ${JSON.stringify(plan)}`);
  return plan;
}

describe('mapContact: the default mapping', () => {
  it('maps a complete contact to person, organization and lead', () => {
    expect(mapContact(jane(), settings())).toEqual({
      kind: 'sync',
      identity: { email: 'jane.doe@example.com', emailIsPlaceholder: false, phone: '+4915112345678' },
      person: {
        name: 'Jane Doe',
        emails: [{ value: 'jane.doe@example.com', label: 'work' }],
        contact_numbers: [{ value: '+4915112345678', label: 'work' }],
        job_title: 'Head of Operations',
        attributes: {},
      },
      organization: { name: 'Acme Logistics GmbH', nameKey: 'acme logistics gmbh', attributes: {} },
      lead: { title: 'Jane Doe (Chatwoot)', description: null, value: 0, attributes: {} },
    });
  });

  it('lower-cases the email and normalises the phone', () => {
    const plan = synced(
      mapContact(jane({ email: ' Jane.Doe@Example.COM', phone_number: '+49 151 1234 5678' }), settings()),
    );
    expect(plan.identity).toEqual({
      email: 'jane.doe@example.com',
      emailIsPlaceholder: false,
      phone: '+4915112345678',
    });
    expect(plan.person.emails).toEqual([{ value: 'jane.doe@example.com', label: 'work' }]);
  });

  it('has no phone entries when Chatwoot has none ("" and null alike)', () => {
    for (const phone_number of ['', null]) {
      const plan = synced(mapContact(jane({ phone_number }), settings()));
      expect(plan.person.contact_numbers).toEqual([]);
      expect(plan.identity.phone).toBeNull();
    }
  });

  it('keeps an unparseable phone for the person but does not match on it', () => {
    const plan = synced(mapContact(jane({ phone_number: '0151 1234' }), settings()));
    expect(plan.person.contact_numbers).toEqual([{ value: '0151 1234', label: 'work' }]);
    expect(plan.identity.phone).toBeNull();
  });

  it('prefers additional_attributes.job_title over description, and has null when neither is set', () => {
    const both = jane({ additional_attributes: { job_title: 'CTO', description: 'Likes boats' } });
    expect(synced(mapContact(both, settings())).person.job_title).toBe('CTO');
    expect(
      synced(mapContact(jane({ additional_attributes: { job_title: '' } }), settings())).person.job_title,
    ).toBeNull();
  });

  it('falls back to the email local part, then to "Chatwoot contact #<id>", for the name', () => {
    expect(synced(mapContact(jane({ name: '  ' }), settings())).person.name).toBe('jane.doe');
    const noName = jane({ name: '', email: null });
    const plan = synced(mapContact(noName, settings({ emaillessPolicy: 'placeholder' })));
    expect(plan.person.name).toBe('Chatwoot contact #1042');
    expect(plan.lead?.title).toBe('Chatwoot contact #1042 (Chatwoot)');
  });

  it('truncates names, job titles, organization names and lead titles to 255 characters', () => {
    const long = 'x'.repeat(300);
    const plan = synced(
      mapContact(
        jane({ name: long, additional_attributes: { job_title: long, company_name: long } }),
        settings({ lead: { titleTemplate: '{{name}}' } }),
      ),
    );
    expect(plan.person.name).toHaveLength(255);
    expect(plan.person.job_title).toHaveLength(255);
    expect(plan.organization?.name).toHaveLength(255);
    expect(plan.lead?.title).toHaveLength(255);
  });

  it('syncs blocked contacts like any other', () => {
    expect(mapContact(jane({ blocked: true }), settings())).toEqual(mapContact(jane(), settings()));
  });

  it('is deterministic and leaves its input untouched', () => {
    const contact = jane();
    const frozen = JSON.parse(JSON.stringify(contact)) as ChatwootContact;
    const first = mapContact(contact, settings());
    expect(mapContact(contact, settings())).toEqual(first);
    expect(contact).toEqual(frozen);
  });
});

describe('mapContact: email-less contacts', () => {
  it('skips under the "skip" policy (default), waiting for an email', () => {
    expect(mapContact(jane({ email: null }), settings())).toEqual({
      kind: 'skip',
      reason: 'no_email',
      note: NOTE_WAITING_FOR_EMAIL,
    });
    expect(NOTE_WAITING_FOR_EMAIL).toBe('waiting for an email address');
  });

  it('treats an email Krayin would reject as no email, and says so without quoting it', () => {
    const plan = mapContact(jane({ email: 'jane.doe@example' }), settings());
    expect(plan).toEqual({ kind: 'skip', reason: 'no_email', note: NOTE_WAITING_FOR_VALID_EMAIL });
    expect(JSON.stringify(plan)).not.toContain('jane.doe');
  });

  it('builds <phone digits>@<domain> under the "placeholder" policy', () => {
    const plan = synced(
      mapContact(
        jane({ email: '' }),
        settings({ emaillessPolicy: 'placeholder', placeholderEmailDomain: 'No-Mail.Example' }),
      ),
    );
    expect(plan.identity).toEqual({
      email: '4915112345678@no-mail.example',
      emailIsPlaceholder: true,
      phone: '+4915112345678',
    });
    expect(plan.person.emails).toEqual([{ value: '4915112345678@no-mail.example', label: 'work' }]);
    expect(plan.person.name).toBe('Jane Doe');
    expect(plan.notes).toBeUndefined();
  });

  it('uses a stable, PII-free hash of the identifier when there is no phone', () => {
    const sync = settings({ emaillessPolicy: 'placeholder' });
    const contact = jane({ email: null, phone_number: '', identifier: 'crm-user-jane@acme' });
    const plan = synced(mapContact(contact, sync));
    // sha256("crm-user-jane@acme"), first 24 hex digits
    expect(plan.identity.email).toBe('chatwoot-af33c5295326fe0c03740dd0@no-email.invalid');
    expect(plan.identity.email).not.toContain('jane');
    expect(synced(mapContact(contact, sync)).identity.email).toBe(plan.identity.email);
    const other = synced(mapContact({ ...contact, identifier: 'crm-user-john@acme' }, sync));
    expect(other.identity.email).not.toBe(plan.identity.email);
  });

  it('skips with a note when there is neither phone nor identifier to build a placeholder from', () => {
    const plan = mapContact(
      jane({ email: null, phone_number: null, identifier: ' ' }),
      settings({ emaillessPolicy: 'placeholder' }),
    );
    expect(plan).toEqual({ kind: 'skip', reason: 'no_email', note: NOTE_NO_PLACEHOLDER_SOURCE });
  });

  it('uses a placeholder for an invalid email and notes that the email was ignored', () => {
    const plan = synced(mapContact(jane({ email: 'not-an-email' }), settings({ emaillessPolicy: 'placeholder' })));
    expect(plan.identity.email).toBe('4915112345678@no-email.invalid');
    expect(plan.notes).toEqual([NOTE_INVALID_EMAIL_IGNORED]);
  });
});

describe('mapContact: organizations and leads', () => {
  it('has no organization when organizations are not synced, or the contact names no company', () => {
    expect(synced(mapContact(jane(), settings({ syncOrganizations: false }))).organization).toBeNull();
    expect(
      synced(mapContact(jane({ additional_attributes: { company_name: ' ' } }), settings())).organization,
    ).toBeNull();
  });

  it('reads the company from the configured source', () => {
    const contact = jane({ custom_attributes: { employer: 'Globex' } });
    const plan = synced(mapContact(contact, settings({ organizationSource: 'custom_attributes.employer' })));
    expect(plan.organization).toEqual({ name: 'Globex', nameKey: 'globex', attributes: {} });
  });

  it('still uses the company in the lead title when organizations are not synced', () => {
    const sync = settings({ syncOrganizations: false, lead: { titleTemplate: '{{name}} - {{company}}' } });
    expect(synced(mapContact(jane(), sync)).lead?.title).toBe('Jane Doe - Acme Logistics GmbH');
  });

  it('has no lead under the "never" policy', () => {
    expect(synced(mapContact(jane(), settings({ leadPolicy: 'never' }))).lead).toBeNull();
  });

  it('takes the lead value and title template from the settings', () => {
    const sync = settings({ lead: { value: 1500.5, titleTemplate: '#{{contact_id}} {{name}} <{{email}}>' } });
    expect(synced(mapContact(jane(), sync)).lead).toEqual({
      title: '#1042 Jane Doe <jane.doe@example.com>',
      description: null,
      value: 1500.5,
      attributes: {},
    });
  });

  it('never puts a placeholder email into the lead title', () => {
    const sync = settings({ emaillessPolicy: 'placeholder', lead: { titleTemplate: '{{name}} <{{email}}>' } });
    expect(synced(mapContact(jane({ email: null }), sync)).lead?.title).toBe('Jane Doe');
  });
});

describe('mapContact: field map overrides of standard fields', () => {
  it('replaces the default source of person fields', () => {
    const contact = jane({
      custom_attributes: {
        full_name: 'Dr. Jane Doe',
        work_email: 'JD@Acme.example',
        mobile: '+14155552671',
        role: 'COO',
      },
    });
    const sync = settings({
      fieldMap: {
        person: {
          name: 'custom_attributes.full_name',
          emails: 'custom_attributes.work_email',
          contact_numbers: 'custom_attributes.mobile',
          job_title: 'custom_attributes.role',
        },
      },
    });
    const plan = synced(mapContact(contact, sync));
    expect(plan.identity).toEqual({ email: 'jd@acme.example', emailIsPlaceholder: false, phone: '+14155552671' });
    expect(plan.person).toEqual({
      name: 'Dr. Jane Doe',
      emails: [{ value: 'jd@acme.example', label: 'work' }],
      contact_numbers: [{ value: '+14155552671', label: 'work' }],
      job_title: 'COO',
      attributes: {},
    });
  });

  it('falls back to the email local part when a mapped name is empty', () => {
    const sync = settings({ fieldMap: { person: { name: 'custom_attributes.full_name' } } });
    expect(synced(mapContact(jane(), sync)).person.name).toBe('jane.doe');
  });

  it('lets organization.name override organizationSource, and maps the address', () => {
    const contact = jane({
      custom_attributes: { legal_name: 'Acme Logistics Holding GmbH' },
      additional_attributes: { city: 'Berlin' },
    });
    const sync = settings({
      fieldMap: { organization: { name: 'custom_attributes.legal_name', address: 'additional_attributes.city' } },
    });
    expect(synced(mapContact(contact, sync)).organization).toEqual({
      name: 'Acme Logistics Holding GmbH',
      nameKey: 'acme logistics holding gmbh',
      attributes: { address: { address: 'Berlin' } },
    });
  });

  it('maps the lead title, description and value', () => {
    const contact = jane({ custom_attributes: { deal: 'Fleet renewal', notes: 'Line 1\nLine 2', budget: '2500.50' } });
    const sync = settings({
      lead: { value: 10 },
      fieldMap: {
        lead: {
          title: 'custom_attributes.deal',
          description: 'custom_attributes.notes',
          lead_value: 'custom_attributes.budget',
        },
      },
    });
    expect(synced(mapContact(contact, sync)).lead).toEqual({
      title: 'Fleet renewal',
      description: 'Line 1\nLine 2',
      value: 2500.5,
      attributes: {},
    });
    // Absent values fall back to the template and the configured value.
    expect(synced(mapContact(jane({ custom_attributes: {} }), sync)).lead).toEqual({
      title: 'Jane Doe (Chatwoot)',
      description: null,
      value: 10,
      attributes: {},
    });
  });

  it('reports mapped values of the wrong kind as problems', () => {
    const contact = jane({ custom_attributes: { budget: 'lots', full_name: { first: 'Jane' } } });
    const sync = settings({
      fieldMap: { person: { name: 'custom_attributes.full_name' }, lead: { lead_value: 'custom_attributes.budget' } },
    });
    expect(mapContact(contact, sync)).toEqual({
      kind: 'invalid',
      problems: [
        { field: 'fieldMap.person.name', message: 'expected a text value' },
        { field: 'fieldMap.lead.lead_value', message: 'expected a number' },
      ],
    });
  });
});

describe('mapContact: custom attributes', () => {
  const sync = settings({
    fieldMap: {
      person: { cw_tier: 'custom_attributes.customer_tier', cw_vip: 'custom_attributes.vip' },
      organization: { cw_city: 'additional_attributes.city' },
      lead: { cw_renewal: 'custom_attributes.renewal' },
    },
  });

  it('coerces each value to its Krayin attribute type', () => {
    const contact = jane({
      additional_attributes: { company_name: 'Acme', city: 'Berlin' },
      custom_attributes: { customer_tier: 'gold', vip: 'yes', renewal: '2026-09-01T20:00:00Z' },
    });
    const plan = synced(mapContact(contact, sync, catalog, { timezone: 'Asia/Kolkata' }));
    expect(plan.person.attributes).toEqual({ cw_tier: 1, cw_vip: 1 });
    expect(plan.organization?.attributes).toEqual({ cw_city: 'Berlin' });
    expect(plan.lead?.attributes).toEqual({ cw_renewal: '2026-09-02' });
  });

  it('clears attributes whose Chatwoot value is absent', () => {
    const plan = synced(mapContact(jane({ custom_attributes: {} }), sync, catalog));
    expect(plan.person.attributes).toEqual({ cw_tier: null, cw_vip: 0 });
    expect(plan.lead?.attributes).toEqual({ cw_renewal: null });
  });

  it('is invalid when Krayin has no such attribute', () => {
    const bad = settings({ fieldMap: { person: { cw_tier: 'custom_attributes.customer_tier', cw_nope: 'name' } } });
    expect(mapContact(jane(), bad, { ...catalog, persons: [] })).toEqual({
      kind: 'invalid',
      problems: [
        { field: 'fieldMap.person.cw_tier', message: 'Krayin has no persons attribute "cw_tier"' },
        { field: 'fieldMap.person.cw_nope', message: 'Krayin has no persons attribute "cw_nope"' },
      ],
    });
  });

  it('is invalid when a value cannot be coerced or the type cannot be written', () => {
    const bad = settings({
      fieldMap: { person: { cw_tier: 'custom_attributes.customer_tier', cw_avatar: 'custom_attributes.avatar' } },
    });
    const contact = jane({ custom_attributes: { customer_tier: 'platinum', avatar: 'https://x/y.png' } });
    expect(mapContact(contact, bad, catalog)).toEqual({
      kind: 'invalid',
      problems: [
        { field: 'fieldMap.person.cw_tier', message: 'no option of "cw_tier" matches the value' },
        {
          field: 'fieldMap.person.cw_avatar',
          message: 'Krayin image attributes cannot be written from Chatwoot values',
        },
      ],
    });
  });

  it('reports mapping problems before waiting for an email', () => {
    const bad = settings({ fieldMap: { person: { cw_nope: 'name' } } });
    expect(mapContact(jane({ email: null }), bad, catalog).kind).toBe('invalid');
  });

  it('ignores the organization and lead maps when there is no organization or lead', () => {
    const plan = mapContact(
      jane({ additional_attributes: {} }),
      settings({ leadPolicy: 'never', fieldMap: { organization: { cw_gone: 'name' }, lead: { cw_gone: 'name' } } }),
      catalog,
    );
    expect(synced(plan).organization).toBeNull();
  });

  it('rejects fields the sync owns even if the schema was bypassed', () => {
    const sync2 = { ...settings(), fieldMap: { person: { user_id: 'name' }, organization: {}, lead: {} } };
    expect(mapContact(jane(), sync2, catalog)).toEqual({
      kind: 'invalid',
      problems: [
        { field: 'fieldMap.person.user_id', message: '"user_id" is set by the sync itself and cannot be mapped' },
      ],
    });
  });

  it('throws when custom attributes are mapped but no catalog is given (a caller bug)', () => {
    expect(() => mapContact(jane(), sync)).toThrow(/attribute catalog/);
  });
});
