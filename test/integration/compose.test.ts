/**
 * docker-compose.yml, proven without a container engine: `docker compose config` shows what each
 * container would get. Every variable the configuration knows (src/config KNOWN_ENV_NAMES) is in
 * .env.example and reaches every container that runs our image with the value of .env; compose
 * refuses to start without .env; and the Temporal healthcheck command works against a real server.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KNOWN_ENV_NAMES } from '../../src/config';
import { ensureTemporalBinary } from '../../src/dev/temporal-binary';
import { composeConfig, composeServices, ourServices, readExampleVariables, REPO_ROOT } from '../helpers/compose';

const example = readExampleVariables();
const composeText = readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
/** Variables the compose file itself interpolates (e.g. TEMPORAL_CODEC_ENDPOINT for the Temporal UI). */
const interpolated = [...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!);

describe('.env.example', () => {
  it('lists every variable the configuration knows, once', () => {
    const listed = [...example.assigned, ...example.commented];
    expect(KNOWN_ENV_NAMES.filter((name) => !listed.includes(name))).toEqual([]);
    expect(listed.filter((name, i) => listed.indexOf(name) !== i)).toEqual([]);
  });

  it('lists nothing else than those and what docker-compose.yml interpolates', () => {
    const unknown = example.assigned.filter((n) => !KNOWN_ENV_NAMES.includes(n) && !interpolated.includes(n));
    expect(unknown).toEqual([]);
  });

  it('leaves every value empty (no secret, no default to drift from the code)', () => {
    const text = readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8');
    expect(text.split('\n').filter((line) => /^[A-Z][A-Z0-9_]*=./.test(line))).toEqual([]);
  });
});

describe('docker compose config', () => {
  it('passes every setting of .env to every container of our image, with its value', () => {
    // A distinct value per variable, so a variable dropped or swapped on the way shows up by name.
    const valueOf = (name: string) => `value-of-${name}`;
    const env = example.assigned.map((name) => `${name}=${valueOf(name)}`).join('\n');
    const services = ourServices(composeServices(composeConfig(env)));
    expect(services.map(([name]) => name).sort()).toEqual(['ingest', 'worker']);

    for (const [service, { environment = {} }] of services) {
      const wrong = example.assigned
        .filter((name) => environment[name] !== valueOf(name))
        .map((name) => `${service}: ${name}=${environment[name]}`);
      expect(wrong).toEqual([]);
    }
  });

  it('sets the compose-owned variables (commented out in .env.example) itself, whatever .env says', () => {
    expect(example.commented.sort()).toEqual(['DATABASE_URL', 'DATA_DIR', 'HOST', 'PORT', 'TEMPORAL_ADDRESS']);
    const env = example.commented.map((name) => `${name}=from-env-file`).join('\n');
    const wrong = ourServices(composeServices(composeConfig(env))).flatMap(([service, { environment = {} }]) =>
      example.commented
        .filter((name) => !environment[name] || environment[name] === 'from-env-file')
        .map((name) => `${service}: ${name}=${environment[name]}`),
    );
    expect(wrong).toEqual([]);
  });

  it('with .env copied from .env.example, every known variable reaches every container of our image', () => {
    const services = ourServices(
      composeServices(composeConfig(readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8'))),
    );
    for (const [service, { environment = {} }] of services) {
      expect({ service, missing: KNOWN_ENV_NAMES.filter((name) => !(name in environment)) }).toEqual({
        service,
        missing: [],
      });
    }
  });

  it('stops with a clear error when .env is missing', () => {
    const result = composeConfig(null);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/\.env.*not found|not found.*\.env/);
  });
});

describe('Temporal healthcheck', () => {
  it('is a command of the Temporal CLI that reports a running server healthy', async () => {
    const services = composeServices(composeConfig(''));
    const [kind, program, ...args] = services.temporal?.healthcheck?.test ?? [];
    expect(kind).toBe('CMD');
    // The pinned temporalio/auto-setup image ships the Temporal CLI as `temporal` (its auto-setup.sh
    // uses it too): run the same command with the CLI the tests use, pointed at the test server.
    expect(program).toBe('temporal');
    const address = args.indexOf('--address');
    expect(address).toBeGreaterThanOrEqual(0);
    args[address + 1] = process.env.TEMPORAL_TEST_ADDRESS!;
    const run = spawnSync(await ensureTemporalBinary(), args, { encoding: 'utf8', timeout: 60_000 });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/SERVING/);
  });
});
