/**
 * One real Temporal dev server for the whole integration run (headless, in memory, fast
 * continue-as-new threshold so tests exercise it). Tests read its address from TEMPORAL_TEST_ADDRESS.
 * Set TEMPORAL_TEST_ADDRESS yourself to reuse a server you started (it must have our search attributes).
 */
import { ensureTemporalBinary } from '../../src/dev/temporal-binary';
import { startDevServer, type DevServer } from '../../src/dev/temporal-dev-server';

declare global {
  var __TEMPORAL_DEV_SERVER__: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEMPORAL_TEST_ADDRESS) return;
  const binary = await ensureTemporalBinary();
  const server = await startDevServer({
    binary,
    headless: true,
    readyTimeoutMs: 120_000,
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 60 },
  });
  globalThis.__TEMPORAL_DEV_SERVER__ = server;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
}
