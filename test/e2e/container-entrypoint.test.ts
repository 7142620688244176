/**
 * The production image's commands, run as the image runs them but without a container engine: the
 * app is built as the Dockerfile builds it (tsc -p tsconfig.build.json into dist/, the Dockerfile's
 * COPY lines decide what the app directory holds), owned by root and read-only to an unprivileged
 * user (`nobody`, standing in for the image's `node`), and the Dockerfile's ENTRYPOINT + CMD run as
 * that user with DATA_DIR on a directory of its own, against the real Temporal dev server, a real
 * Postgres and the fakes. They must start, write only to the data dir, sync a contact through the
 * compiled workflows, serve worker metrics only with a token, and stop on SIGTERM (docker stop).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { freePort } from '../../src/dev/temporal-dev-server';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../helpers/databases';
import { readImageStage } from '../helpers/dockerfile';
import { contactEventBody, postWebhook } from '../helpers/webhooks';

const REPO = path.resolve(__dirname, '../..');
const image = readImageStage(path.join(REPO, 'Dockerfile'));
const SECRET = 'entrypoint-webhook-secret';
const METRICS_TOKEN = 'entrypoint-metrics-token-0123';
/** The image's user does not exist here; `nobody` is as unprivileged (no home, no group of its own). */
const RUN_AS = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];
const NOBODY_UID = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());

describe('the Dockerfile', () => {
  it('runs compiled JavaScript as a non-root user, with DATA_DIR on a volume that user owns', () => {
    expect(image.user).not.toBeNull();
    expect(image.user).not.toMatch(/^(root|0)(:|$)/);
    expect(image.entrypoint[0]).toBe('node');
    expect(image.entrypoint[1]).toMatch(/^dist\/.*\.js$/);
    const dataDir = image.env.DATA_DIR;
    expect(image.volumes).toEqual([dataDir]);
    expect(image.run.some((r) => r.includes(`chown ${image.user}:${image.user} ${dataDir}`))).toBe(true);
  });
});

