import type { ChatwootContact } from '../../src/chatwoot/contact';
import { cleanOrganizationName, organizationName, organizationNameKey } from '../../src/mapping/organization';

function contact(additional: Record<string, unknown>, custom: Record<string, unknown> = {}): ChatwootContact {
  return {
    id: 1,
    name: 'X',
    email: null,
    phone_number: null,
    identifier: null,
    additional_attributes: additional,
    custom_attributes: custom,
  };
}

describe('organizationName', () => {
  it('reads the configured source path, trimmed and whitespace-collapsed', () => {
    const c = contact({ company_name: '  Acme \t Logistics\n GmbH ' }, { employer: 'Globex' });
    expect(organizationName(c, 'additional_attributes.company_name')).toBe('Acme Logistics GmbH');
    expect(organizationName(c, 'custom_attributes.employer')).toBe('Globex');
  });

  it('is null when the source is missing, blank or not text', () => {
    expect(organizationName(contact({}), 'additional_attributes.company_name')).toBeNull();
    expect(organizationName(contact({ company_name: '   ' }), 'additional_attributes.company_name')).toBeNull();
    expect(organizationName(contact({ company_name: { a: 1 } }), 'additional_attributes.company_name')).toBeNull();
  });

  it('truncates to varchar(255) without splitting characters', () => {
    const long = `${'a'.repeat(254)}😀😀`;
    const name = cleanOrganizationName(long);
    expect(Array.from(name ?? '')).toHaveLength(255);
    expect(name?.endsWith('😀')).toBe(true);
  });

  it('turns numbers into text (a company called 3M may be stored as a number by an API client)', () => {
    expect(cleanOrganizationName(42)).toBe('42');
  });
});

describe('organizationNameKey', () => {
  it('folds case, width and spacing so spelling variants share one organization', () => {
    const key = organizationNameKey('Acme Logistics GmbH');
    expect(key).toBe('acme logistics gmbh');
    expect(organizationNameKey('  ACME   logistics\tGMBH ')).toBe(key);
    expect(organizationNameKey('ＡＣＭＥ Logistics GmbH')).toBe(key); // full-width letters (NFKC)
  });

  it('applies full case folding for sharp s and final sigma', () => {
    expect(organizationNameKey('Straße AG')).toBe(organizationNameKey('STRASSE AG'));
    expect(organizationNameKey('ΟΔΟΣ')).toBe(organizationNameKey('οδοσ'));
  });

  it('keeps different names apart', () => {
    expect(organizationNameKey('Acme Inc')).not.toBe(organizationNameKey('Acme Inc.'));
  });
});
