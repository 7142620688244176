/**
 * The Temporal connection settings: TEMPORAL_* variables (and a Temporal TOML profile) through the
 * real loader into AppConfig, clear errors for what cannot work, and the client and worker options
 * src/temporal/connection-options.ts builds from them. Connecting for real: test/integration/temporal-tls.test.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfigFromEnv } from '../../src/config/env';
import { parseConfigObject } from '../../src/config/file';
import { redactConfig } from '../../src/config/redact';
import { describeTemporalConnection, temporalConnectionOptions } from '../../src/temporal/connection-options';

const minimal = {
  KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
  KRAYIN_TOKEN: '7|Kr4yinT0kenSecretValue',
  CHATWOOT_URL: 'https://chat.example.com',
  CHATWOOT_ACCOUNT_ID: '1',
  CHATWOOT_API_TOKEN: 'cw-api-token-value',
  CHATWOOT_WEBHOOK_SECRET: 'cw-webhook-secret',
  TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
};
const CERT = '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nS0VZLXNlY3JldA==\n-----END PRIVATE KEY-----\n';

const dir = mkdtempSync(path.join(tmpdir(), 'cks-temporal-settings-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const certFile = file('client.pem', CERT);
const keyFile = file('client.key', KEY);

const load = (env: Record<string, string>) => loadConfigFromEnv({ ...minimal, ...env });
function problems(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.field}: ${i.message}`);
    throw e;
  }
  throw new Error('expected a ConfigError');
}
const options = (env: Record<string, string>) => {
  const c = load(env);
  return temporalConnectionOptions(c.temporal, c.temporal.address!);
};

describe('Temporal connection settings from the environment', () => {
  it('is plain gRPC with only an address', () => {
    const o = options({});
    expect(o.worker).toEqual({ address: 'ns.acct.tmprl.cloud:7233' });
    expect(o.client).toEqual(o.worker);
    expect(o.namespace).toBe('default');
  });

  it('turns TLS on (system CAs) with an API key, and sends the key', () => {
    const o = options({ TEMPORAL_API_KEY: 'key-123', TEMPORAL_NAMESPACE: 'ns.acct' });
    expect(o.worker).toEqual({ address: 'ns.acct.tmprl.cloud:7233', apiKey: 'key-123', tls: true });
    expect(o.namespace).toBe('ns.acct');
  });

  it('keeps TLS off with TEMPORAL_TLS=false, even with an API key', () => {
    expect(options({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).worker.tls).toBe(false);
  });

  it('reads CA, server name and mTLS pair from files or PEM text, as Buffers for both SDK sides', () => {
    const o = options({
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: CERT,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_TLS_CLIENT_CERT_PATH: certFile,
      TEMPORAL_TLS_CLIENT_KEY_DATA: KEY,
    });
    expect(o.worker.tls).toEqual({
      serverNameOverride: 'temporal.internal',
      serverRootCACertificate: Buffer.from(CERT.trim()),
      clientCertPair: { crt: Buffer.from(CERT), key: Buffer.from(KEY.trim()) },
    });
    const tls = o.client.tls as { serverRootCACertificate: unknown };
    expect(Buffer.isBuffer(tls.serverRootCACertificate)).toBe(true);
  });

  it('names a missing or non-PEM file, and a key without its certificate', () => {
    expect(problems({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'nope.pem') })).toEqual([
      `TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read ${path.join(dir, 'nope.pem')} (ENOENT)`,
    ]);
    const notPem = file('not.pem', 'hello');
    expect(problems({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: notPem })).toEqual([
      `TEMPORAL_TLS_SERVER_CA_CERT_PATH: ${notPem} is not a PEM file (no "-----BEGIN" line)`,
    ]);
    expect(problems({ TEMPORAL_TLS_CLIENT_KEY_PATH: keyFile })).toEqual([
      'TEMPORAL_TLS_CLIENT_KEY_PATH: needs the client certificate too (mTLS: TEMPORAL_TLS_CLIENT_CERT_PATH or _DATA)',
    ]);
    expect(problems({ TEMPORAL_TLS_CLIENT_CERT_DATA: CERT })).toEqual([
      'TEMPORAL_TLS_CLIENT_CERT_DATA: needs the client key too (mTLS: TEMPORAL_TLS_CLIENT_KEY_PATH or _DATA)',
    ]);
    expect(problems({ TEMPORAL_TLS_CLIENT_CERT_PATH: certFile, TEMPORAL_TLS_CLIENT_CERT_DATA: CERT })).toContain(
      'TEMPORAL_TLS_CLIENT_CERT_DATA: set either the file path or the PEM text, not both',
    );
  });

  it('never puts a key or the API key in an error message or the redacted config', () => {
    const bad = problems({ TEMPORAL_TLS_CLIENT_KEY_DATA: 'S0VZLXNlY3JldA== not pem' }).join('\n');
    expect(bad).toMatch(/^TEMPORAL_TLS_CLIENT_KEY_DATA: /m);
    expect(bad).not.toContain('S0VZLXNlY3JldA');
    const redacted = JSON.stringify(
      redactConfig(
        load({
          TEMPORAL_API_KEY: 'api-key-SECRET',
          TEMPORAL_TLS_CLIENT_CERT_DATA: CERT,
          TEMPORAL_TLS_CLIENT_KEY_DATA: KEY,
        }),
      ),
    );
    expect(redacted).not.toContain('api-key-SECRET');
    expect(redacted).not.toContain('S0VZLXNlY3JldA');
  });

  it('describes the connection without secrets', () => {
    const c = load({ TEMPORAL_API_KEY: 'api-key-SECRET' });
    expect(describeTemporalConnection(c.temporal, c.temporal.address!)).toBe('ns.acct.tmprl.cloud:7233 (TLS, API key)');
    const m = load({ TEMPORAL_TLS_CLIENT_CERT_PATH: certFile, TEMPORAL_TLS_CLIENT_KEY_PATH: keyFile });
    expect(describeTemporalConnection(m.temporal, 'x:1')).toBe('x:1 (mTLS)');
  });

  it('ignores the TLS settings for the embedded dev server', () => {
    const c = load({ TEMPORAL_API_KEY: 'k' });
    expect(temporalConnectionOptions(c.temporal, '127.0.0.1:7233', { embedded: true }).worker).toEqual({
      address: '127.0.0.1:7233',
    });
  });
});

describe('a Temporal TOML profile (TEMPORAL_CONFIG_FILE / TEMPORAL_PROFILE)', () => {
  const toml = file(
    'temporal.toml',
    [
      '[profile.default]',
      'address = "default.example:7233"',
      '[profile.prod]',
      'address = "prod.example:7233"',
      'namespace = "prod-ns"',
      'api_key = "toml-key"',
      '[profile.prod.tls]',
      `client_cert_path = "${certFile}"`,
      `client_key_path = "${keyFile}"`,
      '',
    ].join('\n'),
  );
  const { TEMPORAL_ADDRESS: _a, ...noAddress } = minimal;
  const fromProfile = (env: Record<string, string>) => loadConfigFromEnv({ ...noAddress, ...env }).temporal;

  it('reads the named profile, and the default profile when none is named', () => {
    expect(fromProfile({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' })).toMatchObject({
      address: 'prod.example:7233',
      namespace: 'prod-ns',
      apiKey: 'toml-key',
      tls: { clientCert: { path: certFile }, clientKey: { path: keyFile } },
    });
    expect(fromProfile({ TEMPORAL_CONFIG_FILE: toml }).address).toBe('default.example:7233');
  });

  it('lets the variables override the profile, a PEM source as a whole', () => {
    const t = fromProfile({
      TEMPORAL_CONFIG_FILE: toml,
      TEMPORAL_PROFILE: 'prod',
      TEMPORAL_NAMESPACE: 'env-ns',
      TEMPORAL_TLS_CLIENT_KEY_DATA: KEY,
    });
    expect(t.namespace).toBe('env-ns');
    expect(t.tls?.clientKey).toEqual({ data: KEY.trim() });
  });

  it('names a missing file or profile without quoting the file', () => {
    expect(() => fromProfile({ TEMPORAL_CONFIG_FILE: path.join(dir, 'none.toml') })).toThrow(
      /^TEMPORAL_CONFIG_FILE: cannot read .*none\.toml \(ENOENT\)$/,
    );
    expect(() => fromProfile({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'staging' })).toThrow(
      /^TEMPORAL_CONFIG_FILE: profile not found in /,
    );
  });

  it('reads no TOML file unless asked to (a developer CLI profile must not redirect npm start)', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'cks-home-'));
    const configDir = path.join(home, '.config', 'temporalio');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(path.join(configDir, 'temporal.toml'), '[profile.default]\naddress = "elsewhere:7233"\n');
    expect(fromProfile({ HOME: home }).address).toBeUndefined();
    expect(fromProfile({ HOME: home, TEMPORAL_PROFILE: 'default' }).address).toBe('elsewhere:7233');
  });
});

describe('the configuration file', () => {
  it('takes the same settings under temporal', () => {
    const c = parseConfigObject({
      temporal: {
        address: 'a:1',
        apiKey: 'k',
        tls: { serverName: 'n', clientCert: { path: certFile }, clientKey: { data: KEY } },
      },
      connections: [
        {
          id: 'x',
          krayin: { url: minimal.KRAYIN_URL, token: minimal.KRAYIN_TOKEN },
          chatwoot: { url: minimal.CHATWOOT_URL, accountId: 1, apiToken: 'x', webhookSecret: 'w' },
        },
      ],
    });
    expect(temporalConnectionOptions(c.temporal, 'a:1').worker).toMatchObject({
      apiKey: 'k',
      tls: { serverNameOverride: 'n' },
    });
  });
});
