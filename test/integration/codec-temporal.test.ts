/**
 * End to end against the real Temporal dev server: a Client and a Worker with the encryption codec run a
 * workflow whose input and result hold contact PII; a plain Client without the codec then reads the
 * history and finds only ciphertext, and the codec server decodes those payloads over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import express from 'express';
import { request } from 'undici';
import {
  createCodecRouter,
  createEncryptionCodec,
  ENCRYPTED_ENCODING,
  encryptedDataConverter,
  FAILURE_CONVERTER_PATH,
  generateKey,
  KEY_ID_METADATA,
  payloadToJson,
} from '../../src/codec';
import type { CodecTestActivities, CodecTestContact } from './fixtures/codec-workflows';
import { failForContact, greetContact } from './fixtures/codec-workflows';
import { listen, type RunningServer } from './fixtures/codec-http-server';

const address = process.env.TEMPORAL_TEST_ADDRESS!;
const CONTACT: CodecTestContact = {
  name: 'Zelda Quintana',
  email: 'zelda.quintana@example.org',
  phone: '+34911234567',
};
const PLAINTEXTS = ['Zelda', 'Quintana', 'zelda.quintana', 'example.org', '34911234567', 'json/plain'];
const TOKEN = 'codec-admin-token-0123456789';
const codec = createEncryptionCodec({ keys: { k1: generateKey() }, activeKeyId: 'k1' });
const dataConverter = encryptedDataConverter(codec);

const activities: CodecTestActivities = {
  async describeContact(c) {
    return `${c.name} <${c.email}>, ${c.phone}`;
  },
};

let nativeConnection: NativeConnection;
let connection: Connection;
let workflowBundle: { code: string };
let codecServer: RunningServer;

beforeAll(async () => {
  workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./fixtures/codec-workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: new DefaultLogger('WARN'),
  });
  nativeConnection = await NativeConnection.connect({ address });
  connection = await Connection.connect({ address });
  const app = express();
  app.use(createCodecRouter({ codec, token: TOKEN, allowedOrigins: ['http://localhost:8233'] }));
  codecServer = await listen(app);
});

afterAll(async () => {
  await codecServer?.close();
  await connection?.close();
  await nativeConnection?.close();
});

function allPayloads(history: temporal.api.history.v1.IHistory) {
  const events = history.events ?? [];
  const of = (type: string) => events.find((e) => e.eventType === temporal.api.enums.v1.EventType[type as never]);
  return {
    workflowInput: of('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED')?.workflowExecutionStartedEventAttributes?.input
      ?.payloads,
    activityInput: of('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')?.activityTaskScheduledEventAttributes?.input?.payloads,
    activityResult: of('EVENT_TYPE_ACTIVITY_TASK_COMPLETED')?.activityTaskCompletedEventAttributes?.result?.payloads,
    workflowResult: of('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED')?.workflowExecutionCompletedEventAttributes?.result
      ?.payloads,
  };
}

const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

describe('payload encryption with a real Temporal server', () => {
  const workflowId = `codec-test-${randomUUID()}`;
  let history: temporal.api.history.v1.IHistory;

  const failingWorkflowId = `codec-fail-${randomUUID()}`;
  let failureHistory: temporal.api.history.v1.IHistory;
  let failure: unknown;

  beforeAll(async () => {
    const taskQueue = `codec-${randomUUID()}`;
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle,
      activities,
      dataConverter,
    });
    const encryptingClient = new Client({ connection, dataConverter });
    const result = await worker.runUntil(async () => {
      failure = await encryptingClient.workflow
        .execute(failForContact, { args: [CONTACT], taskQueue, workflowId: failingWorkflowId })
        .catch((e: unknown) => e);
      return encryptingClient.workflow.execute(greetContact, { args: [CONTACT], taskQueue, workflowId });
    });
    // The codec is transparent to code that has it.
    expect(result).toEqual({
      greeting: 'Hello Zelda Quintana',
      summary: 'Zelda Quintana <zelda.quintana@example.org>, +34911234567',
    });
    const plainClient = new Client({ connection });
    history = await plainClient.workflow.getHandle(workflowId).fetchHistory();
    failureHistory = await plainClient.workflow.getHandle(failingWorkflowId).fetchHistory();
  });

  it('stores inputs and results of the workflow and its activity encrypted', () => {
    const payloads = allPayloads(history);
    for (const [where, list] of Object.entries(payloads)) {
      expect({ where, count: list?.length }).toEqual({ where, count: 1 });
      const p = list![0]!;
      expect(utf8(p.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
      expect(utf8(p.metadata?.[KEY_ID_METADATA])).toBe('k1');
    }
  });

  it('leaves no plaintext anywhere in the history a client without the codec sees', () => {
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    for (const plain of PLAINTEXTS)
      expect({ plain, found: bytes.includes(Buffer.from(plain)) }).toEqual({ plain, found: false });
    // Sanity check that the search can find things: ids are not encrypted.
    expect(bytes.includes(Buffer.from(workflowId))).toBe(true);
  });

  it('cannot be read by a client without the codec', async () => {
    await expect(new Client({ connection }).workflow.getHandle(workflowId).result()).rejects.toThrow(/encoding/i);
  });

  it('encrypts failure messages too, while clients with the codec still read them', () => {
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause?.message).toBe('cannot sync zelda.quintana@example.org');
    const failed = failureHistory.events?.find(
      (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
    )?.workflowExecutionFailedEventAttributes?.failure;
    expect(failed?.message).toBe('Encoded failure');
    expect(utf8(failed?.encodedAttributes?.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(failureHistory).finish());
    for (const plain of PLAINTEXTS)
      expect({ plain, found: bytes.includes(Buffer.from(plain)) }).toEqual({ plain, found: false });
  });

  it('is decoded by the codec server over HTTP, with the token', async () => {
    const { workflowInput, workflowResult } = allPayloads(history);
    const body = JSON.stringify({
      payloads: [workflowInput![0]!, workflowResult![0]!].map((p) => payloadToJson(p as Payload)),
    });
    const res = await request(`${codecServer.url}/codec/decode`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TOKEN}`,
        origin: 'http://localhost:8233',
        'x-namespace': 'default',
      },
      body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    const decoded = (await res.body.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(decoded.payloads.map((p) => Buffer.from(p.metadata.encoding!, 'base64').toString())).toEqual([
      'json/plain',
      'json/plain',
    ]);
    expect(decoded.payloads.map((p) => JSON.parse(Buffer.from(p.data, 'base64').toString()))).toEqual([
      CONTACT,
      { greeting: 'Hello Zelda Quintana', summary: 'Zelda Quintana <zelda.quintana@example.org>, +34911234567' },
    ]);
  });

  it('refuses to decode without the token, and answers the UI preflight', async () => {
    const { workflowInput } = allPayloads(history);
    const body = JSON.stringify({ payloads: [payloadToJson(workflowInput![0]! as Payload)] });
    const anonymous = await request(`${codecServer.url}/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(anonymous.statusCode).toBe(401);
    const text = await anonymous.body.text();
    expect(text).not.toContain('Zelda');

    const preflight = await request(`${codecServer.url}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8233',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace,authorization',
      },
    });
    await preflight.body.dump();
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    expect(preflight.headers['access-control-allow-headers']).toBe('content-type, x-namespace, authorization');
  });
});
