/** The codec server over real HTTP: auth, CORS, the remote codec protocol and its error answers. */
import { defaultPayloadConverter } from '@temporalio/common';
import express from 'express';
import { request } from 'undici';
import { createCodecRouter, createEncryptionCodec, generateKey, payloadToJson } from '../../src/codec';
import { listen, type RunningServer } from './fixtures/codec-http-server';

const TOKEN = 'admin-token-for-codec-tests-42';
const UI_PATH_TOKEN = 'ui-path-token-for-codec-tests-7';
const UI = 'https://temporal-ui.example.com';
const k1 = generateKey();
const k2 = generateKey();
const oldCodec = createEncryptionCodec({ keys: { k1 }, activeKeyId: 'k1' });
const codec = createEncryptionCodec({ keys: { k2, k1 }, activeKeyId: 'k2' });
const strangerCodec = createEncryptionCodec({ keys: { k9: generateKey() }, activeKeyId: 'k9' });
const VALUE = { email: 'ana.lima@example.net' };

let server: RunningServer;
const warnings: object[] = [];

beforeAll(async () => {
  const app = express();
  app.use(
    createCodecRouter({
      codec,
      token: TOKEN,
      uiPathToken: UI_PATH_TOKEN,
      allowedOrigins: [UI],
      bodyLimit: '2kb',
      verifyToken: (t) => t === 'ui-user-access-token',
      logger: { warn: (fields) => warnings.push(fields) },
    }),
  );
  app.get('/other', (_req, res) => res.send('other route'));
  server = await listen(app);
});

afterAll(() => server.close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await request(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : null };
}

async function encrypted(c = codec) {
  const [p] = await c.encode([defaultPayloadConverter.toPayload(VALUE)]);
  return payloadToJson(p!);
}

