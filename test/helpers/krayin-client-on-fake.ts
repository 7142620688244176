/**
 * A KrayinClient talking to a fresh fake Krayin over HTTP (limiter out of the way), for the client's
 * integration tests: one place that starts both and closes both.
 */
import { KrayinClient } from '../../src/krayin/client';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';

export interface ClientOnFakeKrayin {
  fake: FakeKrayin;
  client: KrayinClient;
  close(): Promise<void>;
}

export async function startClientOnFakeKrayin(): Promise<ClientOnFakeKrayin> {
  const fake = await startFakeKrayin({ rateLimit: 100_000 });
  const client = new KrayinClient({ baseUrl: fake.apiBase, token: fake.token, timezone: 'UTC', timeoutMs: 5000 });
  return {
    fake,
    client,
    close: async () => {
      await client.close();
      await fake.close();
    },
  };
}
