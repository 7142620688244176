import type { KrayinPerson } from '../../src/krayin/api';
import {
  emailSearchTerms,
  emailShapeTerm,
  nameNeedsClientSideFilter,
  personHasEmail,
  personHasPhone,
  phoneSearch,
  safeSearchTerm,
  sameOrganizationName,
} from '../../src/krayin/search';

function person(emails: string[], phones: string[] = []): KrayinPerson {
  return {
    id: 1,
    name: 'P',
    emails: emails.map((value) => ({ value, label: 'work' })),
    contact_numbers: phones.map((value) => ({ value, label: 'work' })),
    job_title: null,
    created_at: '2026-11-23T20:24:40.000000Z',
    updated_at: '2026-11-23T20:24:40.000000Z',
  };
}

describe('email shape term (case-blind search)', () => {
  it('replaces every letter with the LIKE wildcard and anchors the whole value in its JSON quotes', () => {
    expect(emailShapeTerm('jane.x@example.com')).toBe('"____._@_______.___"');
    expect(emailShapeTerm('Jane.X@Example.COM')).toBe(emailShapeTerm('jane.x@example.com'));
    expect(emailShapeTerm(' a+b99@x-y.io ')).toBe('"_+_99@_-_.__"');
  });

  it('an email with characters that cannot be searched: the shape of its longest safe run, unanchored', () => {
    expect(emailShapeTerm('jürgen@example.de')).toBe('____@_______.__');
    expect(emailShapeTerm('"a:b;c"@example.com')).toBe('@_______.___');
  });

  it('nothing searchable: null', () => {
    expect(emailShapeTerm('   ')).toBeNull();
    expect(emailShapeTerm('ü')).toBeNull();
  });
});

describe('email search terms', () => {
  it('searches a plain address as is, plus its lower-case form', () => {
    expect(emailSearchTerms('jane@example.com')).toEqual(['jane@example.com']);
    expect(emailSearchTerms('Jane@Example.com')).toEqual(['Jane@Example.com', 'jane@example.com']);
  });

  it('never sends ":" or ";" (prettus splits on them): the longest safe run instead', () => {
    expect(safeSearchTerm('"a:b;c"@example.com')).toBe('@example.com');
    expect(safeSearchTerm('ab:cdefgh@x.io')).toBe('cdefgh@x.io');
  });

  it('avoids characters PHP json_encode escapes in storage (/, ", \\, non-ASCII)', () => {
    expect(safeSearchTerm('a/b@example.com')).toBe('b@example.com');
    expect(safeSearchTerm('jürgen@example.de')).toBe('rgen@example.de');
  });

  it('drops empty terms', () => {
    expect(emailSearchTerms(':;')).toEqual([]);
  });
});

describe('personHasEmail (exact, case-insensitive post-filter)', () => {
  it('accepts the exact address in any case', () => {
    expect(personHasEmail(person(['jane@example.com']), 'JANE@example.COM')).toBe(true);
    expect(personHasEmail(person(['Jane@Example.com']), 'jane@example.com')).toBe(true);
  });

  it('rejects substring neighbours that Krayin LIKE returns', () => {
    expect(personHasEmail(person(['mary.jane@example.com']), 'jane@example.com')).toBe(false);
    expect(personHasEmail(person(['jane@example.com.au']), 'jane@example.com')).toBe(false);
    expect(personHasEmail(person(['a.b@example.com']), 'b@example.com')).toBe(false);
  });

  it('checks every email of the person', () => {
    expect(personHasEmail(person(['x@example.com', 'jane@example.com']), 'jane@example.com')).toBe(true);
  });

  it('copes with persons without emails', () => {
    expect(personHasEmail({ ...person([]), emails: null }, 'jane@example.com')).toBe(false);
  });
});

describe('phone search', () => {
  it('searches the national significant number of an E.164 input', () => {
    expect(phoneSearch('+31612345678').term).toBe('612345678');
    expect(phoneSearch('+919876543210').term).toBe('9876543210');
    expect(phoneSearch('+15551234567').term).toBe('5551234567');
  });

  it.each(['+31612345678', '+31 6 1234 5678', '0612345678', '06-12345678', '0031612345678', '612345678'])(
    'accepts the stored variant %s of +31612345678',
    (stored) => {
      expect(phoneSearch('+31612345678').matches(stored)).toBe(true);
    },
  );

  it.each(['+31612345679', '+32612345678', '+316123456789', '1612345678', ''])('rejects %s', (stored) => {
    expect(phoneSearch('+31612345678').matches(stored)).toBe(false);
  });

  it('falls back to digits for input that does not parse', () => {
    const s = phoneSearch('5551234');
    expect(s.term).toBe('5551234');
    expect(s.matches('555-1234')).toBe(true);
    expect(s.matches('5551235')).toBe(false);
  });

  it('post-filters persons by any of their numbers, ignoring the empty placeholder', () => {
    const s = phoneSearch('+31612345678');
    expect(personHasPhone(person([], ['', '+31 6 1234 5678']), s)).toBe(true);
    expect(personHasPhone(person([], ['']), s)).toBe(false);
    expect(personHasPhone(person([], ['+316123456780']), s)).toBe(false);
  });
});

describe('organization names', () => {
  it('compares exactly but case-insensitively', () => {
    expect(sameOrganizationName('Globex Corp', 'globex corp')).toBe(true);
    expect(sameOrganizationName('Globex', 'Globex Corp')).toBe(false);
    expect(sameOrganizationName(null, 'Globex')).toBe(false);
  });

  it('filters names with a comma client-side (Krayin splits the filter value at commas)', () => {
    expect(nameNeedsClientSideFilter('Smith, Jones & Co')).toBe(true);
    expect(nameNeedsClientSideFilter('Smith & Co')).toBe(false);
    expect(nameNeedsClientSideFilter(' ')).toBe(true);
  });
});
