/** The CLI refuses bad configuration at start, naming every wrong variable and never echoing a secret. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = path.resolve(__dirname, '../../src/cli.ts');
const TSX = path.resolve(__dirname, '../../node_modules/.bin/tsx');

function runCli(args: string[], env: Record<string, string>) {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cks-cli-')); // no .env here
  return spawnSync(TSX, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('chatwoot-krayin-sync CLI', () => {
  it('exits 78 listing each wrong field by its variable, without the values', () => {
    const res = runCli(['start'], {
      KRAYIN_TOKEN: 'not-a-token-SECRET123',
      CHATWOOT_URL: 'chat.example.com',
      CHATWOOT_ACCOUNT_ID: 'abc',
      LEAD_POLICY: 'sometimes',
    });
    expect(res.status).toBe(78);
    const err = res.stderr;
    expect(err).toContain('Configuration is invalid');
    for (const v of [
      'KRAYIN_URL',
      'KRAYIN_TOKEN',
      'CHATWOOT_URL',
      'CHATWOOT_ACCOUNT_ID',
      'CHATWOOT_API_TOKEN',
      'LEAD_POLICY',
    ]) {
      expect(err).toMatch(new RegExp(`^${v}: `, 'm'));
    }
    expect(err).not.toContain('SECRET123');
    expect(res.stdout).toBe('');
  });

  it('lists every problem in one report: the webhook secret with the missing Krayin settings', () => {
    const res = runCli(['start'], {
      CHATWOOT_URL: 'https://chat.example.com',
      CHATWOOT_ACCOUNT_ID: '1',
      CHATWOOT_API_TOKEN: 'x',
    });
    expect(res.status).toBe(78);
    const listed = res.stderr.split('\n').filter((line) => /^[A-Z_]+: /.test(line));
    expect(listed.map((line) => line.slice(0, line.indexOf(':')))).toEqual([
      'KRAYIN_URL',
      'KRAYIN_TOKEN',
      'CHATWOOT_WEBHOOK_SECRET',
    ]);
  });

  it('DEMO=off with nothing configured: no demo, every missing setting in one report', () => {
    const res = runCli(['start'], { DEMO: 'off' });
    expect(res.status).toBe(78);
    expect(res.stdout).not.toContain('DEMO');
    const listed = res.stderr.split('\n').filter((line) => /^[A-Z_]+: /.test(line));
    expect(listed.map((line) => line.slice(0, line.indexOf(':')))).toEqual([
      'KRAYIN_URL',
      'KRAYIN_TOKEN',
      'CHATWOOT_URL',
      'CHATWOOT_ACCOUNT_ID',
      'CHATWOOT_API_TOKEN',
      'CHATWOOT_WEBHOOK_SECRET',
    ]);
  });

  it('`worker` refuses unusable Temporal TLS settings before connecting, without echoing the API key', () => {
    const res = runCli(['worker'], {
      KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
      KRAYIN_TOKEN: '1|abcdefghij',
      CHATWOOT_URL: 'https://chat.example.com',
      CHATWOOT_ACCOUNT_ID: '1',
      CHATWOOT_API_TOKEN: 'x',
      CHATWOOT_WEBHOOK_SECRET: 'whsec',
      TEMPORAL_ADDRESS: 'temporal.example:7233',
      TEMPORAL_API_KEY: 'api-key-SECRET456',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nonexistent/ca.pem',
      TEMPORAL_TLS_CLIENT_KEY_DATA: '-----BEGIN PRIVATE KEY-----\nKEY-SECRET789\n-----END PRIVATE KEY-----',
    });
    expect(res.status).toBe(78);
    expect(res.stderr).toMatch(/^TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read \/nonexistent\/ca\.pem \(ENOENT\)$/m);
    expect(res.stderr).toMatch(/^TEMPORAL_TLS_CLIENT_KEY_DATA: needs the client certificate too/m);
    expect(res.stderr + res.stdout).not.toMatch(/SECRET456|SECRET789/);
  });

  it('an unknown DEMO value is a configuration error', () => {
    const res = runCli(['start'], { DEMO: 'maybe' });
    expect(res.status).toBe(78);
    expect(res.stderr).toMatch(/^DEMO: must be off/m);
  });

  it('"worker" without TEMPORAL_ADDRESS says what is missing', () => {
    const res = runCli(['worker'], {
      KRAYIN_URL: 'http://127.0.0.1:1/api/v1',
      KRAYIN_TOKEN: '1|abcdefghijkl',
      CHATWOOT_URL: 'https://chat.example.com',
      CHATWOOT_ACCOUNT_ID: '1',
      CHATWOOT_API_TOKEN: 'x',
      CHATWOOT_WEBHOOK_SECRET: 'secret',
    });
    expect(res.status).toBe(78);
    expect(res.stderr).toContain('TEMPORAL_ADDRESS');
  });

  it('no command prints the usage and exits 2 (it does not start the service)', () => {
    const res = runCli([], {});
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('usage: chatwoot-krayin-sync');
    expect(res.stdout).toBe('');
  });

  it('help prints the usage on stdout and exits 0', () => {
    const res = runCli(['help'], {});
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('usage: chatwoot-krayin-sync');
  });

  it('an unknown command prints the usage and exits 2', () => {
    const res = runCli(['frobnicate'], {});
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('usage: chatwoot-krayin-sync');
  });
});
