/** Spawns test/helpers/worker-main.ts as a child process and waits until it polls. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { AppConfig } from '../../src/config/schema';

export interface WorkerProcess {
  pid: number;
  /** SIGKILL: no graceful shutdown, in-flight activities are simply lost (like a crashed pod). */
  kill(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

export async function spawnWorker(
  config: AppConfig,
  databaseUrl: string,
  readyTimeoutMs = 60_000,
): Promise<WorkerProcess> {
  const workerConfig = { ...config, database: { url: databaseUrl } };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'worker-main.ts')], {
    env: { ...process.env, CKS_TEST_CONFIG: JSON.stringify(workerConfig) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker not ready after ${readyTimeoutMs} ms: ${output}`)),
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
      reject(new Error(`worker exited with ${code} before ready: ${output}`));
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
