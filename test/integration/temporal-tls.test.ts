/**
 * Temporal connection security against a real Temporal dev server behind test-only TLS front ends
 * (test/helpers/tls-proxies.ts; the dev server itself speaks plain gRPC only): settings go through the
 * real environment loader and src/temporal/connection-options.ts, then both the client Connection
 * (ingest) and the worker NativeConnection make a real call through TLS.
 */
import { loadConfigFromEnv } from '../../src/config/env';
import { connectTemporalClient, connectTemporalWorker } from '../../src/temporal/connect';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../../src/temporal/connection-options';
import { makeTestPki, type TestPki } from '../helpers/tls-certs';
import { apiKeyGateway, tlsPassThrough, type RunningProxy } from '../helpers/tls-proxies';

const devServer = process.env.TEMPORAL_TEST_ADDRESS!;
const REQUIRED = {
  KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
  KRAYIN_TOKEN: '1|abcdefghij',
  CHATWOOT_URL: 'https://chat.example.com',
  CHATWOOT_ACCOUNT_ID: '1',
  CHATWOOT_API_TOKEN: 'x',
  CHATWOOT_WEBHOOK_SECRET: 'whsec',
};
const API_KEY = 'test-api-key-0123456789';

let pki: TestPki;
let tlsOnly: RunningProxy;
let mtls: RunningProxy;
let gateway: Awaited<ReturnType<typeof apiKeyGateway>>;

beforeAll(async () => {
  pki = makeTestPki();
  const server = { cert: pki.read(pki.serverCert), key: pki.read(pki.serverKey) };
  tlsOnly = await tlsPassThrough(devServer, server);
  mtls = await tlsPassThrough(devServer, { ...server, requireClientCertFrom: pki.read(pki.clientCa) });
  gateway = await apiKeyGateway(devServer, { ...server, apiKey: API_KEY });
});

afterAll(async () => {
  await Promise.all([tlsOnly?.close(), mtls?.close(), gateway?.close()]);
});

/** The connection options for these TEMPORAL_* variables, as the service builds them. */
function optionsFor(env: Record<string, string>): TemporalConnectionOptions {
  const config = loadConfigFromEnv({ ...REQUIRED, ...env });
  return temporalConnectionOptions(config.temporal, config.temporal.address!);
}

/** The message of an error and of its causes: the SDKs wrap the server's or the TLS layer's answer. */
async function failure(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    const parts: string[] = [];
    for (let err: unknown = e; err instanceof Error; err = err.cause) parts.push(err.message);
    return parts.join(' <- ');
  }
  throw new Error('expected the call to fail');
}

/** A real call with the client's Connection (the ingest side); closes it again. */
async function clientCall(o: TemporalConnectionOptions): Promise<string> {
  const connection = await connectTemporalClient({ ...o, client: { ...o.client, connectTimeout: '5s' } });
  try {
    const info = await connection.workflowService.getSystemInfo({});
    return info.serverVersion ?? '';
  } finally {
    await connection.close();
  }
}

/** A real call with the worker's NativeConnection; closes it again. */
async function workerCall(o: TemporalConnectionOptions): Promise<string> {
  const connection = await connectTemporalWorker(o);
  try {
    const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
    return ns.namespaceInfo?.name ?? '';
  } finally {
    await connection.close();
  }
}

describe('TLS with a private CA', () => {
  const env = () => ({ TEMPORAL_ADDRESS: tlsOnly.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.serverCa });

  it('connects client and worker with the CA given as a file', async () => {
    await expect(clientCall(optionsFor(env()))).resolves.toMatch(/\d+\.\d+/);
    await expect(workerCall(optionsFor(env()))).resolves.toBe('default');
  });

  it('connects with the CA given as PEM text and a server name override', async () => {
    const o = optionsFor({
      TEMPORAL_ADDRESS: tlsOnly.address,
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: pki.read(pki.serverCa),
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    });
    await expect(clientCall(o)).resolves.toMatch(/\d+\.\d+/);
    await expect(workerCall(o)).resolves.toBe('default');
  });

  it('fails with a certificate error when the server is signed by another CA', async () => {
    const o = optionsFor({ TEMPORAL_ADDRESS: tlsOnly.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.wrongCa });
    // Node's wording for an unknown CA, and rustls' (the worker's native connection).
    expect(await failure(clientCall(o))).toMatch(
      /TLS handshake failed: unable to (get local issuer|verify the first) certificate/,
    );
    expect(await failure(workerCall(o))).toMatch(/UnknownIssuer/);
  });

  it('does not reach a TLS server without TLS settings (plain gRPC)', async () => {
    expect(await failure(clientCall(optionsFor({ TEMPORAL_ADDRESS: tlsOnly.address })))).toMatch(
      /cannot connect to Temporal at 127\.0\.0\.1:\d+: /,
    );
  });
});

describe('mTLS', () => {
  const base = () => ({ TEMPORAL_ADDRESS: mtls.address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.serverCa });

  it('connects client and worker with the client certificate and key (files)', async () => {
    const o = optionsFor({
      ...base(),
      TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: pki.clientKey,
    });
    await expect(clientCall(o)).resolves.toMatch(/\d+\.\d+/);
    await expect(workerCall(o)).resolves.toBe('default');
  });

  it('connects with the certificate and key given as PEM text', async () => {
    const o = optionsFor({
      ...base(),
      TEMPORAL_TLS_CLIENT_CERT_DATA: pki.read(pki.clientCert),
      TEMPORAL_TLS_CLIENT_KEY_DATA: pki.read(pki.clientKey),
    });
    await expect(workerCall(o)).resolves.toBe('default');
  });

  it('is refused without a client certificate', async () => {
    expect(await failure(clientCall(optionsFor(base())))).toMatch(/TLS handshake failed: .*certificate required/i);
    // The worker names it either from the TLS alert (rustls) or from the handshake diagnosis (connect.ts).
    expect(await failure(workerCall(optionsFor(base())))).toMatch(/CertificateRequired|certificate required/i);
  });
});

describe('API key (Temporal Cloud style)', () => {
  const env = (key: string) => ({
    TEMPORAL_ADDRESS: gateway.address,
    TEMPORAL_API_KEY: key,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.serverCa,
  });

  it('sends the key as a bearer token over TLS from client and worker', async () => {
    gateway.authorizations.length = 0;
    await expect(clientCall(optionsFor(env(API_KEY)))).resolves.toMatch(/\d+\.\d+/);
    await expect(workerCall(optionsFor(env(API_KEY)))).resolves.toBe('default');
    expect(gateway.authorizations.length).toBeGreaterThan(0);
    expect(new Set(gateway.authorizations)).toEqual(new Set([`Bearer ${API_KEY}`]));
  });

  it('gets the server refusal for a wrong key', async () => {
    expect(await failure(clientCall(optionsFor(env('wrong-key-0123456789'))))).toMatch(
      /UNAUTHENTICATED: invalid API key/,
    );
    expect(await failure(workerCall(optionsFor(env('wrong-key-0123456789'))))).toMatch(/invalid API key/);
  });
});
