/**
 * The alert channels and the connection health of a process follow the connections in force
 * (createConnectionServices().syncConnections, called on every settings change): an added connection's
 * own channel gets its alerts and health watches it; a changed channel is used from the next alert;
 * a removed connection (or one that dropped its channels) falls back to the service-wide channel and is
 * no longer watched. Real Slack-compatible receivers over HTTP, the real store (PGlite).
 */
import http from 'node:http';
import type { ConnectionConfig } from '../../src/config/schema';
import { parseConfigObject } from '../../src/config';
import { createLogger } from '../../src/logging';
import { createMetrics } from '../../src/metrics';
import { createConnectionServices, type ConnectionServices } from '../../src/runtime/connection-services';
import { storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

async function receiver(): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

const connection = (id: string, slackUrl?: string) => ({
  id,
  krayin: { url: 'http://127.0.0.1:9/api/v1', token: '1|SomeKrayinTokenValue0123456789' },
  chatwoot: {
    url: 'http://127.0.0.1:9',
    accountId: 1,
    apiToken: 'api-token',
    webhookSecret: 'secret-0123456789abcdef',
  },
  ...(slackUrl ? { notifications: { slack: { webhookUrl: slackUrl, style: 'plain' } } } : {}),
});

describe('alerts follow the connections in force', () => {
  let t: TestStore;
  let services: ConnectionServices;
  let own: Awaited<ReturnType<typeof receiver>>;
  let changed: Awaited<ReturnType<typeof receiver>>;
  let service: Awaited<ReturnType<typeof receiver>>;
  let parse: (connections: unknown[]) => ConnectionConfig[];

  beforeAll(async () => {
    t = await storeEngines()[0]!.open();
    await t.store.migrate();
    [own, changed, service] = await Promise.all([receiver(), receiver(), receiver()]);
    const base = {
      notifications: { slack: { webhookUrl: service.url, style: 'plain' } },
      connections: [connection('configured')],
    };
    const config = parseConfigObject(base);
    parse = (connections) => parseConfigObject({ ...base, connections }).connections;
    services = createConnectionServices({
      config,
      store: t.store,
      metrics: createMetrics({ connections: ['configured'], defaultMetrics: false }),
      log: createLogger('error'),
    });
  });
  afterAll(async () => {
    await services?.close();
    await Promise.all([own, changed, service].map((r) => r?.close()));
    await t?.dispose();
  });

  const alert = (connectionId: string, cause: string) =>
    services.notifier.alert({ connectionId, cause, title: `Test alert ${cause}`, text: 'text', severity: 'warning' });

  it('an added connection: its own channel, and health watches it', async () => {
    expect(services.health.watched()).toEqual(['configured']);
    services.syncConnections(parse([connection('configured'), connection('added', own.url)]));
    expect(services.health.watched().sort()).toEqual(['added', 'configured']);
    expect(services.notifierConnections()).toEqual(['added']);
    expect((await alert('added', 'first')).status).toBe('sent');
    expect(own.bodies.join()).toContain('Test alert first');
    expect(service.bodies).toEqual([]);
  });

  it('a changed channel is used from the next alert', async () => {
    services.syncConnections(parse([connection('configured'), connection('added', changed.url)]));
    expect((await alert('added', 'second')).status).toBe('sent');
    expect(changed.bodies.join()).toContain('Test alert second');
    expect(own.bodies.join()).not.toContain('Test alert second');
  });

  it('removed: back to the service-wide channel, and no longer watched', async () => {
    services.syncConnections(parse([connection('configured')]));
    expect(services.health.watched()).toEqual(['configured']);
    expect(services.notifierConnections()).toEqual([]);
    expect((await alert('added', 'third')).status).toBe('sent');
    expect(service.bodies.join()).toContain('Test alert third');
    expect(changed.bodies.join()).not.toContain('Test alert third');
  });
});
