/** The two-way sync's pure rules: ownership per field, both sides' values, the reverse mapping, config. */
import { loadConfigFromEnv } from '../../src/config/env';
import { effectiveOwnership, parsePollInterval, pollIntervalMs, twoWaySchema } from '../../src/config/two-way';
import { decideField, type FieldDecisionInput } from '../../src/two-way/decide';
import { addToPatch, applyPatch, chatwootPathOf, type ChatwootContactPatch } from '../../src/two-way/chatwoot-patch';
import { fieldHash } from '../../src/two-way/field-hash';
import {
  comparedFields,
  desiredFieldValues,
  krayinFieldValues,
  withKrayinFields,
} from '../../src/two-way/field-values';

const T = Date.parse('2026-12-07T08:00:00Z');

function input(over: Partial<FieldDecisionInput>): FieldDecisionInput {
  return {
    field: 'name',
    owner: 'newest',
    tieGoesTo: 'krayin',
    base: 'B',
    changedSideWithoutBase: 'krayin',
    chatwoot: { hash: 'B', changedAt: null },
    krayin: { hash: 'B', changedAt: T },
    ...over,
  };
}

describe('decideField', () => {
  it('equal values: nothing to write, whatever the base', () => {
    expect(decideField(input({ chatwoot: { hash: 'X', changedAt: T }, krayin: { hash: 'X', changedAt: T } }))).toEqual({
      action: 'none',
    });
  });

  it('only Krayin changed: Krayin wins unless Chatwoot owns the field', () => {
    const k = { krayin: { hash: 'K', changedAt: T } };
    expect(decideField(input(k))).toEqual({ action: 'write_chatwoot', winner: 'krayin', conflict: false });
    expect(decideField(input({ ...k, owner: 'krayin' }))).toEqual({
      action: 'write_chatwoot',
      winner: 'krayin',
      conflict: false,
    });
    expect(decideField(input({ ...k, owner: 'chatwoot' }))).toEqual({
      action: 'write_krayin',
      winner: 'chatwoot',
      conflict: false,
    });
  });

  it('only Chatwoot changed (Krayin still shows our own write): Chatwoot wins unless Krayin owns the field', () => {
    const c = { chatwoot: { hash: 'C', changedAt: T } };
    expect(decideField(input(c))).toEqual({ action: 'write_krayin', winner: 'chatwoot', conflict: false });
    expect(decideField(input({ ...c, owner: 'krayin' }))).toEqual({
      action: 'write_chatwoot',
      winner: 'krayin',
      conflict: false,
    });
  });

  it('both changed: a conflict; newest compares whole seconds, a tie goes to the configured side', () => {
    const both = (cAt: number | null, kAt: number | null) => ({
      chatwoot: { hash: 'C', changedAt: cAt },
      krayin: { hash: 'K', changedAt: kAt },
    });
    expect(decideField(input(both(T + 2000, T)))).toEqual({
      action: 'write_krayin',
      winner: 'chatwoot',
      conflict: true,
    });
    expect(decideField(input(both(T, T + 1000)))).toEqual({
      action: 'write_chatwoot',
      winner: 'krayin',
      conflict: true,
    });
    // 08:00:00.400 and 08:00:00.000 are the same second: a tie.
    expect(decideField(input(both(T + 400, T)))).toMatchObject({ winner: 'krayin' });
    expect(decideField(input({ ...both(T + 400, T), tieGoesTo: 'chatwoot' }))).toMatchObject({ winner: 'chatwoot' });
    // An unknown change time loses to a known one.
    expect(decideField(input(both(null, T)))).toMatchObject({ winner: 'krayin' });
    expect(decideField(input({ ...both(T, T + 5000), owner: 'chatwoot' }))).toEqual({
      action: 'write_krayin',
      winner: 'chatwoot',
      conflict: true,
    });
  });

  it('no base yet: only the side that brought us here counts as changed', () => {
    const values = { base: null, chatwoot: { hash: 'C', changedAt: T }, krayin: { hash: 'K', changedAt: T - 9000 } };
    expect(decideField(input({ ...values, changedSideWithoutBase: 'krayin' }))).toEqual({
      action: 'write_chatwoot',
      winner: 'krayin',
      conflict: false,
    });
    expect(decideField(input({ ...values, changedSideWithoutBase: 'chatwoot' }))).toEqual({
      action: 'write_krayin',
      winner: 'chatwoot',
      conflict: false,
    });
  });
});

