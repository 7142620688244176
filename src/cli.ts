/**
 * Command line entry point.
 *
 *   start    role "embedded": everything in one process: embedded Temporal dev server (unless
 *            TEMPORAL_ADDRESS is set), PGlite (unless DATABASE_URL is set), workers and the HTTP server
 *   worker   role "worker": Temporal workers only (needs TEMPORAL_ADDRESS)
 *   ingest   role "http": webhook ingest + admin HTTP server only (needs TEMPORAL_ADDRESS)
 *   check    check every connection (Krayin and Chatwoot reachable, configured references exist); exit 1 on problems
 *   status, replay, retry-parked, disable, enable, catch-up: operator commands against a running service (cli-admin.ts)
 *   reconcile  start a reconciliation pass now and follow it (src/reconcile/cli.ts)
 *   backfill   bring existing Chatwoot contacts into Krayin, with a progress bar (src/backfill/cli.ts)
 *   krayin-hooks  install, check or remove Krayin's webhooks that hint the Krayin poll (src/krayin-hooks/cli.ts)
 *   connect  register the Chatwoot webhook and the dashboard app through Chatwoot's API (src/connect/cli.ts)
 *   settings rotate-key  re-encrypt the secrets saved in the console with the active key (src/settings/cli.ts)
 */
import fs from 'node:fs';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logging';
import { isAdminCommand, runAdminCommand } from './cli-admin';
import { checkConnection, formatReports, type ConnectionReport } from './check/connection-check';
import type { AppConfig } from './config/schema';
import { DEMO_LINE, startDemoIfUnconfigured, trafficLine } from './demo';
import { runReconcileCommand } from './reconcile/cli';
import { runBackfillCommand } from './backfill/cli';
import { runKrayinHooksCommand } from './krayin-hooks/cli';
import { runConnectCommand } from './connect/cli';
import { runSettingsCommand } from './settings/cli';
import { withCliConnections } from './settings/cli-config';
import { ROLE_PARTS, startService, type Role } from './runtime';
import { describeTemporalConnection } from './temporal/connection-options';
import { createConnectionRegistry } from './sync/create-registry';

