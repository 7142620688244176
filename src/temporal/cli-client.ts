/**
 * What the one-shot CLI commands that talk to Temporal share (`reconcile`, `backfill`): the connection
 * they act on, and a client with the service's own connection settings (TLS, mTLS, API key:
 * connection-options.ts) and payload codec, so a command reads what the service's workflows wrote.
 */
import { Client } from '@temporalio/client';
import { encryptedDataConverter } from '../codec/data-converter';
import { createEncryptionCodec } from '../codec/encryption-codec';
import type { AppConfig } from '../config/schema';
import { connectTemporalClient } from './connect';
import { temporalConnectionOptions } from './connection-options';

/**
 * `--connection`, or the only connection configured when it was left out. Returns the error line to
 * print (prefixed with the command) when that names no configured connection.
 */
export function commandConnection(
  command: string,
  config: AppConfig,
  requested: string | undefined,
): { connectionId: string } | { error: string } {
  const connectionId = requested ?? (config.connections.length === 1 ? config.connections[0]!.id : undefined);
  if (connectionId && config.connections.some((c) => c.id === connectionId)) return { connectionId };
  const known = config.connections.map((c) => c.id).join(', ');
  return { error: `${command}: --connection must name a connection of the configuration or the console (${known})` };
}

/** TEMPORAL_ADDRESS, or the embedded dev server of a running `start` on TEMPORAL_DEV_PORT. */
export async function openCliClient(config: AppConfig): Promise<{ client: Client; close(): Promise<void> }> {
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.port}`;
  const connection = await connectTemporalClient(temporalConnectionOptions(config.temporal, address));
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    ...(config.codec.encryption
      ? { dataConverter: encryptedDataConverter(createEncryptionCodec(config.codec.encryption)) }
      : {}),
  });
  return { client, close: () => connection.close() };
}
