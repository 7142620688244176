/**
 * Starts and stops a local `temporal server start-dev` (SQLite or in-memory, optional Web UI).
 * Used by `npm start` (embedded mode) and by the test suite's global setup. We wait for readiness
 * ourselves with a generous deadline: the SDK's own launcher allows only 5 s, flaky on 2 cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export interface DevServerOptions {
  binary: string;
  ip?: string;
  /** 0 = pick a free port. */
  port?: number;
  /** Web UI port; ignored when headless. 0 = pick a free port. */
  uiPort?: number;
  headless?: boolean;
  /** SQLite file; absent = in memory. */
  dbFile?: string;
  /** Extra dynamic config, e.g. { 'limit.historyCount.suggestContinueAsNew': 40 }. */
  dynamicConfig?: Record<string, string | number | boolean>;
  namespace?: string;
  readyTimeoutMs?: number;
  /** Where the server's own output goes (default: discarded unless it exits early). */
  logFile?: string;
  /** Codec endpoint the Web UI calls to show encrypted payloads (--ui-codec-endpoint). */
  uiCodecEndpoint?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  pid: number;
  stop(): Promise<void>;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A port someone else listens on; `role` says which of ours it was meant to be. */
export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly role: 'temporal' | 'temporal-ui' | 'http' | 'metrics',
  ) {
    super(`port ${port} on ${host} is already in use`);
    this.name = 'PortInUseError';
  }
}

/** Throws PortInUseError when something already listens on host:port (tried by binding it briefly). */
export async function assertPortFree(host: string, port: number, role: PortInUseError['role']): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, port, role) : err),
    );
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve()));
  });
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const port = opts.port || (await freePort(ip));
  const uiPort = opts.headless ? 0 : opts.uiPort || (await freePort(ip));
  // The readiness check below would happily talk to another dev server already on the port (a second
  // `npm start`), while ours fails to bind: make sure the ports are ours to take first.
  await assertPortFree(ip, port, 'temporal');
  if (!opts.headless) await assertPortFree(ip, uiPort, 'temporal-ui');
  const namespace = opts.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn'];
  if (opts.headless) args.push('--headless');
  else {
    args.push('--ui-port', String(uiPort));
    if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  }
  if (namespace !== 'default') args.push('--namespace', namespace);
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push(
      '--db-filename',
      opts.dbFile,
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--sqlite-pragma',
      'synchronous=OFF',
    );
  }
  const dyn = { 'frontend.enableServerVersionCheck': false, ...opts.dynamicConfig };
  for (const [k, v] of Object.entries(dyn)) args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);

  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'pipe';
  const child = spawn(opts.binary, args, { stdio: ['ignore', out, out], detached: false });
  let early = '';
  child.stdout?.on('data', (d: Buffer) => (early = (early + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (early = (early + d.toString()).slice(-4000)));

  const address = `${ip}:${port}`;
  try {
    await waitUntilReady(child, address, namespace, opts.readyTimeoutMs ?? 60_000, () => early);
    if (opts.dbFile) await ensureSearchAttributes(address, namespace);
    // Whoever answered must be our child: if it has exited (say it failed to bind), it was not.
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`temporal dev server exited (${child.exitCode ?? child.signalCode}): ${early}`);
    }
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    address,
    uiUrl: opts.headless ? null : `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${uiPort}`,
    pid: child.pid ?? -1,
    stop: () => stopChild(child),
  };
}

async function waitUntilReady(
  child: ChildProcess,
  address: string,
  namespace: string,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  for (;;) {
    if (exited !== null) throw new Error(`temporal dev server exited with ${exited}: ${output()}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await conn.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await conn.close();
      }
    } catch {
      if (Date.now() > deadline) throw new Error(`temporal dev server at ${address} not ready after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * With an existing SQLite file the dev server ignores new --search-attribute flags, so register
 * whatever is missing through the operator service (idempotent).
 */
export async function ensureSearchAttributes(address: string, namespace: string): Promise<void> {
  const conn = await Connection.connect({ address });
  try {
    const existing = await conn.operatorService.listSearchAttributes({ namespace });
    const have = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !have.has(name));
    if (missing.length === 0) return;
    // IndexedValueType enum: KEYWORD = 2, DATETIME = 5
    const searchAttributes = Object.fromEntries(missing.map(([n, t]) => [n, t === 'Keyword' ? 2 : 5]));
    await conn.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } finally {
    await conn.close();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
