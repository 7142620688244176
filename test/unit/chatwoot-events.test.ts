import { classifyWebhookEvent, contactChangedAt, type EventClassification } from '../../src/chatwoot/events';
import { parseWebhookEvent, type WebhookEvent } from '../../src/chatwoot/webhook-schemas';
import { fixtureJson, listFixtures } from '../helpers/webhooks';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function parsed(body: unknown): WebhookEvent {
  const result = parseWebhookEvent(body);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.event;
}

function classify(name: string, mutate: (b: Json) => void = () => {}): EventClassification {
  const body = fixtureJson(name) as Json;
  mutate(body);
  return classifyWebhookEvent(parsed(body));
}

const contact = (contactId: number, conversationId?: number, messageId?: number): EventClassification => ({
  kind: 'contact',
  contactId,
  ...(conversationId === undefined ? {} : { conversationId }),
  ...(messageId === undefined ? {} : { messageId }),
});
const ignored = (reason: string) => ({ kind: 'ignored' as const, reason });

const EXPECTED: Record<string, EventClassification | { kind: 'ignored'; reason: string }> = {
  'contact_created.json': contact(1042),
  'contact_updated.json': contact(1042),
  'contact_updated.last_activity.json': ignored('noise'),
  'conversation_created.json': contact(1042, 87),
  'conversation_status_changed.json': contact(1042, 87),
  'conversation_typing_off.json': ignored('typing'),
  'conversation_typing_on.json': ignored('typing'),
  'conversation_updated.assignee.json': contact(1042, 87),
  'conversation_updated.custom_attributes.json': contact(1042, 87),
  'conversation_updated.first_reply.json': contact(1042, 87),
  'conversation_updated.json': contact(1042, 87),
  'conversation_updated.status.json': contact(1042, 87),
  'inbox_created.json': ignored('inbox_event'),
  'inbox_updated.json': ignored('inbox_event'),
  'message_created.attachment.json': contact(1042, 91, 58302),
  'message_created.json': contact(1042, 87, 58210),
  'message_created.outgoing.json': contact(1042, 87, 58217),
  'message_created.private_note.json': contact(1042, 87, 58214),
  'message_updated.json': contact(1042, 91, 58305),
  'webwidget_triggered.json': ignored('webwidget_triggered'),
};

describe('classifyWebhookEvent: every fixture', () => {
  it('covers exactly the fixture set', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(listFixtures());
  });

  it.each(Object.entries(EXPECTED))('%s', (name, expected) => {
    expect(classify(name)).toEqual(expected);
  });
});

describe('classifyWebhookEvent: the contact of messages and conversations', () => {
  it('uses the conversation contact for an agent reply, never the agent sender (user 7)', () => {
    expect(classify('message_created.outgoing.json', (b) => (b.sender.id = 99))).toEqual(contact(1042, 87, 58217));
  });

  it('prefers conversation.meta.sender over contact_inbox when they differ (after a merge)', () => {
    expect(classify('message_updated.json', (b) => (b.conversation.contact_inbox.contact_id = 5))).toEqual(
      contact(1042, 91, 58305),
    );
  });

  it('falls back to contact_inbox.contact_id when meta.sender is absent', () => {
    expect(
      classify('conversation_created.json', (b) => {
        delete b.meta.sender;
        b.contact_inbox.contact_id = 2001;
      }),
    ).toEqual(contact(2001, 87));
    expect(classify('message_created.json', (b) => (b.conversation.meta.sender = null))).toEqual(
      contact(1042, 87, 58210),
    );
  });

  it('ignores a conversation that names no contact at all', () => {
    expect(
      classify('conversation_updated.json', (b) => {
        delete b.meta.sender;
        b.contact_inbox = null;
      }),
    ).toEqual(ignored('no_contact'));
  });

  it('still routes a native-app echo with sender null to the conversation contact', () => {
    expect(classify('message_created.outgoing.json', (b) => (b.sender = null))).toEqual(contact(1042, 87, 58217));
  });
});

