/**
 * A fake Krayin CRM 2.1.2 + krayin/rest-api 2.1.1 over real HTTP, as strict as the real one
 * (see README.md next to this file and ../../../../shared/krayin-contract/). Start it with
 * `startFakeKrayin()`, point the client at `apiBase`, assert on `snapshot()` / `requests()`.
 */
import { addAttributeChecked, type NewAttributeInput } from './control';
import type { FaultSpec } from './faults';
import { randomSecret } from './resources/auth';
import { FakeServer, type FakeRequestLogEntry } from './server';
import type { PersonRow, WebhookCall } from './state';
import { snapshotOf, type FakeKrayinSnapshot } from './snapshot';

export type { FaultSpec, FaultKind } from './faults';
export type { FakeRequestLogEntry } from './server';
export type { WebhookCall } from './state';
export type {
  FakeActivityView,
  FakeKrayinSnapshot,
  FakeLeadView,
  FakeOrganizationView,
  FakePersonView,
} from './snapshot';

export interface FakeKrayinOptions {
  /** 0 = random (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** APP_DEBUG (default true, Krayin's shipped default); false = the 2.1.2 production handler. */
  appDebug?: boolean;
  /** The only accepted Sanctum-style token "<id>|<secret>"; default '1|' + 40 alphanumerics. */
  token?: string;
  /** Requests per minute per user, default 60; 0 = no throttle. */
  rateLimit?: number;
  /** APP_TIMEZONE, default 'UTC'. */
  timezone?: string;
}

export interface FakeKrayin {
  /** Origin, e.g. http://127.0.0.1:43123 */
  url: string;
  /** url + '/api/v1' */
  apiBase: string;
  token: string;
  /** Fresh seeded state, id counters, throttle bucket, faults and request log; modes as started. */
  reset(): void;
  setAppDebug(on: boolean): void;
  /** Changes the per-user limit (0 = no throttle) without resetting anything. */
  setRateLimit(perMinute: number): void;
  addFaults(...f: FaultSpec[]): void;
  clearFaults(): void;
  /** API requests only (not /__fake), oldest first. */
  requests(): FakeRequestLogEntry[];
  clearRequests(): void;
  /** Adds a user-defined attribute; write bodies may then carry its code. Returns the attribute id. */
  addAttribute(a: NewAttributeInput): number;
  /** What Krayin holds, including what its API never returns (custom attribute values, links). */
  snapshot(): FakeKrayinSnapshot;
  /**
   * A person's columns changed in Krayin's database outside its models (an SQL fix, a bulk tool): no
   * Eloquent save, so `updated_at` stays (Laravel's timestamp columns have no ON UPDATE), no system
   * activity, no webhook. Throws for an unknown person.
   */
  updatePersonInDatabase(id: number, columns: Partial<Pick<PersonRow, 'name' | 'job_title'>>): void;
  /** Calls Krayin's workflows made to webhooks (automation.ts), oldest first, with the receiver's status. */
  webhookCalls(): WebhookCall[];
  close(): Promise<void>;
}

export async function startFakeKrayin(opts: FakeKrayinOptions = {}): Promise<FakeKrayin> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? `1|${randomSecret(40)}`;
  const timezone = opts.timezone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new Error(`fake Krayin: unknown timezone ${timezone}`);
  }
  const server = new FakeServer({
    port: opts.port ?? 0,
    host,
    appDebug: opts.appDebug ?? true,
    token,
    rateLimit: opts.rateLimit ?? 60,
    timezone,
  });
  const port = await server.listen();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    apiBase: `${url}/api/v1`,
    token,
    reset: () => server.reset(),
    setAppDebug: (on) => {
      server.appDebug = on;
    },
    setRateLimit: (n) => {
      server.rateLimit = n;
    },
    addFaults: (...f) => server.addFaults(f),
    clearFaults: () => server.faults.clear(),
    requests: () => server.requests(),
    clearRequests: () => server.clearRequests(),
    addAttribute: (a) => {
      const id = addAttributeChecked(server, a);
      if (typeof id !== 'number') throw new Error(`fake Krayin addAttribute: ${id}`);
      return id;
    },
    snapshot: () => snapshotOf(server.state),
    updatePersonInDatabase: (id, columns) => {
      const row = server.state.person(id);
      if (!row) throw new Error(`fake Krayin: no person ${id}`);
      Object.assign(row, columns);
    },
    webhookCalls: () => server.state.webhookCalls.map((c) => ({ ...c, headers: { ...c.headers }, form: [...c.form] })),
    close: () => server.close(),
  };
}
