/** Spawns test/helpers/worker-main.ts as a child process and waits until it polls. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../../src/config/schema';
import { DEFAULT_NODE_OPTIONS } from '../../src/runtime/node-heap';

export interface WorkerProcess {
  pid: number;
  /** SIGKILL: no graceful shutdown, in-flight activities are simply lost (like a crashed pod). */
  kill(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /**
   * Null while it runs; once it exited on its own (not by kill/stop), how, with the end of its stderr,
   * so a test that waits on a dead worker says so instead of timing out (an out-of-memory end, say).
   */
  died(): string | null;
}

/** Writes bundled workflow code to a file once, for spawnWorker's `bundlePath` (fast respawns). */
export function writeBundle(code: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'cks-worker-')), 'workflow-bundle.js');
  writeFileSync(file, code);
  return file;
}

export async function spawnWorker(
  config: AppConfig,
  databaseUrl: string,
  opts: { bundlePath?: string; readyTimeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  const workerConfig = { ...config, database: { url: databaseUrl } };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'worker-main.ts')], {
    env: {
      ...process.env,
      // The product's launchers' default (npm start, the Docker image), unless the caller set its own.
      NODE_OPTIONS: process.env.NODE_OPTIONS ?? DEFAULT_NODE_OPTIONS,
      CKS_TEST_CONFIG: JSON.stringify(workerConfig),
      ...(opts.bundlePath ? { CKS_WORKFLOW_BUNDLE: opts.bundlePath } : {}),
    },
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
  let stopping = false;
  let death: string | null = null;
  child.once('exit', (code, signal) => {
    if (!stopping)
      death = `worker exited by itself (code ${code}, signal ${signal}); its stderr ended with:\n${output}`;
  });
  const exited = (c: ChildProcess) =>
    new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));
  return {
    pid: child.pid!,
    kill: async () => {
      stopping = true;
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      stopping = true;
      child.kill('SIGTERM');
      await exited(child);
    },
    died: () => death,
  };
}
