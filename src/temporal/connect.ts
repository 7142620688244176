/**
 * Connecting to Temporal with the options of connection-options.ts, with an error that says why.
 * grpc-js reports a refused TLS handshake as "Failed to connect before the deadline"; on failure with
 * TLS on, one handshake with the same CA, server name and client certificate names the TLS reason
 * (unknown CA, certificate required, ...). Never quotes a key or an API key.
 */
import tls from 'node:tls';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConnectionOptions } from './connection-options';

export async function connectTemporalClient(o: TemporalConnectionOptions): Promise<Connection> {
  try {
    return await Connection.connect(o.client);
  } catch (err) {
    throw await connectError(err, o);
  }
}

export async function connectTemporalWorker(o: TemporalConnectionOptions): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(o.worker);
  } catch (err) {
    throw await connectError(err, o);
  }
}

async function connectError(err: unknown, o: TemporalConnectionOptions): Promise<Error> {
  const address = o.client.address ?? '';
  const handshake = await tlsHandshakeProblem(address, o.client.tls);
  const message = err instanceof Error ? err.message : String(err);
  const why = handshake ? `TLS handshake failed: ${handshake} (${message})` : message;
  return new Error(`cannot connect to Temporal at ${address}: ${why}`, { cause: err });
}

/** The TLS layer's complaint about this server with these settings, or null (none, or TLS off). */
export function tlsHandshakeProblem(
  address: string,
  settings: TemporalConnectionOptions['client']['tls'],
): Promise<string | null> {
  if (!settings) return Promise.resolve(null);
  const config = settings === true ? {} : settings;
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[|\]$/g, '');
  const servername = config.serverNameOverride ?? (/^[\d.]+$|:/.test(host) ? undefined : host);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port: Number(address.slice(i + 1)),
      ALPNProtocols: ['h2'],
      ...(servername ? { servername } : {}),
      ...(config.serverRootCACertificate ? { ca: Buffer.from(config.serverRootCACertificate) } : {}),
      ...(config.clientCertPair
        ? { cert: Buffer.from(config.clientCertPair.crt), key: Buffer.from(config.clientCertPair.key) }
        : {}),
    });
    const done = (problem: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    // TLS 1.3 servers refuse a missing client certificate after the handshake: wait a moment for it.
    socket.once('secureConnect', () => setTimeout(() => done(null), 500).unref());
    socket.once('error', (e) => done(e.message));
    const timer = setTimeout(() => done(null), 5_000);
  });
}