const USAGE = `usage: chatwoot-krayin-sync <command>

  start | worker | ingest        run the service (everything embedded / workers only / webhook server only)
  check                          check every connection's settings against Krayin and Chatwoot
  status                         per connection: sync counts, oldest pending and parked, Krayin and Chatwoot reachable?
  replay --contact <id> [--connection <id>]
  retry-parked [--connection <id>] [--reason auth|validation|mapping|ambiguous|not_found|config|internal]
  disable [--connection <id>] | enable [--connection <id>]
  catch-up [--connection <id>] [--discard]   deliver (or drop) the webhooks held while disabled
  conflicts [--connection <id>] [--contact <id>]  two-way sync: conflicts the field owners decided (docs/two-way-sync.md)
  reconcile [--connection <id>] [--full]     run a reconciliation pass now and follow it (docs/reconciliation.md)
  backfill [--connection <id>] [--since YYYY-MM-DD] [--conversations] [--dry-run] | --status | --cancel
                                 bring existing contacts into Krayin (docs/backfill.md)
  krayin-hooks install|status|remove [--connection <id>] [--public-url <url>]
                                 Krayin's webhooks that make the Krayin poll run at once (docs/two-way-sync.md)
  connect [--connection <id>] [--public-url <url>] [--show-secret]
                                 register the webhook and the CRM panel (dashboard app) in Chatwoot (docs/chatwoot-app.md)
  settings rotate-key            re-encrypt the secrets saved in the console with the first SETTINGS_ENCRYPTION_KEYS key

Configuration comes from environment variables (or CONFIG_FILE): see docs/configuration.md.`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  // No command is a usage error, not "start": running the service is always asked for by name.
  if (command === undefined) {
    console.error(USAGE);
    return 2;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'check') return runCheck();
  if (command === 'reconcile') {
    const config = readConfig();
    // The connections in force: env/config file layered with the console settings (src/settings/cli-config.ts).
    return config
      ? withCliConnections(config, argv.slice(1), (layered) => runReconcileCommand(argv.slice(1), layered))
      : EX_CONFIG;
  }
  if (command === 'backfill') {
    const config = readConfig();
    if (!config) return EX_CONFIG;
    // Ctrl-C detaches: the backfill runs in the service, not in this process.
    const detach = new AbortController();
    process.on('SIGINT', () => detach.abort());
    return withCliConnections(config, argv.slice(1), (layered) =>
      runBackfillCommand(argv.slice(1), layered, { detach: detach.signal }),
    );
  }
  if (command === 'krayin-hooks') {
    const config = readConfig();
    // The connections in force: env/config file layered with the console settings (src/settings/cli-config.ts).
    return config
      ? withCliConnections(config, argv.slice(1), (layered) => runKrayinHooksCommand(argv.slice(1), layered))
      : EX_CONFIG;
  }
  if (command === 'connect') {
    const config = readConfig();
    // The connections in force: env/config file layered with the console settings (src/settings/cli-config.ts).
    return config
      ? withCliConnections(config, argv.slice(1), (layered) => runConnectCommand(argv.slice(1), layered))
      : EX_CONFIG;
  }
  if (command === 'settings') {
    const config = readConfig();
    return config ? runSettingsCommand(argv.slice(1), config) : EX_CONFIG;
  }
  if (isAdminCommand(command)) {
    if (fs.existsSync('.env')) process.loadEnvFile('.env');
    return runAdminCommand(command, argv.slice(1), process.env);
  }
  const role = COMMAND_ROLES[command];
  if (!role) {
    console.error(USAGE);
    return 2;
  }

  // With no connection configured at all, `start` runs the demo against the bundled simulators (src/demo).
  const demoStart = command === 'start' ? await startDemoIfUnconfigured(loadDotEnv()) : { demo: null };
  if ('problem' in demoStart && demoStart.problem) {
    console.error(`Configuration is invalid:\n${demoStart.problem}\n\nSee docs/configuration.md.`);
    return EX_CONFIG;
  }
  const demo = demoStart.demo;
  if (demo) console.log(DEMO_LINE);
  const config = demo ? demo.config : readConfig();
  if (!config) return EX_CONFIG;
  if (command !== 'start' && !config.temporal.address) {
    console.error(`"${command}" connects to an existing Temporal server: set TEMPORAL_ADDRESS (or use "start").`);
    return EX_CONFIG;
  }

  const log = createLogger(config.logLevel, { service: 'chatwoot-krayin-sync' });
  const mode = ROLE_PARTS[role];
  if (mode.worker) {
    // Problems are reported, not fatal: webhooks must still be accepted (Chatwoot never retries them);
    // syncs that hit a problem park with the reason until it is fixed.
    const reports = await checkConnections(config);
    console.log(formatReports(reports));
    if (reports.some((r) => !r.ok)) console.log('Some settings need fixing: affected syncs will park until then.\n');
  }
  if (command === 'start' && !config.temporal.address) {
    console.log('Starting the embedded Temporal dev server (first run may build the Temporal CLI: minutes)...');
  }
  const service = await startService(config, { ...mode, logger: log });

  console.log('');
  console.log('chatwoot-krayin-sync is running');
  if (service.ingestUrl) {
    for (const c of config.connections) {
      // The URL token is a secret: printed as a placeholder, to be appended when registering the webhook.
      const suffix = c.chatwoot.webhookToken ? '/<CHATWOOT_WEBHOOK_TOKEN>' : '';
      console.log(`  Webhook URL (${c.id}):  ${service.webhookUrl(c.id)}${suffix}`);
    }
    console.log(`  Health:              ${service.ingestUrl}/healthz  (ready: /readyz)`);
  }
  if (service.adminTokenFile)
    console.log(`  Admin token:         ${service.adminTokenFile} (used by npm run cli -- status)`);
  console.log(`  Temporal:            ${describeTemporalConnection(config.temporal, service.temporalAddress)}`);
  if (service.temporalUiUrl) console.log(`  Temporal UI:         ${service.temporalUiUrl}`);
  console.log(
    `  Store:               ${config.database.url ? 'Postgres (DATABASE_URL)' : `PGlite in ${config.dataDir}/pglite`}`,
  );
  if (demo) for (const line of demo.lookLines()) console.log(line);
  console.log('Press Ctrl-C to stop.');
  if (demo && service.ingestUrl) {
    demo.play(service.webhookUrl(config.connections[0]!.id)).then(
      (summary) => console.log(trafficLine(summary)),
      (err: unknown) => console.error(`Demo traffic failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal} received: stopping (HTTP first, then workers, Temporal, store)...`);
      service
        .stop()
        .then(() => demo?.close())
        .then(resolve, resolve);
    };
    // `on`, not `once`: Ctrl-C reaches every process of the terminal's group, and a parent (npm, a
    // runner) may pass it on again; a second SIGINT must not kill us halfway through the shutdown
    // (no "Stopped.", exit 130, the PGlite lock left behind).
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  console.log('Stopped.');
  return 0;
}

async function runCheck(): Promise<number> {
  const config = readConfig();
  if (!config) return EX_CONFIG;
  const reports = await checkConnections(config);
  console.log(formatReports(reports));
  return reports.every((r) => r.ok) ? 0 : 1;
}

async function checkConnections(config: AppConfig): Promise<ConnectionReport[]> {
  const registry = createConnectionRegistry(config);
  return Promise.all(registry.all().map((rt) => checkConnection(rt)));
}

const EX_CONFIG = 78;

/** The service commands and the role each runs (src/runtime). */
const COMMAND_ROLES: Record<string, Role> = { start: 'embedded', worker: 'worker', ingest: 'http' };

/** Loads ./.env when present (variables already set in the environment win); returns process.env. */
function loadDotEnv(): NodeJS.ProcessEnv {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

/** The configuration from the environment (./.env loaded first, when present), or null after printing why not. */
function readConfig(): AppConfig | null {
  loadDotEnv();
  try {
    return loadConfig(process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`Configuration is invalid:\n${e.message}\n\nSee docs/configuration.md.`);
    return null;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`Fatal: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
