/**
 * The fake Chatwoot changes state like the real one when driven through its REST write endpoints:
 * what the sync reads back afterwards is the new state (a resolved conversation is resolved, message
 * lists grow, an updated contact's updated_at moves), and every change is announced by the webhooks
 * Chatwoot would send, in shapes our ingest accepts and signed with the webhook's secret. Both
 * in-process and as the standalone `npm run fake:chatwoot`.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { verifyWebhookSignature } from '../../src/chatwoot/signature';
import { parseWebhookEvent } from '../../src/chatwoot/webhook-schemas';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';

const SECRET = 'fake-webhook-secret';

interface Received {
  event: string;
  body: Record<string, unknown>;
  signed: boolean;
  parses: boolean;
}

/** An HTTP server standing in for our ingest: records every webhook, checks signature and schema. */
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
      received.push({ event: String(body.event), body, signed, parses: parseWebhookEvent(body).ok });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/chatwoot/demo`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function api(fake: { url: string; apiToken: string }, accountId = 1) {
  const call = async (method: 'GET' | 'POST' | 'PUT', route: string, body?: unknown) => {
    const res = await request(`${fake.url}/api/v1/accounts/${accountId}${route}`, {
      method,
      headers: { api_access_token: fake.apiToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, json: (await res.body.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  return call;
}

describe('fake Chatwoot write endpoints', () => {
  let fake: FakeChatwoot;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  beforeAll(async () => {
    receiver = await webhookReceiver();
    fake = await startFakeChatwoot({ webhook: { url: receiver.url, secret: SECRET } });
  });
  afterAll(async () => {
    await fake?.close();
    await receiver?.close();
  });

  it('a merge moves the conversations to the base, the mergee answers 404, the base fills only its blanks', async () => {
    // Its own fake and receiver: the other tests count every webhook their fake sent.
    const receiver = await webhookReceiver();
    const fake = await startFakeChatwoot({ webhook: { url: receiver.url, secret: SECRET } });
    try {
      const call = api(fake);
      const base = (await call('POST', '/contacts', { name: 'Grace', phone_number: '+15550001111' })).json.payload
        .contact;
      const mergee = (
        await call('POST', '/contacts', {
          name: 'G. Hopper',
          email: 'grace@example.com',
          phone_number: '+15550002222',
          additional_attributes: { company_name: 'Navy', city: '' },
        })
      ).json.payload.contact;
      const conversation = (await call('POST', '/conversations', { contact_id: mergee.id, inbox_id: 6 })).json;
      const received = receiver.received.length;

      const merged = await call('POST', '/actions/contact_merge', {
        base_contact_id: base.id,
        mergee_contact_id: mergee.id,
      });
      expect(merged.status).toBe(200);
      // Unwrapped; the base keeps its name and phone and takes the email and company it had none of.
      expect(merged.json).toMatchObject({
        id: base.id,
        name: 'Grace',
        email: 'grace@example.com',
        phone_number: '+15550001111',
        additional_attributes: { company_name: 'Navy' },
      });
      expect((await call('GET', `/contacts/${mergee.id}`)).status).toBe(404);
      expect((await call('GET', `/conversations/${conversation.id}`)).json.meta.sender.id).toBe(base.id);
      expect(
        (await call('POST', '/actions/contact_merge', { base_contact_id: base.id, mergee_contact_id: mergee.id }))
          .status,
      ).toBe(404);
      expect(receiver.received.slice(received).map((r) => [r.event, r.signed, r.parses])).toEqual([
        ['contact_updated', true, true],
      ]);
    } finally {
      await fake.close();
      await receiver.close();
    }
  });

  it('a contact, its conversation, a reply and a resolve: read back as changed, each announced by a signed webhook', async () => {
    const call = api(fake);
    const created = await call('POST', '/contacts', {
      name: 'Ada Lovelace',
      email: 'Ada@Example.com',
      additional_attributes: { company_name: 'Analytical Engines Ltd', city: 'London' },
    });
    expect(created.status).toBe(200);
    const contact = created.json.payload.contact;
    expect(contact.email).toBe('ada@example.com');

    // Chatwoot's 422s: a taken email, a phone that is not E.164.
    expect((await call('POST', '/contacts', { email: 'ada@example.com' })).status).toBe(422);
    expect((await call('PUT', `/contacts/${contact.id}`, { phone_number: '0151 123' })).status).toBe(422);

    const conversation = (await call('POST', '/conversations', { contact_id: contact.id, inbox_id: 6 })).json;
    const messagesUrl = `/conversations/${conversation.id}/messages`;
    // Back-dated by a minute (updated_at has second precision), so the update's move is visible.
    fake.state.contacts.get(contact.id)!.updated_at -= 60;
    const updatedBefore = (await call('GET', messagesUrl)).json.meta.contact.updated_at;

    // Attribute hashes merge; the update moves updated_at and says what changed.
    const updated = await call('PUT', `/contacts/${contact.id}`, {
      phone_number: '+442071234567',
      additional_attributes: { company_name: 'Analytical Engines Ltd' },
    });
    expect(updated.json.payload.additional_attributes).toEqual({
      company_name: 'Analytical Engines Ltd',
      city: 'London',
    });
    const afterUpdate = (await call('GET', messagesUrl)).json.meta.contact.updated_at;
    expect(Date.parse(afterUpdate)).toBeGreaterThan(Date.parse(updatedBefore));

    expect(
      (await call('POST', messagesUrl, { content: 'Hello, I need a quote', message_type: 'incoming' })).status,
    ).toBe(200);
    await call('POST', messagesUrl, { content: 'internal: big customer', private: true });
    await call('POST', messagesUrl, { content: 'Happy to help! Here is our offer.' });
    const afterReply = (await call('GET', `/conversations/${conversation.id}`)).json;
    expect(afterReply.first_reply_created_at).toBeGreaterThan(0);
    expect(afterReply.waiting_since).toBe(0);

    const toggled = await call('POST', `/conversations/${conversation.id}/toggle_status`, { status: 'resolved' });
    expect(toggled.json.payload).toMatchObject({ success: true, current_status: 'resolved' });
    expect((await call('GET', `/conversations/${conversation.id}`)).json.status).toBe('resolved');
    const messages = (await call('GET', messagesUrl)).json.payload as { content: string; message_type: number }[];
    expect(messages.map((m) => [m.message_type, m.content])).toEqual([
      [0, 'Hello, I need a quote'],
      [1, 'internal: big customer'],
      [1, 'Happy to help! Here is our offer.'],
      [2, 'Conversation was marked resolved by Max'],
    ]);

    expect(receiver.received.map((r) => r.event)).toEqual([
      'contact_created',
      'conversation_created',
      'contact_updated',
      'message_created',
      'conversation_updated', // waiting_since starts
      'message_created', // the private note
      'message_created',
      'conversation_updated', // first reply
      'conversation_status_changed',
      'conversation_updated', // status
    ]);
    expect(receiver.received.filter((r) => !r.signed || !r.parses)).toEqual([]);
    const contactUpdated = receiver.received.find((r) => r.event === 'contact_updated')!.body;
    expect((contactUpdated.changed_attributes as Record<string, unknown>[]).map((c) => Object.keys(c)[0])).toEqual([
      'phone_number',
      'updated_at',
    ]);
    const resolved = receiver.received.find((r) => r.event === 'conversation_status_changed')!.body;
    expect(resolved.status).toBe('resolved');
    expect(fake.webhookDeliveries().every((d) => d.status === 202)).toBe(true);
  });

  it('refuses an incoming message outside an API inbox, and a change without a change sends nothing', async () => {
    const call = api(fake);
    const contact = (await call('POST', '/contacts', { name: 'Bo', email: 'bo@example.com' })).json.payload.contact;
    const widget = (await call('POST', '/conversations', { contact_id: contact.id, inbox_id: 3 })).json;
    const incoming = await call('POST', `/conversations/${widget.id}/messages`, {
      content: 'hi',
      message_type: 'incoming',
    });
    expect(incoming.status).toBe(422);
    const before = receiver.received.length;
    await call('PUT', `/contacts/${contact.id}`, { name: 'Bo' });
    await call('POST', `/conversations/${widget.id}/toggle_status`, { status: 'open' });
    expect(receiver.received.length).toBe(before);
  });
});

describe('npm run fake:chatwoot with --webhook-url', () => {
  it('sends the signed webhooks of a resolve, and serves the resolved state', async () => {
    const receiver = await webhookReceiver();
    const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
    const cli = path.resolve(__dirname, '../fakes/chatwoot/cli.ts');
    const child = spawn(
      tsx,
      [cli, '--token', 'T', '--seed', '--webhook-url', receiver.url, '--webhook-secret', SECRET],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const call = api({ url, apiToken: 'T' });
      await call('POST', '/conversations/87/toggle_status', { status: 'resolved' });
      expect((await call('GET', '/conversations/87')).json.status).toBe('resolved');
      expect(receiver.received.map((r) => [r.event, r.signed, r.parses])).toEqual([
        ['conversation_status_changed', true, true],
        ['conversation_updated', true, true],
      ]);
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
      await receiver.close();
    }
  });
});
