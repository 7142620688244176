/**
 * Command line entry point.
 *
 *   start    everything in one process: embedded Temporal dev server (unless TEMPORAL_ADDRESS is set),
 *            PGlite (unless DATABASE_URL is set), workers and the webhook ingest server
 *   worker   Temporal workers only (needs TEMPORAL_ADDRESS)
 *   ingest   webhook ingest server only (needs TEMPORAL_ADDRESS)
 */
import fs from 'node:fs';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logging';
import { startService, type ServiceOptions } from './service';

const USAGE = `usage: chatwoot-krayin-sync <start|worker|ingest>

Configuration comes from environment variables (or CONFIG_FILE): see docs/configuration.md.`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'start';
  const modes: Record<string, Pick<ServiceOptions, 'worker' | 'ingest'>> = {
    start: { worker: true, ingest: true },
    worker: { worker: true, ingest: false },
    ingest: { worker: false, ingest: true },
  };
  const mode = modes[command];
  if (!mode) {
    console.error(USAGE);
    return 2;
  }

  loadDotEnv();
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Configuration is invalid:\n${e.message}\n\nSee docs/configuration.md.`);
      return 78; // EX_CONFIG
    }
    throw e;
  }
  if (command !== 'start' && !config.temporal.address) {
    console.error(`"${command}" connects to an existing Temporal server: set TEMPORAL_ADDRESS (or use "start").`);
    return 78;
  }

  const log = createLogger(config.logLevel, { service: 'chatwoot-krayin-sync' });
  if (command === 'start' && !config.temporal.address) {
    console.log('Starting the embedded Temporal dev server (first run may build the Temporal CLI: minutes)...');
  }
  const service = await startService(config, { ...mode, logger: log });

  console.log('');
  console.log('chatwoot-krayin-sync is running');
  if (service.ingestUrl) {
    for (const c of config.connections) console.log(`  Webhook URL (${c.id}):  ${service.webhookUrl(c.id)}`);
    console.log(`  Health:              ${service.ingestUrl}/healthz  (ready: /readyz)`);
  }
  console.log(`  Temporal:            ${service.temporalAddress}`);
  if (service.temporalUiUrl) console.log(`  Temporal UI:         ${service.temporalUiUrl}`);
  console.log(
    `  Store:               ${config.database.url ? 'Postgres (DATABASE_URL)' : `PGlite in ${config.dataDir}/pglite`}`,
  );
  console.log('Press Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal} received: stopping (HTTP first, then workers, Temporal, store)...`);
      service.stop().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  console.log('Stopped.');
  return 0;
}

/** Loads ./.env when present; variables already set in the environment win. */
function loadDotEnv(): void {
  if (!fs.existsSync('.env')) return;
  process.loadEnvFile('.env');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`Fatal: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
