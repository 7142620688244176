/** When `start` runs the demo, and the configuration the demo builds (loopback, DATA_DIR/demo, no outside channel). */
import { decideDemo } from '../../src/demo/demo-mode';
import { demoConfig } from '../../src/demo';

describe('decideDemo', () => {
  it('runs the demo when no connection is configured (service settings do not count)', () => {
    expect(decideDemo({})).toEqual({ demo: true });
    expect(decideDemo({ PATH: '/bin', PORT: '3000', LOG_LEVEL: 'debug', LEAD_POLICY: 'never' })).toEqual({
      demo: true,
    });
    // Blank values count as unset, as everywhere in the configuration.
    expect(decideDemo({ KRAYIN_URL: '', CHATWOOT_API_TOKEN: '  ' })).toEqual({ demo: true });
    expect(decideDemo({ DEMO: 'on' })).toEqual({ demo: true });
  });

  it.each([
    ['KRAYIN_URL', 'http://crm.example.com/api/v1'],
    ['KRAYIN_TOKEN', '1|abcdefghij'],
    ['CHATWOOT_URL', 'https://chat.example.com'],
    ['CHATWOOT_ACCOUNT_ID', '1'],
    ['CHATWOOT_WEBHOOK_SECRET', 's'],
    ['CONFIG_FILE', '/etc/cks.json'],
  ])('any connection setting (%s) turns the demo off: a partial connection is a config error', (name, value) => {
    expect(decideDemo({ [name]: value })).toEqual({ demo: false });
  });

  it('DEMO=off refuses the demo (to see the configuration errors instead); an unknown value is a problem', () => {
    for (const off of ['off', 'false', '0', 'no', 'OFF']) expect(decideDemo({ DEMO: off })).toEqual({ demo: false });
    expect(decideDemo({ DEMO: 'maybe' })).toEqual({
      demo: false,
      problem: expect.stringMatching(/^DEMO: must be off/),
    });
  });
});

describe('demoConfig', () => {
  const sims = {
    krayin: { apiBase: 'http://127.0.0.1:4010/api/v1', token: '1|0123456789abcdef' },
    chatwoot: { url: 'http://127.0.0.1:4011', accountId: 1, apiToken: 'cw-token' },
    webhookSecret: 'demo-secret',
  } as Parameters<typeof demoConfig>[1];

  it('one connection "demo" on the simulators, on loopback, with its own data dir', () => {
    const c = demoConfig({ DATA_DIR: '/var/lib/cks' }, sims);
    expect(c.connections.map((x) => [x.id, x.krayin.url, x.chatwoot.url, x.chatwoot.webhookSecret])).toEqual([
      ['demo', 'http://127.0.0.1:4010/api/v1', 'http://127.0.0.1:4011', 'demo-secret'],
    ]);
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe('/var/lib/cks/demo');
    expect(demoConfig({}, sims).dataDir).toBe('.data/demo');
  });

  it('keeps the ports and log level, never an outside Temporal, Postgres or alert channel', () => {
    const c = demoConfig(
      {
        PORT: '8080',
        TEMPORAL_UI_PORT: '0',
        LOG_LEVEL: 'warn',
        TEMPORAL_ADDRESS: 'temporal.example.com:7233',
        DATABASE_URL: 'postgres://u:p@db.example.com/cks',
        SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/X',
      },
      sims,
    );
    expect([c.port, c.temporal.uiPort, c.logLevel]).toEqual([8080, 0, 'warn']);
    expect(c.temporal.address).toBeUndefined();
    expect(c.database.url).toBeUndefined();
    expect(c.notifications).toBeUndefined();
  });
});
