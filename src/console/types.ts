/**
 * What every console page gets. Pages are Express routers mounted under /console/<page> behind the
 * session check and the CSRF check (src/console/auth.ts), so a page handler can assume a signed-in
 * user and a verified state change. `res.locals.session` is the ConsoleSession.
 */
import type { Client } from '@temporalio/client';
import type { AppConfig, ConnectionConfig } from '../config/schema';
import type { ContactEvent } from '../ingest/types';
import type { ConnectionSwitches } from '../ops/connection-switches';
import type { ConnectionProbes } from '../ops/reachability';
import type { ConnectionServices } from '../runtime/connection-services';
import type { Store } from '../store/types';
import type { ConnectionSettings } from '../settings/types';

export interface ConsoleSession {
  /** sha256 of the cookie value (the store never holds the cookie itself). */
  idHash: string;
  /** Synchronizer token: forms post it as `_csrf`, htmx sends it as the X-CSRF-Token header. */
  csrfToken: string;
  expiresAt: Date;
}

export type NavKey = 'overview' | 'connections' | 'mapping' | 'operations' | 'runs' | 'analytics';

export interface ConsoleDeps {
  config: AppConfig;
  store: Store;
  /** The connections as they are now (env/config file layered with console settings). */
  connections(): ConnectionConfig[];
  /** Console-edited settings (src/settings). */
  settings: ConnectionSettings;
  switches: ConnectionSwitches;
  /** Krayin and Chatwoot clients per connection (services.connections.get(id).krayin / .chatwoot). */
  services: ConnectionServices;
  probes: Pick<ConnectionProbes, 'reachability' | 'contactExists'>;
  /** Temporal client of the HTTP role (start/cancel/list runs, query a contact's workflow). */
  temporal: Client;
  taskQueue: string;
  /** Re-runs a contact's sync now, ignoring the stored hash (TemporalDispatcher.retry). */
  retry(connectionId: string, contactId: number, requestedBy: string): Promise<void>;
  /** Makes an event durable in Temporal, as ingest does (TemporalDispatcher.dispatch). */
  dispatch(event: ContactEvent, connection: ConnectionConfig): Promise<void>;
  /** The Temporal Web UI's base URL when known (embedded dev server or TEMPORAL_UI_URL), for deep links. */
  temporalUiUrl: string | null;
  /** The admin token: signing in exchanges it for a session. */
  adminToken: string;
  now(): Date;
}