describe('codec server', () => {
  it('encodes and decodes with the remote codec protocol', async () => {
    const plain = payloadToJson(defaultPayloadConverter.toPayload(VALUE));
    const enc = await post('/codec/encode', { payloads: [plain] });
    expect(enc.status).toBe(200);
    const encPayload = (enc.json as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads[0]!;
    expect(Buffer.from(encPayload.metadata['encryption-key-id']!, 'base64').toString()).toBe('k2');
    expect(Buffer.from(encPayload.data, 'base64').toString()).not.toContain('ana.lima');
    const dec = await post('/codec/decode', { payloads: [encPayload] });
    expect(dec).toMatchObject({ status: 200, json: { payloads: [plain] } });
  });

  it('decodes payloads of the previous key (rotation) and passes plain payloads through', async () => {
    const plain = payloadToJson(defaultPayloadConverter.toPayload('not secret'));
    const dec = await post('/codec/decode', { payloads: [await encrypted(oldCodec), plain] });
    expect(dec.status).toBe(200);
    const out = (dec.json as { payloads: { data: string }[] }).payloads;
    expect(JSON.parse(Buffer.from(out[0]!.data, 'base64').toString())).toEqual(VALUE);
    expect(out[1]).toEqual(plain);
  });

  it('accepts a token the verifier accepts (UI access-token pass-through)', async () => {
    const dec = await post(
      '/codec/decode',
      { payloads: [await encrypted()] },
      { authorization: 'Bearer ui-user-access-token' },
    );
    expect(dec.status).toBe(200);
  });

  it.each([
    ['no token', {}, 'missing_token'],
    ['a wrong token', { authorization: 'Bearer not-the-admin-token-at-all' }, 'bad_token'],
    ['another scheme', { authorization: `Basic ${TOKEN}` }, 'missing_token'],
    ['the token as a prefix', { authorization: `Bearer ${TOKEN}x` }, 'bad_token'],
  ])('answers 401 for %s, on encode and decode', async (_case, headers, reason) => {
    const h: Record<string, string> = { authorization: '', ...headers };
    for (const op of ['encode', 'decode']) {
      const res = await post(`/codec/${op}`, { payloads: [await encrypted()] }, h);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json).toEqual({ error: 'unauthorized', reason });
    }
  });

  describe('CORS', () => {
    it('answers a preflight from an allowed origin without a token', async () => {
      const res = await request(`${server.url}/codec/encode`, {
        method: 'OPTIONS',
        headers: { origin: UI, 'access-control-request-method': 'POST' },
      });
      await res.body.dump();
      expect(res.statusCode).toBe(204);
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': UI,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'content-type, x-namespace, authorization',
        'access-control-allow-credentials': 'true',
      });
      expect(res.headers.vary).toMatch(/Origin/);
    });

    it('refuses other origins, on the preflight and on the request itself', async () => {
      const pre = await request(`${server.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
      });
      expect(pre.statusCode).toBe(403);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      await pre.body.dump();
      const res = await post(
        '/codec/decode',
        { payloads: [await encrypted()] },
        { origin: 'https://evil.example.com' },
      );
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.json)).not.toContain('ana.lima');
    });

    it('sets CORS headers on a 401 too, so the UI can show why', async () => {
      const res = await post('/codec/decode', { payloads: [] }, { origin: UI, authorization: '' });
      expect(res.status).toBe(401);
      expect(res.headers['access-control-allow-origin']).toBe(UI);
    });
  });

  describe('the UI path token (a Temporal UI without OIDC sends no bearer token)', () => {
    it('decodes at /codec/<token>/decode without an Authorization header, for the allowed UI origin', async () => {
      const res = await post(
        `/codec/${UI_PATH_TOKEN}/decode`,
        { payloads: [await encrypted()] },
        { authorization: '', origin: UI },
      );
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(UI);
      const [out] = (res.json as { payloads: { data: string }[] }).payloads;
      expect(JSON.parse(Buffer.from(out!.data, 'base64').toString())).toEqual(VALUE);
    });

    it('answers the preflight of the path-token route', async () => {
      const res = await request(`${server.url}/codec/${UI_PATH_TOKEN}/decode`, {
        method: 'OPTIONS',
        headers: { origin: UI, 'access-control-request-method': 'POST' },
      });
      await res.body.dump();
      expect(res.statusCode).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(UI);
    });

    it.each([
      ['a wrong token', 'ui-path-token-for-codec-tests-8'],
      ['the bearer token in the path', TOKEN],
      ['a prefix of the token', UI_PATH_TOKEN.slice(0, -1)],
    ])('401 for %s in the path, even with a valid bearer header', async (_case, pathToken) => {
      for (const op of ['encode', 'decode']) {
        const res = await post(`/codec/${pathToken}/${op}`, { payloads: [await encrypted()] });
        expect(res).toMatchObject({ status: 401, json: { error: 'unauthorized', reason: 'bad_token' } });
      }
    });

    it('a path token from a foreign origin is still refused (CORS comes first)', async () => {
      const res = await post(
        `/codec/${UI_PATH_TOKEN}/decode`,
        { payloads: [await encrypted()] },
        { authorization: '', origin: 'https://evil.example.com' },
      );
      expect(res.status).toBe(403);
    });

    it('is not served at all unless configured', async () => {
      const app = express();
      app.use(createCodecRouter({ codec, token: TOKEN }));
      const other = await listen(app);
      try {
        const res = await request(`${other.url}/codec/${UI_PATH_TOKEN}/decode`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ payloads: [await encrypted()] }),
        });
        await res.body.dump();
        expect(res.statusCode).toBe(404);
      } finally {
        await other.close();
      }
    });
  });

  describe('error answers', () => {
    it('422 for a payload of an unknown key, naming only the key id', async () => {
      const res = await post('/codec/decode', { payloads: [await encrypted(strangerCodec)] });
      expect(res).toMatchObject({
        status: 422,
        json: { error: 'decode_failed', reason: 'unknown_key_id', keyId: 'k9' },
      });
    });

    it('422 for a tampered payload', async () => {
      const p = await encrypted();
      const data = Buffer.from(p.data, 'base64');
      data[data.length - 1] = data[data.length - 1]! ^ 0xff;
      const res = await post('/codec/decode', { payloads: [{ ...p, data: data.toString('base64') }] });
      expect(res).toMatchObject({ status: 422, json: { reason: 'decryption_failed', keyId: 'k2' } });
    });

    it.each([
      ['invalid JSON', 400, 'invalid_json', '{"payloads": ['],
      ['no payloads array', 400, 'invalid_payloads', { payload: [] }],
      ['non-base64 data', 400, 'invalid_payloads', { payloads: [{ data: 'not base64!' }] }],
      ['a body over the limit', 413, 'body_too_large', { payloads: [{ data: 'A'.repeat(4_000) }] }],
    ])('%s -> %d %s', async (_case, status, reason, body) => {
      const res = await post('/codec/decode', body);
      expect(res).toMatchObject({ status, json: { reason } });
    });

    it('leaves other routes of the app alone', async () => {
      const res = await request(`${server.url}/other`);
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('other route');
    });

    it('logged refusals without tokens or payloads', () => {
      const logged = JSON.stringify(warnings);
      expect(logged).toContain('bad_token');
      expect(logged).not.toContain(TOKEN);
      expect(logged).not.toContain(UI_PATH_TOKEN.slice(0, 16));
      expect(logged).not.toContain('ana.lima');
    });
  });

  it('refuses to start without a strong token', () => {
    expect(() => createCodecRouter({ codec, token: '' })).toThrow(/at least 16/);
    expect(() => createCodecRouter({ codec, token: 'short' })).toThrow(/at least 16/);
    expect(() => createCodecRouter({ codec, token: TOKEN, uiPathToken: 'short' })).toThrow(/at least 16/);
  });
});