describe('the image commands as an unprivileged user, app directory read-only', () => {
  let root: string;
  let appDir: string;
  let dataDir: string;
  let krayin: FakeKrayin;
  let chatwoot: FakeChatwoot;
  let db: TestPostgresDatabase;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'cks-image-'));
    chmodSync(root, 0o755); // mkdtemp makes it 0700: the user must reach the app inside
    appDir = path.join(root, image.workdir);
    mkdirSync(appDir, { recursive: true });
    for (const { source, dest } of image.copies) {
      const from = path.posix.relative(image.buildWorkdir, source);
      const to = path.resolve(appDir, dest);
      if (from === 'dist') {
        // `npm run build` compiles tsconfig.build.json: the same compiler and config, another outDir, and
        // its own incremental build info (the repo's dist/.tsbuildinfo would make tsc skip the emit).
        execFileSync(
          path.join(REPO, 'node_modules/.bin/tsc'),
          ['-p', 'tsconfig.build.json', '--outDir', to, '--tsBuildInfoFile', path.join(to, '.tsbuildinfo')],
          { cwd: REPO },
        );
      } else if (from === 'node_modules') installProductionDependencies(root, to);
      else copyFileSync(path.join(REPO, from), to);
    }
    // The image's DATA_DIR, under the scratch root, as the Dockerfile makes it: owned by the user.
    // (Without DATA_DIR in the image, the service would use .data in the read-only app directory.)
    dataDir = path.join(root, image.env.DATA_DIR ?? path.posix.join(image.workdir, '.data'));
    if (image.env.DATA_DIR) {
      mkdirSync(dataDir, { mode: 0o700 });
      chownSync(dataDir, NOBODY_UID, -1);
    }
    krayin = await startFakeKrayin();
    chatwoot = await startFakeChatwoot();
    db = await createTestPostgresDatabase();
  }, 15 * 60_000);

  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await db?.drop();
    await krayin?.close();
    await chatwoot?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const taskQueue = `cks-image-${process.pid}`;
  /** The image's ENV, then what docker-compose.yml and .env give the container; nothing of ours leaks in. */
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? '',
    HOME: '/nonexistent',
    ...image.env,
    ...(image.env.DATA_DIR ? { DATA_DIR: dataDir } : {}),
    TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    PORT: '0',
    KRAYIN_URL: krayin.apiBase,
    KRAYIN_TOKEN: krayin.token,
    CHATWOOT_URL: chatwoot.url,
    CHATWOOT_ACCOUNT_ID: String(chatwoot.accountId),
    CHATWOOT_API_TOKEN: chatwoot.apiToken,
    CHATWOOT_WEBHOOK_SECRET: SECRET,
    LEAD_POLICY: 'contact_created',
    DEBOUNCE_MS: '100',
    ...extra,
  });

  /** `docker run <image> <command>`: setpriv execs the ENTRYPOINT, so SIGTERM reaches node itself. */
  function runImage(command: string, extra: Record<string, string> = {}) {
    const [program, ...args] = [...image.entrypoint, command];
    const child = spawn('setpriv', [...RUN_AS, program!, ...args], {
      cwd: appDir,
      env: env(extra),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', () => {
        if (out.includes('Press Ctrl-C to stop.')) resolve(out);
      });
      void exited.then((code) => reject(new Error(`${command} exited with ${code}:\n${out}`)));
    });
    started.catch(() => undefined); // commands that never start (check) need not await it
    return {
      output: () => out,
      started,
      exited,
      stop: () => {
        child.kill('SIGTERM');
        return exited;
      },
    };
  }

  /** Files and directories under the temporary root that the unprivileged user owns (it created them). */
  function ownedByUser(dir: string = root): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isSymbolicLink()) return [];
      const mine = statSync(p).uid === NOBODY_UID ? [path.relative(root, p)] : [];
      return e.isDirectory() ? [...mine, ...ownedByUser(p)] : mine;
    });
  }

  it('the app directory belongs to root and no one else may write to it', () => {
    const writable = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isSymbolicLink()) return []; // node_modules: the repository's, root's as well
        const st = statSync(p);
        const bad = st.uid !== 0 || (st.mode & 0o022) !== 0 ? [path.relative(appDir, p)] : [];
        return e.isDirectory() ? [...bad, ...writable(p)] : bad;
      });
    expect(statSync(appDir).uid).toBe(0);
    expect(writable(appDir)).toEqual([]);
  });

  it('check: reaches Krayin and Chatwoot and exits 0', async () => {
    const check = runImage('check');
    expect(await check.exited).toBe(0);
  });

  it('worker and ingest: start, sync a contact through the compiled workflows, serve metrics with a token, stop', async () => {
    const metricsPort = await freePort();
    const worker = runImage(image.cmd[0] ?? 'worker', {
      METRICS_PORT: String(metricsPort),
      METRICS_TOKEN,
    });
    const ingest = runImage('ingest');
    await worker.started;
    const banner = await ingest.started;
    const base = /Health:\s+(\S+)\/healthz/.exec(banner)![1]!.replace('localhost', '127.0.0.1');

    const ready = await request(`${base}/readyz`);
    expect(ready.statusCode).toBe(200);
    await ready.body.dump();

    const contact = { id: 9000 + (process.pid % 1000), name: 'Image Ida', email: 'ida@example.com' };
    chatwoot.upsertContact({ ...contact, additional_attributes: {}, custom_attributes: {} });
    const res = await postWebhook(base, 'default', contactEventBody('contact_created', contact), { secret: SECRET });
    expect(res.status).toBe(202);
    while (krayin.snapshot().leads.length === 0) await new Promise((r) => setTimeout(r, 200));
    expect(krayin.snapshot().persons.map((p) => p.emails)).toEqual([[{ value: 'ida@example.com', label: 'work' }]]);

    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const open = await request(metricsUrl);
    expect(open.statusCode).toBe(401);
    await open.body.dump();
    // The fake stores the lead before its answer reaches the worker, which counts the call on the answer:
    // on a loaded machine the first scrape can come before that, so scrape until it is counted (30 s).
    const leadCall = /^cks_krayin_calls_total\{.*endpoint="POST \/leads"/m;
    let text = '';
    for (const deadline = Date.now() + 30_000; !leadCall.test(text) && Date.now() < deadline;) {
      const scraped = await request(metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scraped.statusCode).toBe(200);
      text = await scraped.body.text();
      if (!leadCall.test(text)) await new Promise((r) => setTimeout(r, 250));
    }
    expect(text).toMatch(leadCall);

    expect(await ingest.stop()).toBe(0);
    expect(await worker.stop()).toBe(0);
    expect(ingest.output()).toContain('Stopped.');

    // The only things the user wrote: the generated admin token, in the data dir, private to it.
    const data = path.relative(root, dataDir);
    expect(ownedByUser().sort()).toEqual([data, path.join(data, 'admin-token')]);
    expect(statSync(path.join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
  });

  it('worker with METRICS_PORT but no token: refuses to start, naming the variables', async () => {
    const worker = runImage('worker', { METRICS_PORT: String(await freePort()) });
    await expect(worker.started).rejects.toThrow(/METRICS_PORT: needs METRICS_TOKEN \(or ADMIN_TOKEN\)/);
    expect(await worker.exited).not.toBe(0);
  });
});

/**
 * The image's node_modules: production dependencies only, as the Dockerfile's `npm prune --omit=dev`
 * leaves them (so a runtime import of a dev dependency fails here as it would in the image), installed
 * from the lock file (npm's cache is warm after the project's own `npm ci`). Not a link to the repo's:
 * the repo may sit under a directory the unprivileged user cannot enter (a 0700 mktemp dir, as in CI).
 */
function installProductionDependencies(root: string, to: string): void {
  const staging = mkdtempSync(path.join(root, 'npm-'));
  for (const file of ['package.json', 'package-lock.json'])
    copyFileSync(path.join(REPO, file), path.join(staging, file));
  execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: staging,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  renameSync(path.join(staging, 'node_modules'), to);
  rmSync(staging, { recursive: true, force: true });
}
