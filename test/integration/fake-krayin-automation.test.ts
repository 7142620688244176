/**
 * The fake Krayin's /settings/webhooks and /settings/workflows, and the workflow webhooks it calls, as
 * Krayin 2.1.2 + rest-api 2.1.1 behave (read in their source; ../shared/krayin-api.md §5): validation,
 * create = 200, the WorkflowResource `event` bug, the `headers: null` trap (500 after the write is saved),
 * a null payload skipping the call, and the call itself: synchronous, form-encoded, placeholders replaced.
 */
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let fake: FakeKrayin;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
let receiverDelayMs = 0;

beforeAll(async () => {
  fake = await startFakeKrayin({ rateLimit: 0 });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      setTimeout(() => {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{}');
      }, receiverDelayMs);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await fake.close();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(() => {
  fake.reset();
  received.length = 0;
  receiverDelayMs = 0;
});

async function api(method: string, path: string, body?: unknown) {
  const res = await request(`${fake.apiBase}${path}`, {
    method: method as 'GET',
    headers: {
      accept: 'application/json',
      authorization: `Bearer ${fake.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  // Krayin's JSON, read loosely by the assertions.
  const parsed = text ? (JSON.parse(text) as any) : null; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { status: res.statusCode, body: parsed };
}

const webhook = (over: Record<string, unknown> = {}) => ({
  name: 'Hint',
  entity_type: 'persons',
  method: 'post',
  end_point: `${receiverUrl}/hook`,
  headers: [],
  payload_type: 'default',
  raw_payload_type: 'json',
  payload: [{ key: 'entity', value: 'persons' }],
  ...over,
});

const personBody = (name: string, email: string) => ({
  name,
  emails: [{ value: email, label: 'work' }],
  contact_numbers: [{ value: '+1 555 0000', label: 'work' }],
});

async function workflowOn(event: string, webhookId: number, entity = 'persons') {
  const res = await api('POST', '/settings/workflows', {
    name: `on ${event}`,
    entity_type: entity,
    event,
    condition_type: 'and',
    conditions: [],
    actions: [{ id: 'trigger_webhook', value: webhookId }],
  });
  expect(res.status).toBe(200);
  return res.body?.data.id as number;
}

describe('/settings/webhooks', () => {
  it('validates as WebhookRequest: required fields, 255 characters, payload_type values', async () => {
    const empty = await api('POST', '/settings/webhooks', {});
    expect(empty.status).toBe(422);
    expect(Object.keys(empty.body?.errors)).toEqual(['name', 'entity_type', 'method', 'end_point', 'payload_type']);
    expect(empty.body?.message).toBe('The name field is required. (and 4 more errors)');
    const rawNull = await api('POST', '/settings/webhooks', webhook({ raw_payload_type: null }));
    expect(rawNull.body?.errors).toEqual({
      raw_payload_type: ['The raw payload type must be a string.', 'The selected raw payload type is invalid.'],
    });

    const long = await api(
      'POST',
      '/settings/webhooks',
      webhook({ end_point: `http://x/${'a'.repeat(250)}`, payload_type: 'xml' }),
    );
    expect(long.status).toBe(422);
    expect(long.body?.message).toBe('The end point may not be greater than 255 characters. (and 1 more error)');
    expect(long.body?.errors).toEqual({
      end_point: ['The end point may not be greater than 255 characters.'],
      payload_type: ['The selected payload type is invalid.'],
    });
    expect((await api('GET', '/settings/webhooks')).body?.data).toEqual([]);
  });

  it('creates with 200 and {data, message}; an omitted headers list is stored as null', async () => {
    const { headers: _h, ...withoutHeaders } = webhook();
    const res = await api('POST', '/settings/webhooks', withoutHeaders);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      message: 'Webhook created successfully.',
      data: { id: 1, name: 'Hint', headers: null },
    });
    const list = await api('GET', '/settings/webhooks');
    expect(list.body?.data[0]).toMatchObject({ id: 1, headers: null, payload: [{ key: 'entity', value: 'persons' }] });
    expect(list.body?.meta).toMatchObject({ current_page: 1, last_page: 1, total: 1 });
    const put = await api('PUT', '/settings/webhooks/1', webhook({ name: 'Hint 2' }));
    expect(put.body).toMatchObject({ message: 'Webhook updated successfully.', data: { name: 'Hint 2', headers: [] } });
    expect((await api('GET', '/settings/webhooks/9')).status).toBe(404);
    expect((await api('PUT', '/settings/webhooks/9', webhook())).status).toBe(404);
    expect(await api('DELETE', '/settings/webhooks/1')).toEqual({
      status: 200,
      body: { message: 'Webhook deleted successfully.' },
    });
    expect((await api('DELETE', '/settings/webhooks/1')).status).toBe(404);
  });
});

describe('/settings/workflows', () => {
  it('requires only a name; its resource echoes entity_type as the event (Krayin bug)', async () => {
    // Krayin's installer seeds two activity workflows: ours start at id 3.
    const seeded = await api('GET', '/settings/workflows');
    expect(seeded.body?.data.map((w: { id: number; event: string }) => [w.id, w.event])).toEqual([
      [2, 'activities'],
      [1, 'activities'],
    ]);
    expect((await api('POST', '/settings/workflows', { entity_type: 'leads' })).status).toBe(422);
    const id = await workflowOn('lead.update.after', 1, 'leads');
    const shown = await api('GET', `/settings/workflows/${id}`);
    expect(shown.body?.data).toMatchObject({
      id,
      entity_type: 'leads',
      event: 'leads',
      condition_type: 'and',
      conditions: [],
    });
    const updated = await api('PUT', `/settings/workflows/${id}`, { name: 'renamed' });
    expect(updated.body).toMatchObject({
      message: 'Workflow updated successfully.',
      data: { name: 'renamed', event: 'leads' },
    });
    expect(await api('DELETE', `/settings/workflows/${id}`)).toEqual({
      status: 200,
      body: { data: { message: 'Workflow deleted successfully.' } },
    });
    // find() + a resource on null, and prettus cloning the null model: both 500s, not 404s.
    expect((await api('GET', `/settings/workflows/${id}`)).status).toBe(500);
    expect((await api('DELETE', `/settings/workflows/${id}`)).status).toBe(500);
    expect((await api('PUT', `/settings/workflows/${id}`, { name: 'x' })).status).toBe(404);
  });
});

