import type { ChatwootContact } from '../../src/chatwoot/contact';
import { syncSchema } from '../../src/config/schema';
import {
  defaultFieldSources,
  effectiveFieldSources,
  fieldMapNeedsCatalog,
  isBlank,
  readChatwootPath,
  readFirst,
} from '../../src/mapping/field-map';

const contact: ChatwootContact = {
  id: 5,
  name: 'Jane',
  email: 'jane@example.com',
  phone_number: '+4915112345678',
  identifier: 'ext-1',
  additional_attributes: {
    company_name: 'Acme',
    social_profiles: { linkedin: 'jane-doe' },
    'dotted.key': 'literal',
    dotted: { key: 'nested' },
  },
  custom_attributes: { tier: 'gold', zero: 0, off: false },
};

describe('readChatwootPath', () => {
  it.each([
    ['name', 'Jane'],
    ['email', 'jane@example.com'],
    ['phone_number', '+4915112345678'],
    ['identifier', 'ext-1'],
    ['additional_attributes.company_name', 'Acme'],
    ['additional_attributes.social_profiles.linkedin', 'jane-doe'],
    ['custom_attributes.tier', 'gold'],
    ['custom_attributes.zero', 0],
    ['custom_attributes.off', false],
  ])('%s -> %p', (path, expected) => {
    expect(readChatwootPath(contact, path)).toEqual(expected);
  });

  it('prefers a key that contains dots over descending into objects', () => {
    expect(readChatwootPath(contact, 'additional_attributes.dotted.key')).toBe('literal');
  });

  it.each([
    'custom_attributes.missing',
    'additional_attributes.social_profiles.github',
    'custom_attributes.tier.deeper',
    'custom_attributes.constructor',
    'custom_attributes.__proto__',
    'thumbnail',
    'account.id',
  ])('%s -> undefined', (path) => {
    expect(readChatwootPath(contact, path)).toBeUndefined();
  });
});

describe('field sources', () => {
  it('has the documented defaults', () => {
    expect(defaultFieldSources(syncSchema.parse({}))).toEqual({
      person: {
        name: ['name'],
        emails: ['email'],
        contact_numbers: ['phone_number'],
        job_title: ['additional_attributes.job_title', 'additional_attributes.description'],
      },
      organization: { name: ['additional_attributes.company_name'] },
      lead: {},
    });
  });

  it('uses the configured organization source', () => {
    const sync = syncSchema.parse({ organizationSource: 'custom_attributes.employer' });
    expect(defaultFieldSources(sync).organization.name).toEqual(['custom_attributes.employer']);
  });

  it('merges the field map over the defaults', () => {
    const sync = syncSchema.parse({
      fieldMap: {
        person: { job_title: 'custom_attributes.role', cw_tier: 'custom_attributes.tier' },
        lead: { title: 'name' },
      },
    });
    const sources = effectiveFieldSources(sync);
    expect(sources.person.job_title).toEqual(['custom_attributes.role']);
    expect(sources.person.cw_tier).toEqual(['custom_attributes.tier']);
    expect(sources.person.name).toEqual(['name']);
    expect(sources.lead.title).toEqual(['name']);
  });

  it('reads the first non-blank source', () => {
    const c = { ...contact, additional_attributes: { job_title: ' ', description: 'Ops' } };
    expect(readFirst(c, ['additional_attributes.job_title', 'additional_attributes.description'])).toBe('Ops');
    expect(readFirst(c, ['additional_attributes.nothing'])).toBeUndefined();
  });
});

describe('fieldMapNeedsCatalog', () => {
  const map = (fieldMap: object) => syncSchema.parse({ fieldMap }).fieldMap;

  it('is false for an empty map or one naming only standard fields', () => {
    expect(fieldMapNeedsCatalog(map({}))).toBe(false);
    expect(
      fieldMapNeedsCatalog(
        map({
          person: { name: 'identifier', job_title: 'name' },
          organization: { address: 'name' },
          lead: { title: 'name' },
        }),
      ),
    ).toBe(false);
  });

  it('is true as soon as one custom attribute is named', () => {
    expect(fieldMapNeedsCatalog(map({ lead: { cw_channel: 'custom_attributes.channel' } }))).toBe(true);
  });
});

describe('isBlank', () => {
  it.each([null, undefined, '', '  ', [], [''], {}, { a: '' }])('%p is blank', (v) => expect(isBlank(v)).toBe(true));
  it.each([0, false, 'x', ['x'], { a: 'x' }])('%p is a value', (v) => expect(isBlank(v)).toBe(false));
});