describe('field values', () => {
  const desired = {
    name: 'Jane Doe',
    emails: [{ value: 'jane@example.com', label: 'work' }],
    contact_numbers: [{ value: '+4915100000001', label: 'work' }],
    job_title: null,
    attributes: {},
  };

  it('read both sides into one normalised form', () => {
    expect(desiredFieldValues(desired, ' Acme  GmbH ')).toEqual({
      name: 'Jane Doe',
      email: 'jane@example.com',
      phone: '+4915100000001',
      job_title: null,
      organization: 'Acme GmbH',
    });
    expect(
      krayinFieldValues({
        name: '  Jane   Doe ',
        emails: [{ value: ' JANE@example.com', label: 'work' }],
        contact_numbers: [
          { value: '', label: 'work' },
          { value: '+49 151 00000001', label: 'home' },
        ],
        job_title: '',
        organization: { id: 3, name: 'Acme GmbH' },
      }),
    ).toEqual(desiredFieldValues(desired, 'Acme GmbH'));
    // A person without an organization (Krayin omits the key) and a contact without a company agree.
    expect(krayinFieldValues({ ...desired, job_title: null }).organization).toBeNull();
    expect(desiredFieldValues(desired, null).organization).toBeNull();
  });

  it('keep the fields Krayin won as Krayin has them', () => {
    const krayin = {
      name: 'Jane K',
      emails: [{ value: 'k@example.com', label: 'home' }],
      contact_numbers: null,
      job_title: 'CTO',
    };
    expect(withKrayinFields(desired, krayin, ['name', 'job_title'])).toEqual({
      ...desired,
      name: 'Jane K',
      job_title: 'CTO',
    });
    expect(withKrayinFields(desired, krayin, ['email', 'phone'])).toEqual({
      ...desired,
      emails: krayin.emails,
      contact_numbers: [],
    });
  });

  it('hash values salted per contact, with "no value" distinct from any text', () => {
    expect(fieldHash('c', 1, 'name', 'Jane')).toBe(fieldHash('c', 1, 'name', 'Jane'));
    expect(fieldHash('c', 1, 'name', 'Jane')).not.toBe(fieldHash('c', 2, 'name', 'Jane'));
    expect(fieldHash('c', 1, 'name', 'Jane')).not.toBe(fieldHash('c', 1, 'job_title', 'Jane'));
    expect(fieldHash('c', 1, 'name', null)).not.toBe(fieldHash('c', 1, 'name', ''));
    expect(fieldHash('c', 1, 'name', 'Jane')).not.toContain('Jane');
  });

  it('compare an organization by its matching key: the forward sync links both spellings to one organization', () => {
    expect(fieldHash('c', 1, 'organization', 'ACME  gmbh')).toBe(fieldHash('c', 1, 'organization', 'Acme GmbH'));
    expect(fieldHash('c', 1, 'organization', 'Acme AG')).not.toBe(fieldHash('c', 1, 'organization', 'Acme GmbH'));
    // Names keep their case elsewhere: a name is not folded.
    expect(fieldHash('c', 1, 'name', 'JANE')).not.toBe(fieldHash('c', 1, 'name', 'Jane'));
  });

  it('compare the organization only while organizations are synced and both sides are known', () => {
    expect(comparedFields({ syncOrganizations: true })).toEqual([
      'name',
      'email',
      'phone',
      'job_title',
      'organization',
    ]);
    expect(comparedFields({ syncOrganizations: false })).toEqual(['name', 'email', 'phone', 'job_title']);
    // An input recorded before the organization was compared carries none of it.
    expect(comparedFields({ syncOrganizations: true }, false)).toEqual(['name', 'email', 'phone', 'job_title']);
  });
});

