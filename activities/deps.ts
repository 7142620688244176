import type { Store } from '../src/store/types';
import type { ConnectionRegistry } from '../src/sync/connections';

/** What activities need from the process: the store and each connection's clients. */
export interface ActivityDeps {
  store: Store;
  connections: ConnectionRegistry;
  now?: () => Date;
}
