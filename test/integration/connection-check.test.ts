/** The connection check against the fake Krayin and fake Chatwoot, and `chatwoot-krayin-sync check`. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkConnection, formatReports } from '../../src/check/connection-check';
import { appConfigSchema } from '../../src/config/schema';
import { createConnectionRegistry } from '../../src/sync/create-registry';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';

describe('connection check', () => {
  let krayin: FakeKrayin;
  let chatwoot: FakeChatwoot;
  beforeAll(async () => {
    krayin = await startFakeKrayin({ rateLimit: 0 });
    chatwoot = await startFakeChatwoot();
  });
  afterAll(async () => {
    await krayin.close();
    await chatwoot.close();
  });

  function check(overrides: { krayin?: object; chatwoot?: object; sync?: object } = {}) {
    const config = appConfigSchema.parse({
      connections: [
        {
          id: 'default',
          krayin: { url: krayin.apiBase, token: krayin.token, ...overrides.krayin },
          chatwoot: {
            url: chatwoot.url,
            accountId: chatwoot.accountId,
            apiToken: chatwoot.apiToken,
            webhookSecret: 'secret',
            ...overrides.chatwoot,
          },
          sync: overrides.sync ?? {},
        },
      ],
    });
    return checkConnection(createConnectionRegistry(config).get('default'));
  }

  it('reports a correctly configured connection as ready', async () => {
    const report = await check({
      sync: {
        lead: { stage: 'follow-up', source: 'Web', owner: 'admin@example.com' },
        stageRules: [{ on: 'first_agent_reply', stage: 'prospect' }],
      },
    });
    expect(report.ok).toBe(true);
    expect(report.items.map((i) => [i.level, i.subject])).toEqual([
      ['ok', 'Krayin API'],
      ['ok', 'Lead settings'],
      ['ok', 'Stage rules'],
      ['ok', 'Field map'],
      ['ok', 'Chatwoot API'],
    ]);
    expect(report.items[1]!.message).toBe(
      'new leads go to pipeline #1, stage #2, source #2, owner #1 (policy first_conversation)',
    );
  });

  it('names every wrong setting', async () => {
    krayin.addAttribute({ entity_type: 'persons', code: 'cw_tier', type: 'text' });
    const report = await check({
      chatwoot: { webhookSecret: undefined, webhookToken: 'u7Rk2Lx9Qm4Vb8Np3Hs6JdW1' },
      sync: {
        lead: { stage: 'closed-won', source: 'Carrier pigeon', type: 'Nonexistent', owner: 'nobody@example.com' },
        stageRules: [{ on: 'assigned', stage: 'nope' }],
        fieldMap: { person: { cw_tier: 'custom_attributes.tier', cw_missing: 'custom_attributes.x' } },
      },
    });
    expect(report.ok).toBe(false);
    const text = formatReports([report]);
    expect(text).toContain('Connection "default": NOT READY');
    // Each wrong lead setting is its own problem, not only the first one found.
    const leadProblems = report.items.filter((i) => i.subject === 'Lead settings').map((i) => [i.level, i.message]);
    expect(leadProblems).toEqual([
      ['problem', 'LEAD_STAGE: the pipeline has no stage named "closed-won"'],
      ['problem', 'LEAD_SOURCE: Krayin has no source named "Carrier pigeon"'],
      ['problem', 'LEAD_TYPE: Krayin has no type named "Nonexistent"'],
      ['problem', 'LEAD_OWNER: Krayin has no user with the configured email'],
    ]);
    expect(text).toContain('PROBLEM Lead settings: LEAD_STAGE: the pipeline has no stage named "closed-won"');
    expect(text).toContain('PROBLEM Lead settings: LEAD_SOURCE: Krayin has no source named "Carrier pigeon"');
    expect(text).not.toContain('nobody@example.com');
    expect(text).toMatch(/PROBLEM Stage rules: STAGE_RULES\[0\]\.stage: /);
    expect(text).toContain(
      'PROBLEM Field map: FIELD_MAP.person.cw_missing: Krayin has no persons attribute "cw_missing"',
    );
    expect(text).not.toContain('cw_tier"');
    expect(text).toContain('warning Webhooks: CHATWOOT_WEBHOOK_SECRET is not set');
  });

  it('says which token Krayin or Chatwoot refused, without printing it', async () => {
    const report = await check({
      krayin: { token: '1|wrong-token-abcdef' },
      chatwoot: { apiToken: 'wrong-chatwoot-token' },
    });
    const text = formatReports([report]);
    expect(text).toContain('PROBLEM Krayin API: KRAYIN_TOKEN: Krayin refused the token');
    expect(text).toContain('PROBLEM Chatwoot API: CHATWOOT_API_TOKEN: Chatwoot refused the token');
    expect(text).not.toContain('wrong-token-abcdef');
    expect(text).not.toContain('wrong-chatwoot-token');
    // Lookups are not attempted without a working Krayin.
    expect(report.items.map((i) => i.subject)).toEqual(['Krayin API', 'Chatwoot API']);
  });

  it('reports an unreachable Krayin as a KRAYIN_URL problem', async () => {
    const report = await check({ krayin: { url: 'http://127.0.0.1:1/api/v1', timeoutMs: 500 } });
    expect(report.items[0]).toMatchObject({ level: 'problem', subject: 'Krayin API' });
    expect(report.items[0]!.message).toMatch(/^KRAYIN_URL: /);
  });

  it('`check` prints the report and exits 1 when a connection is not ready, 0 when it is', async () => {
    // Asynchronous on purpose: the fakes live in this process and must keep answering.
    const run = (env: Record<string, string>) =>
      new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
        const cli = path.resolve(__dirname, '../../src/cli.ts');
        const options = {
          cwd: mkdtempSync(path.join(tmpdir(), 'cks-check-')),
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            KRAYIN_URL: krayin.apiBase,
            KRAYIN_TOKEN: krayin.token,
            CHATWOOT_URL: chatwoot.url,
            CHATWOOT_ACCOUNT_ID: String(chatwoot.accountId),
            CHATWOOT_API_TOKEN: chatwoot.apiToken,
            CHATWOOT_WEBHOOK_SECRET: 'x',
            ...env,
          },
          timeout: 60_000,
        };
        execFile(tsx, [cli, 'check'], options, (err, stdout) =>
          resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout: String(stdout) }),
        );
      });
    const good = await run({});
    expect(good.stdout).toContain('Connection "default": ready');
    expect(good.status).toBe(0);
    const bad = await run({ LEAD_TYPE: 'Nonexistent' });
    expect(bad.stdout).toContain('PROBLEM Lead settings: LEAD_TYPE: Krayin has no type named "Nonexistent"');
    expect(bad.status).toBe(1);
  });
});
