/**
 * A worker in its own process for the SIGKILL chaos scenario: like test/helpers/worker-main.ts, but it
 * loads a workflow bundle the test built once (CKS_WORKFLOW_BUNDLE = path of the bundled code) instead
 * of bundling at every start, so the many respawns of the scenario take ~2 s instead of ~6 s.
 * Config comes from CKS_TEST_CONFIG (an AppConfig as JSON), the store from DATABASE_URL (Postgres).
 * Prints "worker ready" on stdout once polling.
 */
import { readFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { appConfigSchema } from '../../../src/config/schema';
import { openStore } from '../../../src/store';
import { createConnectionRegistry } from '../../../src/sync/create-registry';
import { createWorkers } from '../../../src/temporal/workers';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const config = appConfigSchema.parse(JSON.parse(process.env.CKS_TEST_CONFIG ?? 'null'));
  const databaseUrl = process.env.DATABASE_URL;
  const bundlePath = process.env.CKS_WORKFLOW_BUNDLE;
  if (!databaseUrl || !bundlePath || !config.temporal.address) {
    throw new Error('chaos-worker-main needs DATABASE_URL, CKS_WORKFLOW_BUNDLE and temporal.address');
  }
  const store = await openStore({ databaseUrl });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const workers = await createWorkers({
    connection,
    config,
    activities: createActivities({ store, connections: createConnectionRegistry(config) }),
    workflowBundle: { code: readFileSync(bundlePath, 'utf8') },
  });
  const running = workers.run();
  process.stdout.write('worker ready\n');
  await running;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
