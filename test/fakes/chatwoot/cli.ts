/**
 * npm run fake:chatwoot -- [--port N] [--host H] [--account-id 1] [--token T] [--seed]
 *                          [--webhook-url URL [--webhook-secret S]]
 * Prints `listening on http://127.0.0.1:<port>` once ready; stops on SIGINT/SIGTERM.
 * --seed loads the fixture scenario (contact 1042, conversations 87 and 91).
 * --webhook-url: changes made through the write endpoints (writes.ts) are sent there as account
 * webhooks, signed with --webhook-secret when given.
 */
import { parseArgs } from 'node:util';
import { seedFixtureScenario } from './seed';
import { startFakeChatwoot } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'account-id': { type: 'string', default: '1' },
      token: { type: 'string' },
      seed: { type: 'boolean', default: false },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
    },
  });
  const port = Number(values.port);
  const accountId = Number(values['account-id']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be 0-65535');
  if (!Number.isInteger(accountId) || accountId < 1) throw new Error('--account-id must be a positive integer');

  const webhookUrl = values['webhook-url'];
  if (values['webhook-secret'] && !webhookUrl) throw new Error('--webhook-secret needs --webhook-url');
  const webhook = webhookUrl ? { url: webhookUrl, secret: values['webhook-secret'] } : undefined;
  const fake = await startFakeChatwoot({ port, host: values.host, accountId, apiToken: values.token, webhook });
  if (values.seed) seedFixtureScenario(fake);
  console.log(`listening on ${fake.url}`);

  const stop = () => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`fake chatwoot: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
