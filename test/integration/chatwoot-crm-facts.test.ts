/**
 * The Chatwoot endpoints CRM facts use, over real HTTP: the fake behaves like Chatwoot (src/chatwoot/README.md §5:
 * definitions as a bare array, 422 on a taken key with the real message shape, shallow-merged custom
 * attributes, labels POST replacing the whole set, destroy_custom_attributes, private notes) and sends
 * the webhooks Chatwoot would, which our ingest schema accepts; and the client's methods read and write
 * them as documented.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { ChatwootClient } from '../../src/chatwoot/api-client';
import { ChatwootValidationError } from '../../src/chatwoot/errors';
import { verifyWebhookSignature } from '../../src/chatwoot/signature';
import { parseWebhookEvent } from '../../src/chatwoot/webhook-schemas';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';

const SECRET = 'crm-facts-webhook-secret';

interface Received {
  body: Record<string, unknown>;
  signed: boolean;
  parses: boolean;
}

async function webhookReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      const signed = verifyWebhookSignature({
        secret: SECRET,
        rawBody: raw,
        timestamp: req.headers['x-chatwoot-timestamp'] as string | undefined,
        signature: req.headers['x-chatwoot-signature'] as string | undefined,
      }).ok;
      received.push({ body, signed, parses: parseWebhookEvent(body).ok });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/chatwoot/default`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let fake: FakeChatwoot;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
let client: ChatwootClient;

beforeAll(async () => {
  receiver = await webhookReceiver();
  fake = await startFakeChatwoot({ webhook: { url: receiver.url, secret: SECRET } });
  client = new ChatwootClient({ baseUrl: fake.url, accountId: fake.accountId, apiToken: fake.apiToken });
});
afterAll(async () => {
  await fake?.close();
  await receiver?.close();
});
beforeEach(() => {
  fake.reset();
  receiver.received.splice(0);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function raw(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await request(`${fake.url}/api/v1/accounts/${fake.accountId}${route}`, {
    method,
    headers: { api_access_token: fake.apiToken, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : null };
}

const events = () => receiver.received.map((r) => r.body.event);

describe('custom attribute definitions', () => {
  const stage = {
    attribute_key: 'crm_lead_stage',
    attribute_display_name: 'CRM lead stage',
    attribute_display_type: 'text',
  };

  it('creates (unwrapped answer), lists as a bare array filtered by model, refuses a taken key with 422', async () => {
    const created = await client.createContactAttributeDefinition({ ...stage, attribute_display_type: 'text' });
    expect(created).toMatchObject({ ...stage, attribute_model: 'contact_attribute' });
    // The same key for conversations is another definition (unique per account AND model).
    const conversationDef = await raw('POST', '/custom_attribute_definitions', {
      custom_attribute_definition: { ...stage, attribute_model: 'conversation_attribute' },
    });
    expect(conversationDef.status).toBe(200);
    expect(conversationDef.json.attribute_model).toBe('conversation_attribute');

    const list = await raw('GET', '/custom_attribute_definitions?attribute_model=contact_attribute');
    expect(Array.isArray(list.json)).toBe(true);
    expect(list.json.map((d: { attribute_key: string }) => d.attribute_key)).toEqual(['crm_lead_stage']);
    expect(list.json[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    expect((await raw('GET', '/custom_attribute_definitions')).json).toHaveLength(2);
    expect(await client.listContactAttributeDefinitions()).toEqual([expect.objectContaining(stage)]);

    const again = await raw('POST', '/custom_attribute_definitions', {
      ...stage,
      attribute_model: 'contact_attribute',
    });
    expect(again).toEqual({
      status: 422,
      json: { message: 'Attribute key has already been taken', attributes: ['attribute_key'] },
    });
    const error = await client
      .createContactAttributeDefinition({ ...stage, attribute_display_type: 'text' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatwootValidationError);
    expect((error as ChatwootValidationError).attributes).toEqual(['attribute_key']);
    expect((error as Error).message).toMatch(/already been taken/);
    expect(events()).toEqual([]); // definitions send no webhook
  });

  it('validates like the model: key format, reserved contact keys, blanks; an unknown display type is a 500', async () => {
    const post = (body: Record<string, unknown>) =>
      raw('POST', '/custom_attribute_definitions', { attribute_model: 'contact_attribute', ...body });
    expect((await post({ ...stage, attribute_key: 'crm lead' })).json).toEqual({
      message: 'Attribute key is invalid',
      attributes: ['attribute_key'],
    });
    const reserved = await post({ ...stage, attribute_key: 'email' });
    expect(reserved.status).toBe(422);
    expect(reserved.json.attributes).toEqual(['attribute_key']);
    const blank = await post({ attribute_key: 'crm_x' });
    expect(blank.status).toBe(422);
    expect(blank.json.attributes).toEqual(['attribute_display_name', 'attribute_display_type']);
    expect((await post({ ...stage, attribute_display_type: 'money' })).status).toBe(500);
    expect((await raw('GET', '/custom_attribute_definitions?attribute_model=contact_attribute')).json).toEqual([]);
  });
});

describe('contact custom attributes', () => {
  it('an update merges shallowly and is echoed as contact_updated; destroy removes keys, echoed too', async () => {
    fake.upsertContact({ id: 1042, name: 'Jane', email: 'jane@example.com', custom_attributes: { tier: 'gold' } });
    const updated = await client.updateContactCustomAttributes(1042, { crm_lead_stage: 'Won', crm_lead_value: 10 });
    expect(updated?.custom_attributes).toEqual({ tier: 'gold', crm_lead_stage: 'Won', crm_lead_value: 10 });
    // The same values again: nothing changed, no webhook (Chatwoot's listener drops an empty change set).
    await client.updateContactCustomAttributes(1042, { crm_lead_stage: 'Won' });
    const removed = await client.destroyContactCustomAttributes(1042, ['crm_lead_value', 'not_there']);
    expect(removed?.custom_attributes).toEqual({ tier: 'gold', crm_lead_stage: 'Won' });

    expect(events()).toEqual(['contact_updated', 'contact_updated']);
    expect(receiver.received.every((r) => r.signed && r.parses)).toBe(true);
    const [merge, destroy] = receiver.received.map((r) => r.body.changed_attributes as Record<string, unknown>[]);
    // Rails lists the changes in column order: updated_at before custom_attributes.
    expect(merge!.map((c) => Object.keys(c)[0])).toEqual(['updated_at', 'custom_attributes']);
    expect(merge![1]).toEqual({
      custom_attributes: {
        previous_value: { tier: 'gold' },
        current_value: { tier: 'gold', crm_lead_stage: 'Won', crm_lead_value: 10 },
      },
    });
    expect(destroy![1]).toEqual({
      custom_attributes: {
        previous_value: { tier: 'gold', crm_lead_stage: 'Won', crm_lead_value: 10 },
        current_value: { tier: 'gold', crm_lead_stage: 'Won' },
      },
    });
    expect(await client.updateContactCustomAttributes(9999, { crm_lead_stage: 'Won' })).toBeNull();
    expect(await client.destroyContactCustomAttributes(9999, ['crm_lead_stage'])).toBeNull();
  });
});

describe('contact labels', () => {
  it('POST replaces the whole set; a change is echoed as contact_updated naming only label_list', async () => {
    fake.upsertContact({ id: 7, name: 'Bo', email: 'bo@example.com' });
    expect(await client.getContactLabels(7)).toEqual([]);
    expect(await client.setContactLabels(7, ['vip', 'crm-hot'])).toEqual(['vip', 'crm-hot']);
    expect(await client.setContactLabels(7, ['vip', 'crm-won'])).toEqual(['vip', 'crm-won']);
    expect(await client.getContactLabels(7)).toEqual(['vip', 'crm-won']);
    // The same set (another order): no change, no webhook.
    await client.setContactLabels(7, ['crm-won', 'vip']);
    expect((await raw('POST', '/contacts/7/labels', {})).json).toEqual({ payload: [] });

    expect(events()).toEqual(['contact_updated', 'contact_updated', 'contact_updated']);
    expect(receiver.received.every((r) => r.signed && r.parses)).toBe(true);
    const second = receiver.received[1]!.body;
    // Contact payloads carry no labels: only changed_attributes says what changed.
    expect(second).not.toHaveProperty('labels');
    expect(second.changed_attributes).toEqual([
      { updated_at: { previous_value: expect.any(String), current_value: expect.any(String) } },
      { label_list: { previous_value: ['vip', 'crm-hot'], current_value: ['vip', 'crm-won'] } },
    ]);
    expect(await client.getContactLabels(9999)).toBeNull();
    expect(await client.setContactLabels(9999, ['crm-won'])).toBeNull();
  });
});

describe('private notes in the contact open conversation', () => {
  it("lists the contact's conversations by recent activity; a note is private, echoed with the user's webhook_data", async () => {
    fake.upsertContact({ id: 5, name: 'Cy', email: 'cy@example.com' });
    const older = fake.upsertConversation({ id: 11, contactId: 5, status: 'resolved', created_at: 1_700_000_000 });
    const open = fake.upsertConversation({ id: 12, contactId: 5, status: 'open', created_at: 1_700_000_100 });
    fake.addMessage(open.id, { content: 'public question', created_at: 1_700_000_200 });
    expect(older.id).toBe(11);

    const conversations = await client.listContactConversations(5);
    expect(conversations?.map((c) => [c.id, c.status])).toEqual([
      [12, 'open'],
      [11, 'resolved'],
    ]);
    const note = await client.createPrivateNote(12, 'CRM: lead moved to Won');
    expect(note?.id).toEqual(expect.any(Number));

    expect(events()).toEqual(['message_created']);
    const body = receiver.received[0]!.body;
    expect(receiver.received[0]).toMatchObject({ signed: true, parses: true });
    expect(body).toMatchObject({ private: true, message_type: 'outgoing', content: 'CRM: lead moved to Won' });
    expect(body.sender).toEqual({ id: 7, name: 'Max Mustermann', email: 'max@acme.example', type: 'user' });
    // conversation.messages shows the last PUBLIC message, never the note.
    const nested = (body.conversation as { messages: { content: string }[] }).messages;
    expect(nested.map((m) => m.content)).toEqual(['public question']);
    // A private note is no reply: the conversation still waits for its first one.
    expect((await raw('GET', '/conversations/12')).json.first_reply_created_at).toBe(0);

    expect(await client.listContactConversations(9999)).toBeNull();
    expect(await client.createPrivateNote(9999, 'x')).toBeNull();
  });
});