describe('classifyWebhookEvent: contact noise and anonymous visitors', () => {
  const changes = (...keys: string[]) => keys.map((k) => ({ [k]: { previous_value: null, current_value: 'x' } }));

  it.each([
    [['updated_at']],
    [['updated_at', 'last_activity_at']],
    [['location', 'country_code', 'updated_at']],
    [['contact_type', 'updated_at']],
    [[]],
  ])('ignores contact_updated changing only %p as noise', (keys) => {
    expect(classify('contact_updated.json', (b) => (b.changed_attributes = changes(...keys)))).toEqual(
      ignored('noise'),
    );
  });

  it.each([[['updated_at', 'email']], [['label_list']], [['custom_attributes', 'last_activity_at']], [['name']]])(
    'syncs contact_updated changing %p',
    (keys) => {
      expect(classify('contact_updated.json', (b) => (b.changed_attributes = changes(...keys)))).toEqual(contact(1042));
    },
  );

  it('syncs contact_updated with changed_attributes null (unknown change set)', () => {
    expect(classify('contact_updated.json', (b) => (b.changed_attributes = null))).toEqual(contact(1042));
  });

  it('ignores contact_* for an anonymous visitor (no email, phone or identifier; "" counts as none)', () => {
    const anonymous = (b: Json) => {
      b.email = null;
      b.phone_number = '';
      b.identifier = '  ';
    };
    expect(classify('contact_created.json', anonymous)).toEqual(ignored('anonymous'));
    expect(classify('contact_updated.json', anonymous)).toEqual(ignored('anonymous'));
  });

  it.each([
    ['a phone only', { email: null, phone_number: '+4915112345678', identifier: null }],
    ['an identifier only', { email: '', phone_number: '', identifier: 'crm-7' }],
    ['an email only', { email: 'a@example.com', phone_number: null, identifier: null }],
  ])('syncs a contact with %s', (_label, fields) => {
    expect(classify('contact_created.json', (b) => Object.assign(b, fields))).toEqual(contact(1042));
  });
});

describe('contactChangedAt (the Chatwoot side of `newest` ownership)', () => {
  const LATER = '2026-06-20T09:00:00.000Z';
  const changes = (...keys: string[]) => keys.map((k) => ({ [k]: { previous_value: null, current_value: 'x' } }));
  const at = (name: string, receivedAt: string, mutate: (b: Json) => void = () => {}) => {
    const body = fixtureJson(name) as Json;
    mutate(body);
    return contactChangedAt(parsed(body), receivedAt);
  };

  it("is contact_updated's changed_attributes updated_at after the save, not the arrival", () => {
    expect(at('contact_updated.json', LATER)).toBe('2026-06-20T08:57:40.118Z');
  });

  it('is capped at the arrival (a skewed Chatwoot clock cannot win every conflict)', () => {
    expect(at('contact_updated.json', '2026-06-20T08:50:00.000Z')).toBe('2026-06-20T08:50:00.000Z');
  });

  it('normalizes an offset time to UTC ISO', () => {
    const withOffset = (b: Json) =>
      (b.changed_attributes = [
        { name: { previous_value: 'a', current_value: 'b' } },
        { updated_at: { previous_value: null, current_value: '2026-06-20T10:57:40.118+02:00' } },
      ]);
    expect(at('contact_updated.json', LATER, withOffset)).toBe('2026-06-20T08:57:40.118Z');
  });

  it.each<[string, (b: Json) => void]>([
    ['changed_attributes null', (b) => (b.changed_attributes = null)],
    ['no updated_at entry', (b) => (b.changed_attributes = changes('name'))],
    [
      'an updated_at that is no time',
      (b) =>
        (b.changed_attributes = [{ updated_at: { previous_value: null, current_value: 'soon' } }, ...changes('name')]),
    ],
  ])('is absent with %s (the arrival time stands in)', (_label, mutate) => {
    expect(at('contact_updated.json', LATER, mutate)).toBeUndefined();
  });

  it('is absent for events other than contact_updated', () => {
    expect(at('contact_created.json', LATER)).toBeUndefined();
    expect(at('conversation_updated.json', LATER)).toBeUndefined();
  });
});
