import type { KrayinLead, KrayinPerson } from '../../src/krayin/api';
import {
  activityIsOurs,
  creationHashes,
  identityHashes,
  identityHashSalt,
  leadIsOurs,
  organizationIsOurs,
  personIsOurs,
  type PersonEvidence,
} from '../../src/sync/ownership';

const salt = identityHashSalt('default', 42);

function person(emails: string[], phones: string[] = []): Pick<KrayinPerson, 'emails' | 'contact_numbers'> {
  return {
    emails: emails.map((value) => ({ value, label: 'work' })),
    contact_numbers: phones.map((value) => ({ value, label: 'work' })),
  };
}

function evidence(extra: Partial<PersonEvidence> = {}): PersonEvidence {
  return { emails: ['ann@example.com'], phones: ['+4915112345678'], writtenHashes: [], salt, ...extra };
}

describe('personIsOurs', () => {
  it('ours when one of its emails is the contact email, whatever the case and spacing', () => {
    expect(personIsOurs(person([' Ann@Example.COM ']), evidence())).toBe(true);
    expect(personIsOurs(person(['other@example.com', 'ann@example.com']), evidence())).toBe(true);
  });

  it('ours when one of its phones is the contact phone, compared by digits', () => {
    expect(personIsOurs(person(['bob@example.com'], ['+49 151 1234 5678']), evidence())).toBe(true);
  });

  it("not ours when it carries only someone else's email and phone (Krayin restored, id handed out again)", () => {
    expect(personIsOurs(person(['bob@example.com'], ['+4930999']), evidence())).toBe(false);
    expect(personIsOurs(person([]), evidence())).toBe(false);
    expect(personIsOurs({ emails: null, contact_numbers: null }, evidence())).toBe(false);
  });

  it('blank values never match each other', () => {
    expect(personIsOurs(person([''], ['']), evidence({ emails: [''], phones: [''] }))).toBe(false);
    expect(personIsOurs(person(['x@example.com'], ['n/a']), evidence({ phones: ['none'] }))).toBe(false);
  });

  it('ours when it carries an email or phone we wrote last time (the contact changed its email since)', () => {
    const writtenHashes = identityHashes(salt, ['old@example.com'], ['+4930111']);
    expect(personIsOurs(person(['OLD@example.com']), evidence({ writtenHashes }))).toBe(true);
    expect(personIsOurs(person(['x@example.com'], ['+49 30 111']), evidence({ writtenHashes }))).toBe(true);
    expect(personIsOurs(person(['bob@example.com']), evidence({ writtenHashes }))).toBe(false);
  });

  it('ours by its creation time when sales changed both its email and phone (Krayin keeps created_at)', () => {
    const born = { ...person(['new@corp.example'], ['+4930777']), created_at: '2026-11-23T20:41:18.000000Z' };
    const writtenHashes = [...identityHashes(salt, ['ann@example.com'], []), ...creationHashes(salt, born)];
    expect(personIsOurs(born, evidence({ writtenHashes }))).toBe(true);
    // Restored away and re-created under the same id: another creation time, nothing else of ours.
    const reborn = { ...born, created_at: '2026-12-01T09:00:02.000000Z' };
    expect(personIsOurs(reborn, evidence({ writtenHashes }))).toBe(false);
    // Another contact's record of the same creation time proves nothing here.
    const theirs = creationHashes(identityHashSalt('default', 43), born);
    expect(personIsOurs(born, evidence({ writtenHashes: theirs }))).toBe(false);
    expect(creationHashes(salt, { created_at: null })).toEqual([]);
    expect(creationHashes(salt, {})).toEqual([]);
  });

  it('hashes of another contact (another salt) prove nothing', () => {
    const writtenHashes = identityHashes(identityHashSalt('default', 43), ['old@example.com'], []);
    expect(personIsOurs(person(['old@example.com']), evidence({ writtenHashes }))).toBe(false);
  });
});

describe('identityHashes', () => {
  it('are salted, normalised, sorted, de-duplicated, and contain no value', () => {
    const a = identityHashes(salt, ['Ann@example.com', 'ann@example.com '], ['+49 151', '+49151', '']);
    expect(a).toHaveLength(2);
    expect(a).toEqual([...a].sort());
    for (const h of a) expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(identityHashes(identityHashSalt('default', 43), ['ann@example.com'], [])).not.toContain(a[0]);
    expect(JSON.stringify(a)).not.toMatch(/ann|49151/);
  });
});

describe('organizationIsOurs', () => {
  it('ours when the name has the link name key (case and spacing aside)', () => {
    expect(organizationIsOurs({ name: 'ACME  GmbH' }, 'acme gmbh')).toBe(true);
    expect(organizationIsOurs({ name: 'Other Ltd' }, 'acme gmbh')).toBe(false);
    expect(organizationIsOurs({ name: null }, 'acme gmbh')).toBe(false);
  });
});

describe('leadIsOurs', () => {
  const lead = (personId: number | null) => ({ person: personId === null ? null : { id: personId } }) as KrayinLead;
  it('ours only when its person is our person', () => {
    expect(leadIsOurs(lead(7), 7)).toBe(true);
    expect(leadIsOurs(lead(8), 7)).toBe(false);
    expect(leadIsOurs(lead(null), 7)).toBe(false);
  });
});

describe('activityIsOurs', () => {
  it("ours only with this connection's marker for this conversation", () => {
    const marker = { chatwoot: { conversation: 5, account: 1 } };
    expect(activityIsOurs({ additional: marker }, 5, 1)).toBe(true);
    expect(activityIsOurs({ additional: JSON.stringify(marker) }, 5, 1)).toBe(true);
    expect(activityIsOurs({ additional: marker }, 6, 1)).toBe(false);
    expect(activityIsOurs({ additional: marker }, 5, 2)).toBe(false);
    expect(activityIsOurs({ additional: null }, 5, 1)).toBe(false);
    expect(activityIsOurs({ additional: { chatwoot: { conversation: 5, message: 9, account: 1 } } }, 5, 1)).toBe(false);
  });
});
