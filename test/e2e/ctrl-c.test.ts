/**
 * Ctrl-C and a second instance, as an operator meets them: the terminal sends SIGINT to the whole
 * process group of `npm start`; every stop must be clean ("Stopped.", exit 0, the PGlite lock released).
 * A second start on ports already taken must fail at once, naming the port and the variable to change.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';
import { buildCli, cliEnv, startCli } from '../helpers/cli-start';

/** Enough to catch a one-in-three failure with high probability, within the test budget on 2 cores. */
const RUNS = 5;

describe('npm start: Ctrl-C and ports in use', () => {
  let krayin: FakeKrayin;
  let chatwoot: FakeChatwoot;
  beforeAll(async () => {
    buildCli();
    krayin = await startFakeKrayin();
    chatwoot = await startFakeChatwoot();
  }, 600_000);
  afterAll(async () => {
    await krayin?.close();
    await chatwoot?.close();
  });

  it(`stops cleanly on SIGINT to the whole process group, ${RUNS} times out of ${RUNS}`, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cks-ctrl-c-'));
    const lock = path.join(dataDir, 'data', 'pglite', 'cks-store.lock');
    for (let run = 1; run <= RUNS; run++) {
      const cli = startCli(
        dataDir,
        cliEnv(krayin, chatwoot, dataDir, { CHATWOOT_WEBHOOK_SECRET: 'ctrl-c-secret' }),
        120_000,
        {
          detached: true,
        },
      );
      await cli.running;
      expect(existsSync(lock)).toBe(true);
      const code = await cli.interruptGroup();
      const out = cli.output();
      expect({ run, code, stopped: out.includes('Stopped.'), lockLeft: existsSync(lock) }).toEqual({
        run,
        code: 0,
        stopped: true,
        lockLeft: false,
      });
    }
  }, 900_000);

  it.each([
    ['TEMPORAL_DEV_PORT', 'temporal'],
    ['TEMPORAL_UI_PORT', 'ui'],
    ['PORT', 'http'],
  ])(
    'fails with a clear message when %s is taken',
    async (variable) => {
      const taken = await occupyPort();
      try {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'cks-port-'));
        const cli = startCli(
          dataDir,
          cliEnv(krayin, chatwoot, dataDir, { CHATWOOT_WEBHOOK_SECRET: 'port-secret', [variable]: String(taken.port) }),
        );
        cli.running.catch(() => undefined);
        const code = await cli.exited;
        expect(code).not.toBe(0);
        expect(cli.output()).toContain(`port ${taken.port} on 127.0.0.1 is already in use`);
        expect(cli.output()).toContain(`set ${variable} to a free port`);
        expect(cli.output()).not.toContain('Press Ctrl-C to stop.');
        expect(existsSync(path.join(dataDir, 'data', 'pglite', 'cks-store.lock'))).toBe(false);
      } finally {
        await taken.close();
      }
    },
    180_000,
  );
});

/** Something else listening on a port, as a first instance would. */
async function occupyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
