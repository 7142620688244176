/** test/helpers/databases.ts: never skip Postgres silently in CI; throw-away databases really go away. */
import { Client } from 'pg';
import { adminUrl, createTestPostgresDatabase, isPostgresReachable, storeEngines } from '../helpers/databases';

jest.setTimeout(120_000);

// Nothing listens on port 1: connection refused, immediately.
const UNREACHABLE = 'postgres://postgres@127.0.0.1:1/postgres';

describe('storeEngines when Postgres is unreachable', () => {
  it.each([{ CI: 'true' }, { REQUIRE_POSTGRES: '1' }])('throws when required (%o)', (env) => {
    expect(() => storeEngines({ env, adminUrl: UNREACHABLE, warn: () => undefined })).toThrow(
      /Postgres is required .* 127\.0\.0\.1:1 is not reachable/,
    );
  });

  it('outside CI, runs on PGlite only and says so in one warning line', () => {
    const warnings: string[] = [];
    const engines = storeEngines({ env: {}, adminUrl: UNREACHABLE, warn: (line) => warnings.push(line) });
    expect(engines.map((e) => e.name)).toEqual(['pglite-memory']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^WARNING: Postgres at 127\.0\.0\.1:1 is not reachable/);
    expect(warnings[0]).not.toContain('\n');
  });

  it('adds PGlite on disk when asked', () => {
    const engines = storeEngines({ env: {}, adminUrl: UNREACHABLE, includePgliteDir: true, warn: () => undefined });
    expect(engines.map((e) => e.name)).toEqual(['pglite-memory', 'pglite-dir']);
  });
});

const postgresReachable = isPostgresReachable().reachable;
(postgresReachable ? describe : describe.skip)('createTestPostgresDatabase', () => {
  const exists = async (name: string) => {
    const admin = new Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      return rows.length === 1;
    } finally {
      await admin.end();
    }
  };

  it('creates a uniquely named database and drops it even while a connection is open', async () => {
    const [a, b] = await Promise.all([createTestPostgresDatabase(), createTestPostgresDatabase()]);
    expect(a.name).toMatch(/^cks_test_[0-9a-f]{12}$/);
    expect(a.name).not.toBe(b.name);

    const client = new Client({ connectionString: a.url });
    await client.connect();
    client.on('error', () => undefined); // the forced drop terminates this connection
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    expect(rows[0]?.db).toBe(a.name);

    await a.drop();
    await b.drop();
    expect(await exists(a.name)).toBe(false);
    expect(await exists(b.name)).toBe(false);
    await client.end().catch(() => undefined);
  });
});
