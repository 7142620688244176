/**
 * A worker in its own process, so tests can SIGKILL it mid-activity like a crashed pod. It runs the
 * real `worker` role (src/runtime/worker.ts). Config comes from CKS_TEST_CONFIG (an AppConfig
 * as JSON) and must name a Postgres database: PGlite cannot be shared with the test process.
 * CKS_WORKFLOW_BUNDLE, when set, is the path of workflow code the test bundled once: a respawn then
 * takes ~1-2 s instead of ~6 s (the chaos scenario respawns many times).
 * Prints "worker ready" on stdout once polling.
 */
import { readFileSync } from 'node:fs';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { appConfigSchema } from '../../src/config/schema';
import { createLogger } from '../../src/logging';
import { ROLE_PARTS, startService } from '../../src/runtime';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const config = appConfigSchema.parse(JSON.parse(process.env.CKS_TEST_CONFIG ?? 'null'));
  if (!config.database.url || !config.temporal.address)
    throw new Error('worker-main needs database.url and temporal.address');
  const bundlePath = process.env.CKS_WORKFLOW_BUNDLE;
  const workflowBundle = bundlePath
    ? { code: readFileSync(bundlePath, 'utf8') }
    : await bundleWorkflowCode({
        workflowsPath: require.resolve('../../workflows'),
        logger: new DefaultLogger('WARN'),
      });
  await startService(config, { ...ROLE_PARTS.worker, logger: createLogger('error'), workflowBundle });
  process.stdout.write('worker ready\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
