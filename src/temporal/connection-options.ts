/**
 * How this process reaches Temporal: ONE description (address, namespace, TLS, mTLS, API key) turned
 * into both the client's Connection options (ingest, admin) and the workers' NativeConnection
 * options, with @temporalio/envconfig's own conversion, so the two can never disagree.
 *
 * The embedded dev server (`npm start` without TEMPORAL_ADDRESS) is plain localhost: only its address
 * is used, whatever TLS settings there are.
 */
import type { ConnectionOptions } from '@temporalio/client';
import { toClientOptions, type ClientConfigProfile, type ClientConfigTLS } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalSettings, TemporalTlsSettings } from '../config/schema';

export interface TemporalConnectionOptions {
  /** For `Connection.connect` (@temporalio/client). */
  client: ConnectionOptions;
  /** For `NativeConnection.connect` (@temporalio/worker). */
  worker: NativeConnectionOptions;
  namespace: string;
}

/** `address` is the server to reach (the dev server's when embedded, else temporal.address). */
export function temporalConnectionOptions(
  temporal: TemporalSettings,
  address: string,
  opts: { embedded?: boolean } = {},
): TemporalConnectionOptions {
  const profile: ClientConfigProfile = opts.embedded
    ? { address }
    : {
        address,
        ...(temporal.apiKey === undefined ? {} : { apiKey: temporal.apiKey }),
        ...(temporal.tls ? { tls: envconfigTls(temporal.tls) } : {}),
      };
  // Reads the certificate and key files (checked readable when the configuration was loaded).
  const { connectionOptions } = toClientOptions(profile);
  const options = withoutUndefined({ ...connectionOptions, tls: withBuffers(connectionOptions.tls) });
  return { worker: options, client: options as ConnectionOptions, namespace: temporal.namespace };
}

/**
 * envconfig reads files into Uint8Arrays; grpc-js (the client) insists on Buffers
 * ("rootCerts must be a Buffer"), so both sides get Buffers.
 */
function withBuffers(tls: NativeConnectionOptions['tls']): NativeConnectionOptions['tls'] {
  if (tls === undefined || tls === null || typeof tls === 'boolean') return tls;
  const buffer = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b));
  return withoutUndefined({
    serverNameOverride: tls.serverNameOverride,
    serverRootCACertificate: buffer(tls.serverRootCACertificate),
    clientCertPair: tls.clientCertPair
      ? { crt: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) }
      : undefined,
  });
}

/**
 * For logs and the start banner: the address and which security is on, never a secret.
 * E.g. "ns.a1b2c.tmprl.cloud:7233 (TLS, API key)".
 */
export function describeTemporalConnection(temporal: TemporalSettings, address: string): string {
  const tls = temporal.tls;
  const tlsOn = tls ? tls.enabled !== false : temporal.apiKey !== undefined;
  const parts = [
    ...(tlsOn ? [tls?.clientCert ? 'mTLS' : 'TLS'] : []),
    ...(temporal.apiKey !== undefined ? ['API key'] : []),
  ];
  return parts.length > 0 ? `${address} (${parts.join(', ')})` : address;
}

function envconfigTls(tls: TemporalTlsSettings): ClientConfigTLS {
  return {
    ...(tls.enabled === undefined ? {} : { disabled: !tls.enabled }),
    ...(tls.serverName === undefined ? {} : { serverName: tls.serverName }),
    ...source('serverCACert', tls.serverCaCert),
    ...source('clientCert', tls.clientCert),
    ...source('clientKey', tls.clientKey),
  };
}

function source(key: keyof ClientConfigTLS, pem: { path?: string | undefined; data?: string | undefined } | undefined) {
  if (pem?.path !== undefined) return { [key]: { path: pem.path } };
  if (pem?.data !== undefined) return { [key]: { data: pem.data } };
  return {};
}

/** The SDK's option objects are read with `in` checks in places: unset stays absent, not undefined. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