describe('reverse mapping to a Chatwoot contact update', () => {
  const sync = {
    organizationSource: 'additional_attributes.company_name',
    fieldMap: { person: {}, organization: {}, lead: {} },
  };

  it('writes each field back to the first path it is read from', () => {
    expect(chatwootPathOf(sync, 'name')).toBe('name');
    expect(chatwootPathOf(sync, 'phone')).toBe('phone_number');
    expect(chatwootPathOf(sync, 'job_title')).toBe('additional_attributes.job_title');
    const mapped = {
      ...sync,
      fieldMap: { person: { name: 'custom_attributes.full_name' }, organization: {}, lead: {} },
    };
    expect(chatwootPathOf(mapped, 'name')).toBe('custom_attributes.full_name');
    // The company goes back where the forward sync reads it: ORGANIZATION_SOURCE, or the field map's.
    expect(chatwootPathOf(sync, 'organization')).toBe('additional_attributes.company_name');
    expect(chatwootPathOf({ ...sync, organizationSource: 'custom_attributes.firma' }, 'organization')).toBe(
      'custom_attributes.firma',
    );
    const orgMapped = { ...sync, fieldMap: { person: {}, organization: { name: 'custom_attributes.org' }, lead: {} } };
    expect(chatwootPathOf(orgMapped, 'organization')).toBe('custom_attributes.org');
  });

  it("writes a company only into an attribute: never over the contact's name, email or phone", () => {
    const patch: ChatwootContactPatch = {};
    expect(addToPatch(patch, 'additional_attributes.company_name', 'organization', 'Globex')).toBeNull();
    expect(addToPatch(patch, 'name', 'organization', 'Globex')).toBe('not_invertible');
    expect(addToPatch(patch, 'additional_attributes.company_name', 'organization', null)).toBe('cleared_in_krayin');
    expect(patch).toEqual({ additional_attributes: { company_name: 'Globex' } });
  });

  it('builds a shallow-merge body; refuses what Chatwoot would reject or cannot be reversed', () => {
    const patch: ChatwootContactPatch = {};
    expect(addToPatch(patch, 'name', 'name', 'Jane K')).toBeNull();
    expect(addToPatch(patch, 'phone_number', 'phone', '+49 151 00000002')).toBeNull();
    expect(addToPatch(patch, 'additional_attributes.job_title', 'job_title', 'CTO')).toBeNull();
    expect(addToPatch(patch, 'phone_number', 'phone', '0151 2')).toBe('phone_not_e164');
    expect(addToPatch(patch, 'email', 'email', null)).toBe('cleared_in_krayin');
    expect(addToPatch(patch, 'identifier', 'email', 'a@b.example')).toBe('not_invertible');
    expect(patch).toEqual({
      name: 'Jane K',
      phone_number: '+4915100000002',
      additional_attributes: { job_title: 'CTO' },
    });
    const contact = {
      id: 1,
      name: 'Jane',
      email: 'j@example.com',
      phone_number: null,
      custom_attributes: { tier: 'gold' },
      additional_attributes: { company_name: 'Acme' },
    };
    expect(applyPatch(contact, patch)).toEqual({
      ...contact,
      name: 'Jane K',
      phone_number: '+4915100000002',
      additional_attributes: { company_name: 'Acme', job_title: 'CTO' },
    });
  });
});

describe('two-way settings', () => {
  const required = {
    KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
    KRAYIN_TOKEN: '1|abcdefghij',
    CHATWOOT_URL: 'https://chat.example.com',
    CHATWOOT_ACCOUNT_ID: '1',
    CHATWOOT_API_TOKEN: 'x',
    CHATWOOT_WEBHOOK_SECRET: 'whsec',
  };

  it('is off by default, polls every minute, identity fields newest, the job title Krayin', () => {
    const twoWay = loadConfigFromEnv(required).connections[0]!.twoWay;
    expect(twoWay).toEqual({
      enabled: false,
      pollInterval: '1m',
      scanInterval: '1h',
      fieldOwnership: {},
      tieGoesTo: 'krayin',
      newPersons: 'ignore',
    });
    expect(pollIntervalMs(twoWay)).toBe(60_000);
    expect(effectiveOwnership(twoWay)).toEqual({
      name: 'newest',
      email: 'newest',
      phone: 'newest',
      job_title: 'krayin',
      organization: 'newest',
    });
  });

  it('reads the environment form', () => {
    const twoWay = loadConfigFromEnv({
      ...required,
      TWO_WAY_SYNC: 'on',
      KRAYIN_POLL_INTERVAL: '30s',
      FIELD_OWNERSHIP: 'name=krayin, phone=chatwoot',
      FIELD_OWNERSHIP_TIE: 'chatwoot',
    }).connections[0]!.twoWay;
    expect(twoWay).toMatchObject({ enabled: true, pollInterval: '30s', tieGoesTo: 'chatwoot' });
    expect(effectiveOwnership(twoWay)).toMatchObject({ name: 'krayin', phone: 'chatwoot', email: 'newest' });
    expect(pollIntervalMs(twoWaySchema.parse({ pollInterval: 'off' }))).toBeNull();
    expect(parsePollInterval('2h')).toBe(7_200_000);
  });

  it.each([
    ['KRAYIN_POLL_INTERVAL', '5s', /KRAYIN_POLL_INTERVAL: must be an interval/],
    ['KRAYIN_POLL_INTERVAL', 'soon', /KRAYIN_POLL_INTERVAL: must be an interval/],
    ['FIELD_OWNERSHIP', 'name=sometimes', /FIELD_OWNERSHIP.*owners are chatwoot, krayin, newest/],
    ['FIELD_OWNERSHIP', 'stage=krayin', /FIELD_OWNERSHIP.*fields are/],
    [
      'FIELD_OWNERSHIP',
      'attribute.cw_tier=krayin',
      /FIELD_OWNERSHIP.*custom attributes have no owner: Krayin's API never/,
    ],
    ['FIELD_OWNERSHIP', 'custom_attributes=krayin', /FIELD_OWNERSHIP.*custom attributes have no owner/],
    ['FIELD_OWNERSHIP_TIE', 'newest', /FIELD_OWNERSHIP_TIE: must be chatwoot or krayin/],
    ['KRAYIN_NEW_PERSONS', 'adopt', /KRAYIN_NEW_PERSONS: must be ignore or create/],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => loadConfigFromEnv({ ...required, [name]: value })).toThrow(message);
  });
});
