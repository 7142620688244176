/**
 * Migrations on every engine: idempotent, checksummed, atomic; and on Postgres, safe when several
 * processes migrate at once (the advisory lock).
 */
import { Client } from 'pg';
import { migrate, migrationChecksum, MIGRATION_LOCK_KEY, MIGRATIONS, openDb, type Migration } from '../../src/store';
import { createTestPostgresDatabase, storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

const engines = storeEngines();

const EXPECTED_TABLES = [
  'audit_log',
  'connection_settings',
  'console_connections',
  'console_sessions',
  'contact_links',
  'contact_sync_states',
  'conversation_links',
  'crm_attribute_state',
  'held_events',
  'inbound_events',
  'inbound_forwarder_lease',
  'krayin_activity_notes',
  'krayin_auth_blocks',
  'krayin_budgets',
  'krayin_call_tallies',
  'message_links',
  'notification_states',
  'organization_links',
  'person_identity_hashes',
  'schema_migrations',
  'settings_version',
  'sync_cursors',
  'sync_events',
  'two_way_conflicts',
  'two_way_fields',
  'webhook_deliveries',
];

it('the migration list is numbered 1..n without gaps and named like its files', () => {
  expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_m, i) => i + 1));
  for (const m of MIGRATIONS) expect(m.name).toMatch(/^[a-z0-9_]+$/);
});

describe.each(engines.map((engine) => [engine.name, engine] as const))('migrations on %s', (_name, engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(async () => {
    await t?.dispose();
  });

  it('applies every migration once; a second run applies nothing and changes nothing', async () => {
    expect(await migrate(t.db)).toEqual({ applied: MIGRATIONS.map((m) => m.version) });
    expect(await migrate(t.db)).toEqual({ applied: [] });
    await t.store.migrate();

    const { rows } = await t.db.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, checksum: migrationChecksum(m) })));

    const tables = await t.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(EXPECTED_TABLES);
  });

  it('refuses to run when a shipped migration was edited', async () => {
    await migrate(t.db);
    await t.db.query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
    await expect(migrate(t.db)).rejects.toThrow(/migration 1 .* changed after it was applied/);
  });

  it('rolls a failing migration back completely and records nothing', async () => {
    const broken: Migration = {
      version: MIGRATIONS.length + 1,
      name: 'broken',
      sql: 'CREATE TABLE half_done (id int); SELECT 1 / 0;',
    };
    await expect(migrate(t.db, { migrations: [...MIGRATIONS, broken] })).rejects.toThrow(/division by zero/);

    const table = await t.db.query<{ exists: string | null }>("SELECT to_regclass('half_done')::text AS exists");
    expect(table.rows[0]?.exists).toBeNull();
    const versions = await t.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('rejects a list with a gap', async () => {
    const [first] = MIGRATIONS;
    await expect(migrate(t.db, { migrations: [{ ...first!, version: 2 }] })).rejects.toThrow(/out of order/);
  });

  it('leaves versions it does not know alone (a newer release migrated first)', async () => {
    await migrate(t.db);
    await t.db.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'from_the_future', 'x')");
    await expect(migrate(t.db)).resolves.toEqual({ applied: [] });
  });
});

const postgres = engines.find((engine) => engine.name === 'postgres');
(postgres ? describe : describe.skip)('concurrent migrations on Postgres', () => {
  it('several processes migrating at once apply each migration exactly once', async () => {
    const database = await createTestPostgresDatabase();
    const dbs = await Promise.all(Array.from({ length: 6 }, () => openDb({ databaseUrl: database.url })));
    try {
      const results = await Promise.all(dbs.map((db) => migrate(db)));
      expect(results.flatMap((r) => r.applied).sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
      const { rows } = await dbs[0]!.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
      expect(rows[0]?.n).toBe(MIGRATIONS.length);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await database.drop();
    }
  });

  it('waits for the advisory lock held by another migrator before touching the schema', async () => {
    const database = await createTestPostgresDatabase();
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    const db = await openDb({ databaseUrl: database.url });
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);

      const migrating = migrate(db);
      // Wait (no clock involved) until the migrator is queued on our lock.
      const waiting = async () => {
        const { rows } = await holder.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_locks
           WHERE locktype = 'advisory' AND NOT granted AND objid = $1::bigint % 4294967296`,
          [MIGRATION_LOCK_KEY],
        );
        return rows[0]?.n === '1';
      };
      while (!(await waiting())) await new Promise((resolve) => setImmediate(resolve));

      const table = await holder.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
      expect(table.rows[0]?.t).toBeNull();

      await holder.query('COMMIT');
      await expect(migrating).resolves.toEqual({ applied: MIGRATIONS.map((m) => m.version) });
    } finally {
      await holder.end();
      await db.close();
      await database.drop();
    }
  });
});
