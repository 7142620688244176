/**
 * Source of the worker thread that owns the PGlite instance (plain CommonJS, run with `eval: true`).
 *
 * Why a worker: PGlite executes queries synchronously in WASM, so on the main thread every query would
 * stall the ingest server's event loop; and PGlite loads Node built-ins with `import()`, which jest's
 * VM sandbox refuses, so it cannot even start inside a test file. A worker is plain Node in both cases.
 *
 * Why a string: the worker must not depend on a TypeScript loader (tsx in production, swc under jest).
 * Keep it small; everything that can live on the parent side does (db-pglite.ts).
 *
 * Protocol: parent -> { id, op: 'query', sql, params } | { id, op: 'exec', sql } | { id, op: 'dump', file }
 * | { id, op: 'close' };
 * worker -> { id, ok: true, fields, rows, rowCount, command } | { id, ok: false, error }. Values come
 * back as the text Postgres produced; the parent parses them with the same table as the pg adapter.
 */
export const PGLITE_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs/promises');
const { PGlite } = require(workerData.pgliteModule);

const ERROR_FIELDS = ['code', 'severity', 'detail', 'hint', 'position', 'where', 'schema', 'table', 'column',
  'dataType', 'constraint'];
const rawText = (text) => text;
let db;

const ready = (async () => {
  const options = {};
  if (workerData.dataDir) options.dataDir = workerData.dataDir;
  // A tarball of an initialised cluster: skips initdb, which takes seconds (tests start many databases).
  if (workerData.seedFile) options.loadDataDir = new Blob([await fs.readFile(workerData.seedFile)]);
  db = await PGlite.create(options);
  // PGlite parses with db.parsers[oid], falling back to its defaults; a proxy answering for every oid
  // makes it hand back the text exactly as Postgres sent it.
  db.parsers = new Proxy({}, { get: () => rawText });
  const probe = await db.query('SELECT 1::int4 AS n, true AS b', [], { rowMode: 'array' });
  if (probe.rows[0][0] !== '1' || probe.rows[0][1] !== 't') {
    throw new Error('PGlite did not return raw text values; src/store/pglite-worker-source.ts needs updating');
  }
})();

function errorPayload(err) {
  const payload = { message: String((err && err.message) || err) };
  for (const field of ERROR_FIELDS) if (err && err[field] !== undefined) payload[field] = err[field];
  return payload;
}

async function handle(message) {
  if (message.op === 'close') {
    await ready.catch(() => undefined);
    if (db && !db.closed) await db.close();
    return {};
  }
  await ready;
  if (message.op === 'query') {
    const result = await db.query(message.sql, message.params, { rowMode: 'array' });
    return {
      fields: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
      rows: result.rows,
      rowCount: result.rowCount ?? result.affectedRows ?? 0,
      command: result.command ?? null,
    };
  }
  if (message.op === 'exec') {
    await db.exec(message.sql);
    return {};
  }
  if (message.op === 'dump') {
    const tarball = await db.dumpDataDir('none');
    // Write then rename: a reader never sees half a file, even when several processes race.
    const partial = message.file + '.' + process.pid + '.' + Date.now() + '.partial';
    await fs.writeFile(partial, Buffer.from(await tarball.arrayBuffer()));
    await fs.rename(partial, message.file);
    return {};
  }
  throw new Error('unknown operation ' + message.op);
}

parentPort.on('message', (message) => {
  handle(message).then(
    (result) => {
      parentPort.postMessage({ id: message.id, ok: true, ...result });
      if (message.op === 'close') parentPort.close();
    },
    (err) => parentPort.postMessage({ id: message.id, ok: false, error: errorPayload(err) }),
  );
});
`;
