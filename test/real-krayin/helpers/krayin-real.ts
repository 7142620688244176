/**
 * The real Krayin 2.1.2 installed from ../shared/krayin-real (scripts/real-krayin.sh): where it is,
 * its token, and its scripts (reset, start with a mode). Its database is read directly with the
 * mariadb client for assertions, so checking state never takes one of the token's 60 requests/minute.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');

/** Installs (first time) or starts the real Krayin; returns its directory. Throws with the reason on failure. */
export function ensureRealKrayin(): string {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/real-krayin.sh'), 'ensure'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop()!;
}

export interface KrayinMode {
  /** APP_DEBUG: true is Krayin's shipped default (exception details in error bodies). */
  debug: boolean;
  /** APP_TIMEZONE: a zone, or 'default' (app/.env's value, Krayin's own default Asia/Kolkata). */
  tz: string;
}

export class RealKrayin {
  readonly dir: string;
  readonly apiBase: string;
  readonly token: string;

  constructor(dir = process.env.REAL_KRAYIN_DIR) {
    if (!dir) throw new Error('REAL_KRAYIN_DIR is not set: run through the real-krayin jest project');
    this.dir = dir;
    const conf = readFileSync(path.join(dir, 'krayin.conf'), 'utf8');
    const port = /^KRAYIN_HTTP_PORT=(\d+)$/m.exec(conf)?.[1];
    if (!port) throw new Error(`${dir}/krayin.conf has no KRAYIN_HTTP_PORT`);
    this.apiBase = `http://127.0.0.1:${port}/api/v1`;
    this.token = readFileSync(path.join(dir, 'token.txt'), 'utf8').trim();
  }

  /** Fresh post-install database, a full rate-limit bucket, the same token (about 1.5 s). */
  async reset(): Promise<void> {
    await run(path.join(this.dir, 'reset.sh'), [], { timeout: 120_000 });
  }

  /** Restarts php when the mode differs from the running one; the mode persists across resets. */
  async setMode(mode: KrayinMode): Promise<void> {
    await run(path.join(this.dir, 'start.sh'), ['--debug', String(mode.debug), '--tz', mode.tz], {
      timeout: 120_000,
    });
  }

  /** Runs one SELECT whose single column is a JSON document, and parses it. */
  async queryJson<T>(sql: string): Promise<T> {
    const { stdout } = await run(
      'mariadb',
      [
        `--defaults-file=${path.join(this.dir, 'mysql/my.cnf')}`,
        '--batch',
        '--raw',
        '--skip-column-names',
        'krayin',
        '-e',
        sql,
      ],
      { timeout: 30_000, maxBuffer: 64 * 1024 * 1024, env: process.env, encoding: 'utf8' },
    ).catch((err: unknown) => {
      throw new Error(`mariadb query failed: ${String(err)}`);
    });
    return JSON.parse(stdout) as T;
  }
}
