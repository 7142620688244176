/**
 * The Db layer under the repositories: both engines must return the same JS values, count rows the
 * same way, accept the same parameters and behave the same in transactions. PGlite-only behaviour
 * (persistence, one-connection queueing) is at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { openPgliteDb, openStore, type Db } from '../../src/store';
import { pgliteSeedFile, storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

const engines = storeEngines({ includePgliteDir: true });

const TYPE_PROBE_SQL = `SELECT
  1::int8 AS int8_small,
  9007199254740993::int8 AS int8_huge,
  (-9007199254740991)::int8 AS int8_min_safe,
  count(*) AS count_star,
  '{1,NULL,9007199254740993}'::int8[] AS int8_array,
  7::int4 AS int4,
  3::int2 AS int2,
  1.25::float8 AS float8,
  1.5::numeric AS numeric,
  true AS bool,
  'héllo'::text AS text,
  '{a,"b c",NULL}'::text[] AS text_array,
  '2024-05-01 12:34:56.789999+05:30'::timestamptz AS timestamptz,
  'infinity'::timestamptz AS timestamptz_infinity,
  $1::timestamptz AS timestamptz_param,
  '{"b":[1,"x",null],"a":{"n":1.5}}'::jsonb AS jsonb,
  'null'::jsonb AS jsonb_null,
  NULL::jsonb AS sql_null,
  $2::jsonb AS jsonb_param,
  $3::bigint[] AS bigint_array_param,
  $4::text[] AS text_array_param,
  $5::bigint AS bigint_param
FROM (VALUES (1)) AS v`;

const TYPE_PROBE_PARAMS = [
  new Date('2024-01-01T00:00:00.001Z'),
  JSON.stringify({ k: ['v', 2, false] }),
  [1, null, 3_000_000_000],
  ['plain', 'with "quotes"', 'back\\slash', null],
  12345678901n,
];

const EXPECTED_PROBE = {
  int8_small: 1,
  int8_huge: 9007199254740993n,
  int8_min_safe: -9007199254740991,
  count_star: 1,
  int8_array: [1, null, 9007199254740993n],
  int4: 7,
  int2: 3,
  float8: 1.25,
  numeric: '1.5',
  bool: true,
  text: 'héllo',
  text_array: ['a', 'b c', null],
  timestamptz: new Date('2024-05-01T07:04:56.789Z'),
  timestamptz_infinity: Infinity,
  timestamptz_param: new Date('2024-01-01T00:00:00.001Z'),
  jsonb: { a: { n: 1.5 }, b: [1, 'x', null] },
  jsonb_null: null,
  sql_null: null,
  jsonb_param: { k: ['v', 2, false] },
  bigint_array_param: [1, null, 3_000_000_000],
  text_array_param: ['plain', 'with "quotes"', 'back\\slash', null],
  bigint_param: 12345678901,
};

const probeResults = new Map<string, Record<string, unknown>>();

describe.each(engines.map((engine) => [engine.name, engine] as const))('Db on %s', (name, engine) => {
  let t: TestStore;
  let db: Db;
  beforeAll(async () => {
    t = await engine.open();
    db = t.db;
    await db.exec('CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL CONSTRAINT items_label_key UNIQUE)');
  });
  afterAll(async () => {
    await t?.dispose();
  });
  beforeEach(async () => {
    await db.query('DELETE FROM items');
  });

  it('returns the expected JS value for every type the store uses', async () => {
    const { rows, rowCount } = await db.query(TYPE_PROBE_SQL, TYPE_PROBE_PARAMS);
    expect(rowCount).toBe(1);
    const row = rows[0]!;
    expect(row).toStrictEqual(EXPECTED_PROBE);
    // Values and rows belong to this realm (PGlite runs in a worker; under jest that matters).
    expect(row.timestamptz).toBeInstanceOf(Date);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(row.jsonb)).toBe(Object.prototype);
    probeResults.set(name, row);
  });

  it('counts rows the same way for every kind of statement', async () => {
    expect((await db.query('CREATE TEMP TABLE IF NOT EXISTS scratch (n int)')).rowCount).toBe(0);
    expect((await db.query("INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')")).rowCount).toBe(3);
    expect((await db.query("UPDATE items SET label = label || '!' WHERE id <= 2")).rowCount).toBe(2);
    expect((await db.query('DELETE FROM items WHERE id = 3 RETURNING id')).rows).toEqual([{ id: 3 }]);
    expect((await db.query('SELECT * FROM items ORDER BY id')).rowCount).toBe(2);
    expect((await db.query('DELETE FROM items WHERE id = 99')).rowCount).toBe(0);
  });

  it('runs one statement per query() and scripts through exec()', async () => {
    await expect(db.query("INSERT INTO items VALUES (1, 'a'); INSERT INTO items VALUES (2, 'b')")).rejects.toThrow(
      /multiple commands/,
    );
    expect((await db.query('SELECT count(*) AS n FROM items')).rows).toEqual([{ n: 0 }]);
    await db.exec("INSERT INTO items VALUES (1, 'a'); INSERT INTO items VALUES (2, 'b')");
    expect((await db.query('SELECT count(*) AS n FROM items')).rows).toEqual([{ n: 2 }]);
  });

  it('refuses objects as parameters, before they reach the database', async () => {
    await expect(db.query('SELECT $1::jsonb AS j', [{ a: 1 }])).rejects.toThrow(/pass JSON as text/);
    await expect(db.query('SELECT $1::jsonb AS j', [[{ a: 1 }]])).rejects.toThrow(/nested arrays and objects/);
  });

  it('reports database errors as Errors with the SQLSTATE code and constraint', async () => {
    await db.query("INSERT INTO items VALUES (1, 'a')");
    const error = await db.query("INSERT INTO items VALUES (2, 'a')").catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '23505', constraint: 'items_label_key' });
  });

  describe('transactions', () => {
    const count = async () => (await db.query<{ n: number }>('SELECT count(*) AS n FROM items')).rows[0]?.n;

    it('commits when fn resolves and returns its value', async () => {
      const value = await db.transaction(async (tx) => {
        await tx.query("INSERT INTO items VALUES (1, 'a')");
        return 'ok';
      });
      expect(value).toBe('ok');
      expect(await count()).toBe(1);
    });

    it('rolls back when fn throws', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO items VALUES (1, 'a')");
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await count()).toBe(0);
    });

    it('nests with savepoints: an inner failure undoes only the inner work', async () => {
      await db.transaction(async (tx) => {
        await tx.query("INSERT INTO items VALUES (1, 'outer')");
        await expect(
          tx.transaction(async (inner) => {
            await inner.query("INSERT INTO items VALUES (2, 'inner')");
            await inner.query("INSERT INTO items VALUES (3, 'outer')"); // unique violation
          }),
        ).rejects.toMatchObject({ code: '23505' });
        await tx.transaction(async (inner) => {
          await inner.query("INSERT INTO items VALUES (4, 'second inner')");
        });
      });
      expect((await db.query('SELECT id FROM items ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 4 }]);
    });

    it('throws when COMMIT finds the transaction aborted by a swallowed error', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO items VALUES (1, 'a')");
          await tx.query("INSERT INTO items VALUES (2, 'a')").catch(() => undefined);
        }),
      ).rejects.toThrow(/aborted/);
      expect(await count()).toBe(0);
    });

    it('refuses the outer Db inside the callback, and close() on the handle', async () => {
      await expect(db.transaction(() => db.query('SELECT 1'))).rejects.toThrow(/use the `tx` handle/);
      await expect(db.transaction((tx) => tx.close())).rejects.toThrow(/transaction handle/);
      // The Db is usable again afterwards, also from work the callback left running.
      let background: Promise<unknown> = Promise.resolve();
      await db.transaction(async () => {
        background = new Promise((resolve) => setImmediate(resolve)).then(() => db.query('SELECT 1 AS x'));
      });
      await expect(background).resolves.toMatchObject({ rows: [{ x: 1 }] });
    });
  });
});

it('every engine returned identical values for the type probe', () => {
  const [first, ...others] = [...probeResults.values()];
  expect(probeResults.size).toBe(engines.length);
  for (const other of others) expect(other).toStrictEqual(first);
});

describe('openStore', () => {
  it('needs a database', async () => {
    await expect(openStore({})).rejects.toThrow(/databaseUrl, pgliteDir or inMemory/);
  });

  it('ping rejects when Postgres is unreachable', async () => {
    const store = await openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/postgres' });
    try {
      await expect(store.ping()).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await store.close();
    }
  });

  it('keeps PGlite data across a reopen of the same directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cks-pglite-reopen-'));
    try {
      const first = await openStore({ pgliteDir: path.join(dir, 'db') });
      await first.migrate();
      await first.links.upsertContact('c', 1, { personId: 10, leadId: 20 });
      await first.syncState.markSynced('c', 1, 'h', new Date('2025-02-03T04:05:06.789Z'));
      // PGlite allows one process per directory; a second open fails loudly instead of corrupting it.
      await expect(openStore({ pgliteDir: path.join(dir, 'db') })).rejects.toThrow(/already open/);
      await first.close();
      await expect(first.ping()).rejects.toThrow();

      const second = await openStore({ pgliteDir: path.join(dir, 'db') });
      try {
        expect(await second.links.getContact('c', 1)).toMatchObject({ personId: 10, leadId: 20 });
        expect(await second.syncState.get('c', 1)).toMatchObject({
          lastHash: 'h',
          lastSyncedAt: new Date('2025-02-03T04:05:06.789Z'),
        });
        await second.migrate();
        const audit = await second.audit.list('c', 1);
        expect(audit).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

it('takes over a PGlite data dir lock left by a dead process, and releases it on close', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'cks-pglite-stale-'));
  const lockFile = path.join(dir, 'cks-store.lock');
  try {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lockFile, JSON.stringify({ pid: deadPid, hostname: hostname() }));
    const db = await openPgliteDb({ dataDir: dir, seedFile: await pgliteSeedFile() });
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toEqual({ pid: process.pid, hostname: hostname() });
    expect((await db.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
    await db.close();
    await expect(readFile(lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

describe('PGlite, one connection', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await engines[0]!.open();
    await t.db.exec('CREATE TABLE items (id int PRIMARY KEY)');
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('queues other callers while a transaction runs, then lets them see its commit', async () => {
    expect(t.engine).toBe('pglite-memory');
    let letTransactionFinish!: () => void;
    const gate = new Promise<void>((resolve) => (letTransactionFinish = resolve));
    let inserted!: () => void;
    const insertDone = new Promise<void>((resolve) => (inserted = resolve));

    const transaction = t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO items VALUES (1)');
      inserted();
      await gate;
    });
    await insertDone;
    const outside = t.db.query<{ n: number }>('SELECT count(*) AS n FROM items');
    letTransactionFinish();
    await transaction;
    expect((await outside).rows).toEqual([{ n: 1 }]);
  });
});
