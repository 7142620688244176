/**
 * The mapper over every contact in the Chatwoot fixtures (../shared/chatwoot-fixtures): the
 * contact_* bodies, the `meta.sender` of conversation payloads, message senders and the widget
 * contact. All describe Jane Doe (contact 1042), before and after her phone number was added.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChatwootContact } from '../../src/chatwoot/contact';
import { syncSchema } from '../../src/config/schema';
import type { KrayinAttribute } from '../../src/krayin/api';
import { mapContact, type AttributeCatalog } from '../../src/mapping/contact';
import type { ContactPlan } from '../../src/mapping/types';

const FIXTURES_DIR = process.env.CHATWOOT_FIXTURES_DIR ?? path.resolve(__dirname, '../../../shared/chatwoot-fixtures');

type Json = Record<string, unknown>;
const load = (file: string): Json => JSON.parse(readFileSync(path.join(FIXTURES_DIR, file), 'utf8')) as Json;
const files = readdirSync(FIXTURES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** Every contact-shaped object of a fixture, labelled with where it was found. */
function contactsIn(file: string): [string, ChatwootContact][] {
  const body = load(file);
  const found: [string, ChatwootContact][] = [];
  const add = (where: string, value: unknown) => {
    // Contacts (not users or bots) carry phone_number and identifier keys.
    if (value && typeof value === 'object' && 'phone_number' in value && 'identifier' in value) {
      found.push([`${file} ${where}`, value as ChatwootContact]);
    }
  };
  if (file.startsWith('contact_')) add('(body)', body);
  const conversation = (file.startsWith('conversation_') && 'meta' in body ? body : body.conversation) as
    Json | undefined;
  add('meta.sender', (conversation?.meta as Json | undefined)?.sender);
  add('sender', body.sender);
  add('contact', body.contact);
  return found;
}

const janeBeforePhone: ContactPlan = {
  kind: 'sync',
  identity: { email: 'jane.doe@example.com', emailIsPlaceholder: false, phone: null },
  person: {
    name: 'Jane Doe',
    emails: [{ value: 'jane.doe@example.com', label: 'work' }],
    contact_numbers: [],
    job_title: 'Head of Operations',
    attributes: {},
  },
  organization: { name: 'Acme Logistics GmbH', nameKey: 'acme logistics gmbh', attributes: {} },
  lead: { title: 'Jane Doe (Chatwoot)', description: null, value: 0, attributes: {} },
};

const janeWithPhone: ContactPlan = {
  ...janeBeforePhone,
  identity: { email: 'jane.doe@example.com', emailIsPlaceholder: false, phone: '+4915112345678' },
  person: { ...janeBeforePhone.person, contact_numbers: [{ value: '+4915112345678', label: 'work' }] },
};

const all = files.flatMap(contactsIn);

describe('fixtures', () => {
  it('cover the contact bodies, conversation senders, message senders and the widget contact', () => {
    const where = all.map(([label]) => label);
    expect(where).toEqual(
      expect.arrayContaining([
        'contact_created.json (body)',
        'contact_updated.json (body)',
        'contact_updated.last_activity.json (body)',
        'conversation_created.json meta.sender',
        'conversation_status_changed.json meta.sender',
        'conversation_updated.json meta.sender',
        'conversation_typing_on.json meta.sender',
        'message_created.json sender',
        'message_created.json meta.sender',
        'webwidget_triggered.json contact',
      ]),
    );
    expect(files.filter((f) => f.startsWith('conversation_')).every((f) => where.includes(`${f} meta.sender`))).toBe(
      true,
    );
  });
});

describe.each(all)('mapContact(%s)', (label, contact) => {
  it('with the default settings', () => {
    const expected = label === 'contact_created.json (body)' ? janeBeforePhone : janeWithPhone;
    expect(mapContact(contact, syncSchema.parse({}))).toEqual(expected);
  });

  it('with placeholder emails, a custom attribute, no organizations and a custom title', () => {
    const sync = syncSchema.parse({
      emaillessPolicy: 'placeholder',
      syncOrganizations: false,
      lead: { value: 250, titleTemplate: '{{company}}: {{name}}' },
      fieldMap: {
        person: { cw_tier: 'custom_attributes.customer_tier' },
        lead: { description: 'additional_attributes.city' },
      },
    });
    const tier: KrayinAttribute = {
      id: 40,
      code: 'cw_tier',
      name: 'Tier',
      type: 'select',
      entity_type: 'persons',
      lookup_type: null,
      is_required: 0,
      is_unique: 0,
      is_user_defined: 1,
      options: [
        { id: 3, name: 'Gold' },
        { id: 4, name: 'Silver' },
      ],
    };
    const catalog: AttributeCatalog = { persons: [tier], organizations: [], leads: [] };
    const base = label === 'contact_created.json (body)' ? janeBeforePhone : janeWithPhone;
    if (base.kind !== 'sync') throw new Error('unreachable');
    expect(mapContact(contact, sync, catalog, { timezone: 'Europe/Berlin' })).toEqual({
      ...base,
      person: { ...base.person, attributes: { cw_tier: label === 'contact_created.json (body)' ? null : 3 } },
      organization: null,
      lead: { title: 'Acme Logistics GmbH: Jane Doe', description: 'Berlin', value: 250, attributes: {} },
    });
  });

  it('waits for an email when Jane had none', () => {
    expect(mapContact({ ...contact, email: null }, syncSchema.parse({}))).toEqual({
      kind: 'skip',
      reason: 'no_email',
      note: 'waiting for an email address',
    });
  });
});
