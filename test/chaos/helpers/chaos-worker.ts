/**
 * Spawns test/chaos/helpers/chaos-worker-main.ts (a worker on a prebuilt workflow bundle) as a child
 * process that the test can SIGKILL. Same contract as test/helpers/worker-process.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../../../src/config/schema';
import type { WorkerProcess } from '../../helpers/worker-process';

/** Writes the bundle once; returns the path to pass to spawnChaosWorker. */
export function writeBundle(code: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'cks-chaos-')), 'workflow-bundle.js');
  writeFileSync(file, code);
  return file;
}

export async function spawnChaosWorker(
  config: AppConfig,
  databaseUrl: string,
  bundlePath: string,
  readyTimeoutMs = 60_000,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'chaos-worker-main.ts')], {
    env: {
      ...process.env,
      CKS_TEST_CONFIG: JSON.stringify(config),
      DATABASE_URL: databaseUrl,
      CKS_WORKFLOW_BUNDLE: bundlePath,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`chaos worker not ready after ${readyTimeoutMs} ms: ${output}`)),
      readyTimeoutMs,
    );
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chaos worker exited with ${code} before ready: ${output}`));
    });
  });
  const exited = (c: ChildProcess) =>
    new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
  return {
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
