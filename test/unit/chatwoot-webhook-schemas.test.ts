import { parseWebhookEvent, WEBHOOK_EVENTS, type WebhookIssue } from '../../src/chatwoot/webhook-schemas';
import { fixtureJson, listFixtures } from '../helpers/webhooks';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function issuesOf(body: unknown): WebhookIssue[] {
  const result = parseWebhookEvent(body);
  if (result.ok) throw new Error('expected the body to be rejected');
  return result.issues;
}

function pathsOf(body: unknown): string[] {
  return issuesOf(body).map((i) => i.path);
}

/** A fixture, changed by `mutate` (which edits the parsed copy in place). */
function variant(name: string, mutate: (b: Json) => void): Json {
  const body = fixtureJson(name) as Json;
  mutate(body);
  return body;
}

describe('webhook schemas: every fixture', () => {
  const fixtures = listFixtures();

  it('has a fixture for every event name', () => {
    const events = new Set(fixtures.map((f) => fixtureJson(f).event));
    expect([...events].sort()).toEqual([...WEBHOOK_EVENTS].sort());
  });

  it.each(fixtures)('parses %s and keeps the event name', (name) => {
    const body = fixtureJson(name);
    const result = parseWebhookEvent(body);
    if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.issues)}`);
    expect(result.event.event).toBe(body.event);
  });
});

describe('webhook schemas: what is allowed', () => {
  it('keeps unknown keys at every level (future performed_by, premium company_id)', () => {
    const body = variant('message_created.json', (b) => {
      b.performed_by = { type: 'User', id: 7 };
      b.conversation.meta.sender.company_id = 12;
    });
    const result = parseWebhookEvent(body);
    expect(result.ok).toBe(true);
    if (result.ok) expect((result.event as Json).performed_by).toEqual({ type: 'User', id: 7 });
  });

  it.each([
    ['email null', (b: Json) => (b.email = null)],
    ['email ""', (b: Json) => (b.email = '')],
    ['phone null', (b: Json) => (b.phone_number = null)],
    ['identifier ""', (b: Json) => (b.identifier = '')],
    ['no blocked key (before v4.0.2)', (b: Json) => delete b.blocked],
  ])('contact_created accepts %s', (_label, mutate) => {
    expect(parseWebhookEvent(variant('contact_created.json', mutate)).ok).toBe(true);
  });

  it('accepts changed_attributes null on contact_updated and conversation_updated', () => {
    expect(parseWebhookEvent(variant('contact_updated.json', (b) => (b.changed_attributes = null))).ok).toBe(true);
    expect(parseWebhookEvent(variant('conversation_updated.json', (b) => (b.changed_attributes = null))).ok).toBe(true);
  });

  it('accepts a non-null changed_attributes on conversation_status_changed (a future release may fill it)', () => {
    const body = variant('conversation_status_changed.json', (b) => {
      b.changed_attributes = [{ status: { previous_value: 'open', current_value: 'resolved' } }];
    });
    expect(parseWebhookEvent(body).ok).toBe(true);
  });

  it('accepts payloads from before v4.14.2 / v4.8 (no conversation account, no assignee_type)', () => {
    const body = variant('conversation_created.json', (b) => {
      delete b.account;
      delete b.meta.assignee_type;
    });
    expect(parseWebhookEvent(body).ok).toBe(true);
  });

  it('accepts a native-app echo: outgoing message with sender null', () => {
    const body = variant('message_created.outgoing.json', (b) => {
      b.sender = null;
      b.content_attributes = { external_echo: true };
    });
    expect(parseWebhookEvent(body).ok).toBe(true);
  });

  it('accepts a conversation without meta.sender when contact_inbox names the contact', () => {
    expect(parseWebhookEvent(variant('conversation_created.json', (b) => delete b.meta.sender)).ok).toBe(true);
  });

  it('accepts agent-bot senders and a webwidget_triggered with a current conversation', () => {
    const bot = variant('message_created.outgoing.json', (b) => (b.sender = { id: 2, name: 'Bot', type: 'agent_bot' }));
    expect(parseWebhookEvent(bot).ok).toBe(true);
    const conversation = fixtureJson('conversation_created.json');
    delete conversation.event;
    const widget = variant('webwidget_triggered.json', (b) => (b.current_conversation = conversation));
    expect(parseWebhookEvent(widget).ok).toBe(true);
  });
});

describe('webhook schemas: what is rejected, with the path', () => {
  it.each<[string, string, (b: Json) => void, string]>([
    ['contact id as a string', 'contact_created.json', (b) => (b.id = '1042'), 'id'],
    ['contact id not an integer', 'contact_created.json', (b) => (b.id = 1042.5), 'id'],
    ['contact id zero', 'contact_created.json', (b) => (b.id = 0), 'id'],
    ['email as a number', 'contact_created.json', (b) => (b.email = 42), 'email'],
    ['missing custom_attributes', 'contact_created.json', (b) => delete b.custom_attributes, 'custom_attributes'],
    [
      'changed_attributes as one object',
      'contact_updated.json',
      (b) => (b.changed_attributes = { phone_number: { previous_value: '', current_value: '+49' } }),
      'changed_attributes',
    ],
    [
      'changed_attributes entry with two keys',
      'contact_updated.json',
      (b) => (b.changed_attributes[0].updated_at = b.changed_attributes[1].updated_at),
      'changed_attributes.0',
    ],
    [
      'changed_attributes entry without current_value',
      'contact_updated.json',
      (b) => delete b.changed_attributes[0].phone_number.current_value,
      'changed_attributes.0.phone_number.current_value',
    ],
    ['conversation id as a string', 'conversation_created.json', (b) => (b.id = '87'), 'id'],
    [
      'conversation created_at as ISO',
      'conversation_created.json',
      (b) => (b.created_at = '2026-06-20T09:14:03.498Z'),
      'created_at',
    ],
    ['waiting_since as a float', 'conversation_created.json', (b) => (b.waiting_since = 1781946843.5), 'waiting_since'],
    [
      'first_reply_created_at as epoch',
      'message_created.outgoing.json',
      (b) => (b.conversation.first_reply_created_at = 1781946965),
      'conversation.first_reply_created_at',
    ],
    ['unknown conversation status', 'conversation_updated.status.json', (b) => (b.status = 'closed'), 'status'],
    [
      'contact_inbox.contact_id as a string',
      'conversation_created.json',
      (b) => (b.contact_inbox.contact_id = '1042'),
      'contact_inbox.contact_id',
    ],
    ['meta.sender.id missing', 'conversation_created.json', (b) => delete b.meta.sender.id, 'meta.sender.id'],
    ['top-level message_type as an int', 'message_created.json', (b) => (b.message_type = 0), 'message_type'],
    ['top-level message_type "activity"', 'message_created.json', (b) => (b.message_type = 'activity'), 'message_type'],
    [
      'nested message_type as a string',
      'message_created.json',
      (b) => (b.conversation.messages[0].message_type = 'incoming'),
      'conversation.messages.0.message_type',
    ],
    ['message created_at as epoch', 'message_created.json', (b) => (b.created_at = 1781946843), 'created_at'],
    [
      'nested message created_at as ISO',
      'message_created.json',
      (b) => (b.conversation.messages[0].created_at = '2026-06-20T09:14:03.498Z'),
      'conversation.messages.0.created_at',
    ],
    ['private as a string', 'message_created.private_note.json', (b) => (b.private = 'true'), 'private'],
    ['message without conversation', 'message_updated.json', (b) => delete b.conversation, 'conversation'],
    ['contact sender with a bad email', 'message_created.json', (b) => (b.sender.email = 7), 'sender.email'],
    ['typing without is_private', 'conversation_typing_on.json', (b) => delete b.is_private, 'is_private'],
    [
      'inbox working_hours inbox_id as a string',
      'inbox_updated.json',
      (b) => (b.working_hours[0].inbox_id = '8'),
      'working_hours.0.inbox_id',
    ],
    ['webwidget contact without id', 'webwidget_triggered.json', (b) => delete b.contact.id, 'contact.id'],
  ])('%s', (_label, fixture, mutate, expectedPath) => {
    expect(pathsOf(variant(fixture, mutate))).toContain(expectedPath);
  });

  it('rejects a body without event, or with a non-string event, at path "event"', () => {
    expect(pathsOf(variant('contact_created.json', (b) => delete b.event))).toEqual(['event']);
    expect(pathsOf(variant('contact_created.json', (b) => (b.event = 5)))).toEqual(['event']);
  });

  it('never puts the offending value in an issue', () => {
    const secretish = 'jane.doe.private@example.com';
    const issues = [
      ...issuesOf(variant('contact_created.json', (b) => (b.id = secretish))),
      ...issuesOf(variant('contact_created.json', (b) => (b.phone_number = { value: secretish }))),
      ...issuesOf(variant('message_created.json', (b) => (b.message_type = secretish))),
      ...issuesOf(variant('conversation_created.json', (b) => (b.status = secretish))),
      ...issuesOf(variant('message_created.json', (b) => (b.sender.name = { secretish }))),
    ];
    expect(issues.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(issues)).not.toContain('jane.doe');
  });

  it('reports every broken field, not only the first', () => {
    const paths = pathsOf(
      variant('conversation_created.json', (b) => {
        b.id = 'x';
        b.inbox_id = null;
        b.updated_at = 'yesterday';
      }),
    );
    expect(paths).toEqual(expect.arrayContaining(['id', 'inbox_id', 'updated_at']));
  });
});