describe('workflow webhooks', () => {
  it('calls the webhook form-encoded, with placeholders replaced, before answering the update', async () => {
    const hook = await api(
      'POST',
      '/settings/webhooks',
      webhook({
        end_point: `${receiverUrl}/hook?name={%persons.name%}`,
        payload: [
          { key: 'name', value: '{%persons.name%}' },
          { key: 'emails', value: '{% persons.emails %}' },
          { key: 'id', value: '{%persons.id%}' },
        ],
      }),
    );
    await workflowOn('contacts.person.update.after', hook.body?.data.id);
    const person = await api('POST', '/contacts/persons', personBody('Bob New', 'bob@example.com'));
    expect(received).toEqual([]); // no workflow on create
    receiverDelayMs = 300;
    const started = Date.now();
    const updated = await api(
      'PUT',
      `/contacts/persons/${person.body?.data.id}`,
      personBody('Bob Newer', 'bob@example.com'),
    );
    expect(updated.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280); // Krayin waits for the receiver
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/hook?name=Bob%20Newer',
      body: 'name=Bob+Newer&emails=bob%40example.com+%28work%29&id=%7B%25persons.id%25%7D',
    });
    expect(received[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(received[0]?.headers['user-agent']).toBe('GuzzleHttp/7');
    expect(fake.webhookCalls()).toMatchObject([{ event: 'contacts.person.update.after', status: 202 }]);
  });

  it('headers null: every triggering update answers 500 after saving it; a delete.before deletes nothing', async () => {
    const { headers: _h, ...withoutHeaders } = webhook();
    const hook = await api('POST', '/settings/webhooks', withoutHeaders);
    await workflowOn('contacts.person.update.after', hook.body?.data.id);
    await workflowOn('contacts.person.delete.before', hook.body?.data.id);
    const person = await api('POST', '/contacts/persons', personBody('Carol', 'carol@example.com'));
    const id = person.body?.data.id as number;

    const put = await api('PUT', `/contacts/persons/${id}`, personBody('Carol Saved', 'carol@example.com'));
    expect(put.status).toBe(500);
    expect(put.body).toMatchObject({ exception: 'TypeError' });
    expect((await api('GET', `/contacts/persons/${id}`)).body?.data.name).toBe('Carol Saved');

    fake.setAppDebug(false);
    const del = await api('DELETE', `/contacts/persons/${id}`);
    expect(del).toEqual({ status: 500, body: { message: 'admin::app.common.internal-server-error' } });
    fake.setAppDebug(true);
    expect((await api('GET', `/contacts/persons/${id}`)).status).toBe(200);
    expect(received).toEqual([]);

    // Saving the webhook with headers: [] ends it.
    await api('PUT', `/settings/webhooks/${hook.body?.data.id}`, webhook());
    expect((await api('PUT', `/contacts/persons/${id}`, personBody('Carol Again', 'carol@example.com'))).status).toBe(
      200,
    );
    expect(received).toHaveLength(1);
  });

  it('fires lead events too (stage moves are updates); a null payload skips the call silently', async () => {
    const hook = await api(
      'POST',
      '/settings/webhooks',
      webhook({ entity_type: 'leads', payload: [{ key: 'stage', value: '{%leads.lead_pipeline_stage_id%}' }] }),
    );
    await workflowOn('lead.update.after', hook.body?.data.id, 'leads');
    const lead = await api('POST', '/leads', {
      title: 'Deal',
      lead_pipeline_stage_id: 1,
      person: personBody('Dan', 'dan@example.com'),
    });
    expect(lead.status).toBe(200);
    expect((await api('PUT', `/leads/stage/edit/${lead.body?.data.id}`, { lead_pipeline_stage_id: 4 })).status).toBe(
      200,
    );
    expect(received.map((r) => r.body)).toEqual(['stage=Negotiation']);

    const { payload: _p, ...withoutPayload } = webhook({ entity_type: 'leads' });
    await api('PUT', `/settings/webhooks/${hook.body?.data.id}`, { ...withoutPayload, payload: null });
    expect((await api('PUT', `/leads/stage/edit/${lead.body?.data.id}`, { lead_pipeline_stage_id: 2 })).status).toBe(
      200,
    );
    expect(received).toHaveLength(1);
  });

  it('a receiver that is down does not fail the update (Krayin only logs it)', async () => {
    const hook = await api('POST', '/settings/webhooks', webhook({ end_point: 'http://127.0.0.1:9/down' }));
    await workflowOn('contacts.person.create.after', hook.body?.data.id);
    expect((await api('POST', '/contacts/persons', personBody('Eve', 'eve@example.com'))).status).toBe(200);
    expect(fake.webhookCalls()[0]).toMatchObject({ event: 'contacts.person.create.after' });
    expect(fake.webhookCalls()[0]?.error).toBeDefined();
  });
});
