/**
 * `docker compose config` on a scratch copy of docker-compose.yml with a given .env: what Compose
 * would hand each container, without a container engine (scripts/validate-compose.sh installs the
 * Compose plugin). Also reads the example env file's variable names.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const ENV_EXAMPLE = path.join(REPO_ROOT, '.env.example');

export interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | null>;
  healthcheck?: { test?: string[] };
}

export interface ComposeResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `docker compose config --format json` in a scratch project holding docker-compose.yml and, unless null, .env. */
export function composeConfig(envFile: string | null): ComposeResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'cks-compose-'));
  try {
    copyFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
    if (envFile !== null) writeFileSync(path.join(dir, '.env'), envFile);
    const run = spawnSync(
      'docker',
      ['compose', '--project-directory', dir, '-f', path.join(dir, 'docker-compose.yml'), 'config', '--format', 'json'],
      // Only PATH and HOME (where the plugin is): nothing of the test's environment may fill a variable.
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } },
    );
    if (run.error) throw run.error;
    if (/unknown command|not a docker command/i.test(run.stderr)) {
      throw new Error('docker compose is missing: `bash scripts/validate-compose.sh` builds it once (as .ci/run does)');
    }
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The services of a successful `composeConfig`. */
export function composeServices(result: ComposeResult): Record<string, ComposeService> {
  if (result.status !== 0) throw new Error(`docker compose config failed (${result.status}):\n${result.stderr}`);
  return (JSON.parse(result.stdout) as { services: Record<string, ComposeService> }).services;
}

/** The services built from this repository (ingest, worker, ...): they run our image. */
export function ourServices(services: Record<string, ComposeService>): [string, ComposeService][] {
  return Object.entries(services).filter(([, s]) => s.build !== undefined);
}

export interface ExampleVariables {
  /** `NAME=` lines: passed through to the containers. */
  assigned: string[];
  /** `# NAME=` lines: documented, but set by docker-compose.yml itself. */
  commented: string[];
}

export function readExampleVariables(text: string = readFileSync(ENV_EXAMPLE, 'utf8')): ExampleVariables {
  const names = (re: RegExp) => [...text.matchAll(re)].map((m) => m[1]!);
  return { assigned: names(/^([A-Z][A-Z0-9_]*)=/gm), commented: names(/^# ([A-Z][A-Z0-9_]*)=$/gm) };
}
