/**
 * Runs `start` (the README's `npm start`) in a child process, as a newcomer would: the compiled CLI
 * (`npm start` builds, then runs `node dist/src/cli.js start`), embedded Temporal dev server and PGlite
 * under a data dir, configured from the environment only. Used by the tests of the embedded start, of
 * Ctrl-C and of the Temporal UI. Call `buildCli()` first (beforeAll): it is what `npm start` does first.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { FakeChatwoot } from '../fakes/chatwoot';
import type { FakeKrayin } from '../fakes/krayin';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/cli.js');

let built = false;

/**
 * `npm run build` (tsc -b: seconds when dist is current), once per test file: what `npm start` does
 * first. startCli calls it too, so no test can run a dist/ that is older than the sources.
 */
export function buildCli(): void {
  if (built) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
}

export interface PrintedUrls {
  webhook: string;
  ui: string;
  temporal: string;
}

export interface StartedCli {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the URLs of the banner once it says "Press Ctrl-C to stop.". */
  running: Promise<PrintedUrls>;
  /** SIGINT (Ctrl-C) and the exit code. */
  stop(): Promise<number | null>;
  /** SIGINT to the whole process group, as a terminal's Ctrl-C sends it (needs `detached`); the exit code. */
  interruptGroup(): Promise<number | null>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** The minimum environment for the fakes, plus `extra` (which wins). Nothing of the parent leaks in. */
export function cliEnv(
  krayin: FakeKrayin,
  chatwoot: FakeChatwoot,
  dataDir: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    KRAYIN_URL: krayin.apiBase,
    KRAYIN_TOKEN: krayin.token,
    CHATWOOT_URL: chatwoot.url,
    CHATWOOT_ACCOUNT_ID: String(chatwoot.accountId),
    CHATWOOT_API_TOKEN: chatwoot.apiToken,
    DATA_DIR: path.join(dataDir, 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    TEMPORAL_DEV_PORT: '0',
    TEMPORAL_UI_PORT: '0',
    DEBOUNCE_MS: '100',
    LEAD_POLICY: 'contact_created',
    ...extra,
  };
}

export function startCli(
  cwd: string,
  env: NodeJS.ProcessEnv,
  readyTimeoutMs = 120_000,
  opts: { detached?: boolean } = {},
): StartedCli {
  buildCli();
  // detached: its own process group, like a terminal's foreground job.
  const child = spawn(process.execPath, [CLI, 'start'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const running = new Promise<PrintedUrls>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not running after ${readyTimeoutMs} ms:\n${out}`)),
      readyTimeoutMs,
    );
    child.stdout!.on('data', () => {
      if (!out.includes('Press Ctrl-C to stop.')) return;
      clearTimeout(timer);
      const grab = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(out)?.[1] ?? '';
      resolve({ webhook: grab('Webhook URL \\(default\\)'), ui: grab('Temporal UI'), temporal: grab('Temporal') });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before running:\n${out}`)));
  });
  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGINT');
    });
  const interruptGroup = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGINT');
    return exited;
  };
  return { child, output: () => out, running, stop, interruptGroup, exited };
}
