/**
 * One process per PGlite data directory. PGlite is an embedded single-user Postgres: two processes
 * (say `npm run worker` and `npm run ingest` without a DATABASE_URL) opening the same directory would
 * corrupt it silently. A lock file turns that into a clear error; a lock left by a dead process is
 * taken over.
 */
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

const LOCK_FILE = 'cks-store.lock';

interface LockContent {
  pid: number;
  hostname: string;
}

/** Directories this process holds: a lock with our own pid is stale unless listed here (pid reuse in containers). */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(file: string): Promise<LockContent | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockContent;
  } catch {
    return null;
  }
}

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, LOCK_FILE);
  const mine: LockContent = { pid: process.pid, hostname: hostname() };
  const existing = await readLock(file);
  if (existing) {
    if (existing.hostname !== mine.hostname) {
      throw new Error(
        `PGlite data dir ${dataDir} is locked by a process on host ${existing.hostname}; ` +
          `remove ${file} only if no process uses the directory`,
      );
    }
    const ours = existing.pid === process.pid;
    if (ours ? heldHere.has(dataDir) : isAlive(existing.pid)) {
      throw new Error(
        `PGlite data dir ${dataDir} is already open (process ${existing.pid}); PGlite allows one process ` +
          'per directory: share one store, or use Postgres (DATABASE_URL) for several processes',
      );
    }
  }
  await writeFile(file, JSON.stringify(mine));
  heldHere.add(dataDir);
  return async () => {
    heldHere.delete(dataDir);
    const current = await readLock(file);
    if (current?.pid === mine.pid && current.hostname === mine.hostname) await unlink(file).catch(() => undefined);
  };
}
