/**
 * A worker in its own process, so tests can SIGKILL it mid-activity like a crashed pod.
 * Config comes from CKS_TEST_CONFIG (an AppConfig as JSON); the store must be Postgres (DATABASE_URL),
 * since an in-memory or single-process PGlite cannot be shared with the test process.
 * Prints "worker ready" on stdout once polling.
 */
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { appConfigSchema } from '../../src/config/schema';
import { openStore } from '../../src/store';
import { createConnectionRegistry } from '../../src/sync/create-registry';
import { createWorkers } from '../../src/temporal/workers';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = appConfigSchema.parse(JSON.parse(process.env.CKS_TEST_CONFIG ?? 'null'));
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !config.temporal.address) throw new Error('worker-main needs DATABASE_URL and temporal.address');
  const store = await openStore({ databaseUrl });
  const connections = createConnectionRegistry(config);
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const workers = await createWorkers({
    connection,
    config,
    activities: createActivities({ store, connections }),
    workflowBundle,
  });
  const running = workers.run();
  process.stdout.write('worker ready\n');
  await running;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
