/** The store of this process: DATABASE_URL's Postgres, else PGlite under the data dir; migrated at open. */
import path from 'node:path';
import type { AppConfig } from '../config/schema';
import { openStore } from '../store';
import type { Store } from '../store/types';
import type { ShutdownSteps } from './shutdown';

/** `given`: tests pass an open, migrated store, which the service then neither opens nor closes. */
export async function openServiceStore(
  config: AppConfig,
  given: Store | undefined,
  shutdown: ShutdownSteps,
): Promise<Store> {
  if (given) return given;
  const store = await openStore(
    config.database.url
      ? { databaseUrl: config.database.url }
      : { pgliteDir: path.join(path.resolve(config.dataDir), 'pglite') },
  );
  shutdown.add(() => store.close());
  await store.migrate();
  return store;
}
