/**
 * The bundled simulators of the demo: the fake Krayin and the fake Chatwoot the test suite uses
 * (test/fakes, as strict as the real systems), served in-process on 127.0.0.1 free ports with freshly
 * generated credentials. The only module of src/ that imports test code (tsconfig.build.json compiles
 * test/fakes with src for that reason).
 */
import { randomBytes } from 'node:crypto';
import type { FakeChatwoot } from '../../test/fakes/chatwoot';
import type { FakeKrayin } from '../../test/fakes/krayin';

export interface Simulators {
  krayin: FakeKrayin;
  chatwoot: FakeChatwoot;
  /** The secret of the simulated Chatwoot's account webhook (it signs every delivery with it). */
  webhookSecret: string;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

export async function startSimulators(): Promise<Simulators> {
  // Loaded on demand: an image or install without test/fakes (the Docker image runs worker/ingest)
  // must still be able to load the CLI; only the demo needs them.
  const [{ startFakeKrayin }, { startFakeChatwoot }] = await Promise.all([
    import('../../test/fakes/krayin'),
    import('../../test/fakes/chatwoot'),
  ]).catch(() => {
    throw new Error(
      'no connection is configured, and the demo simulators (test/fakes) are not part of this install: configure a connection (docs/configuration.md)',
    );
  });
  const krayin = await startFakeKrayin({ host: LOOPBACK, token: `1|${randomBytes(20).toString('hex')}` });
  let chatwoot: FakeChatwoot;
  try {
    chatwoot = await startFakeChatwoot({ host: LOOPBACK, apiToken: randomBytes(16).toString('hex') });
  } catch (e) {
    await krayin.close();
    throw e;
  }
  return {
    krayin,
    chatwoot,
    webhookSecret: randomBytes(24).toString('base64url'),
    close: async () => {
      await Promise.allSettled([chatwoot.close(), krayin.close()]);
    },
  };
}
