/**
 * The operator commands of the CLI. They talk to a running service's admin API, so they work the same
 * for an embedded laptop install (whose PGlite belongs to the running process) and for production.
 *
 *   status                                           counts by SyncStatus per connection, oldest parked and
 *                                                    pending, Krayin and Chatwoot reachable now
 *   replay --contact <id> [--connection <id>]        re-run a contact's sync from current data
 *   retry-parked [--connection <id>] [--reason <kind>]  resume parked syncs (e.g. --reason auth)
 *   disable [--connection <id>] / enable [--connection <id>]
 *   catch-up [--connection <id>] [--discard]         deliver (or drop) the webhooks held while disabled
 *   conflicts [--connection <id>] [--contact <id>]   two-way sync: conflicts the field owners decided
 *
 * ADMIN_URL (default http://127.0.0.1:<PORT or 3000>) and ADMIN_TOKEN (default: the token `start`
 * generated in <DATA_DIR>/admin-token).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';

export const ADMIN_COMMANDS = [
  'status',
  'replay',
  'retry-parked',
  'disable',
  'enable',
  'catch-up',
  'conflicts',
] as const;
export type AdminCommand = (typeof ADMIN_COMMANDS)[number];

export function isAdminCommand(command: string): command is AdminCommand {
  return (ADMIN_COMMANDS as readonly string[]).includes(command);
}

interface Out {
  log(line: string): void;
  error(line: string): void;
}

export async function runAdminCommand(
  command: AdminCommand,
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: Out = { log: console.log, error: console.error },
): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        connection: { type: 'string', default: 'default' },
        contact: { type: 'string' },
        reason: { type: 'string' },
        discard: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    out.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
  const base = (env.ADMIN_URL?.trim() || `http://127.0.0.1:${env.PORT?.trim() || '3000'}`).replace(/\/+$/, '');
  const token = adminToken(env);
  if (!token) {
    out.error('No admin token: set ADMIN_TOKEN (or run from the directory whose DATA_DIR holds admin-token).');
    return 78;
  }
  const connection = encodeURIComponent(args.connection ?? 'default');
  const call = (method: 'GET' | 'POST', urlPath: string, body?: unknown) =>
    adminCall(base, token, method, urlPath, body);

  try {
    switch (command) {
      case 'status': {
        const res = await call('GET', '/admin/status');
        if (res.status !== 200) return fail(out, res);
        for (const c of res.body.connections as StatusRow[]) out.log(formatStatus(c));
        return 0;
      }
      case 'replay': {
        const contact = Number(args.contact);
        if (!Number.isInteger(contact) || contact < 1) {
          out.error('replay needs --contact <Chatwoot contact id>');
          return 2;
        }
        const res = await call('POST', `/admin/connections/${connection}/contacts/${contact}/replay`);
        if (res.status === 404 && res.body?.reason === 'no_such_contact') {
          out.error(`No such contact: Chatwoot has no contact ${contact} in connection ${args.connection}'s account.`);
          return 1;
        }
        if (res.status !== 202) return fail(out, res);
        out.log(
          `Replaying contact ${contact} of connection ${args.connection}: its sync runs again from current data.`,
        );
        return 0;
      }
      case 'retry-parked': {
        const res = await call(
          'POST',
          `/admin/connections/${connection}/retry-parked`,
          args.reason ? { reason: args.reason } : {},
        );
        if (res.status !== 202) return fail(out, res);
        out.log(
          `Resumed ${res.body.resumed} parked sync(s) of connection ${args.connection}${args.reason ? ` (reason ${args.reason})` : ''}.` +
            (res.body.more ? ' More remain: run it again.' : ''),
        );
        return 0;
      }
      case 'disable': {
        const res = await call('POST', `/admin/connections/${connection}/disable`);
        if (res.status !== 200) return fail(out, res);
        out.log(
          `Connection ${args.connection} is disabled since ${res.body.since}: webhooks are answered, counted and held (see catch-up), no sync starts.`,
        );
        return 0;
      }
      case 'enable': {
        const res = await call('POST', `/admin/connections/${connection}/enable`);
        if (res.status !== 200) return fail(out, res);
        out.log(`Connection ${args.connection} is enabled. ${res.body.notice}`);
        return 0;
      }
      case 'catch-up':
        return await catchUp(call, connection, args.connection ?? 'default', args.discard === true, out);
      case 'conflicts': {
        const query = args.contact === undefined ? '' : `?contact=${encodeURIComponent(args.contact)}`;
        const res = await call('GET', `/admin/connections/${connection}/conflicts${query}`);
        if (res.status !== 200) return fail(out, res);
        const rows = res.body.conflicts as ConflictRow[];
        if (rows.length === 0) out.log(`No two-way sync conflicts recorded for connection ${args.connection}.`);
        for (const c of rows) out.log(formatConflict(c));
        return 0;
      }
    }
  } catch (err) {
    out.error(`Cannot reach the admin API at ${base}: ${err instanceof Error ? err.message : String(err)}`);
    return 69; // EX_UNAVAILABLE
  }
}

interface ConflictRow {
  contactId: number;
  field: string;
  owner: string;
  winner: string;
  chatwootChangedAt: string | null;
  krayinChangedAt: string | null;
  decidedAt: string;
}

/** One line per conflict; the values themselves are in the contact workflow's status query. */
export function formatConflict(c: ConflictRow): string {
  return (
    `${c.decidedAt}  contact ${c.contactId}  ${c.field}: ${c.winner} won (owner ${c.owner}; ` +
    `changed in Chatwoot ${c.chatwootChangedAt ?? 'at an unknown time'}, in Krayin ${c.krayinChangedAt ?? 'at an unknown time'})`
  );
}

type AdminCall = (method: 'GET' | 'POST', urlPath: string, body?: unknown) => ReturnType<typeof adminCall>;

/** Delivers the held events batch by batch (the API hands out 1,000 per call) until none is left. */
async function catchUp(call: AdminCall, connection: string, name: string, discard: boolean, out: Out): Promise<number> {
  const path = `/admin/connections/${connection}/catch-up`;
  if (discard) {
    const res = await call('POST', path, { discard: true });
    if (res.status !== 200) return fail(out, res);
    out.log(`Discarded ${res.body.discarded} held event(s) of connection ${name}.`);
    return 0;
  }
  let delivered = 0;
  for (;;) {
    const res = await call('POST', path, {});
    if (res.status !== 202) {
      if (delivered > 0) out.error(`Delivered ${delivered} held event(s) before this failure.`);
      return fail(out, res);
    }
    delivered += res.body.delivered as number;
    if (!res.body.more) break;
  }
  out.log(`Delivered ${delivered} held event(s) of connection ${name}: their contacts sync now.`);
  return 0;
}

interface Reachability {
  ok: boolean;
  error?: string;
}

interface StatusRow {
  id: string;
  enabled: boolean;
  disabledSince: string | null;
  held?: { events: number; contacts: number };
  counts: Record<string, number>;
  oldestParkedAt: string | null;
  oldestPendingSince?: string | null;
  oldestPendingAgeSeconds?: number | null;
  reachability?: { krayin: Reachability; chatwoot: Reachability };
}

export function formatStatus(c: StatusRow): string {
  const counts = ['synced', 'pending', 'skipped', 'parked', 'failed'].map((s) => `${s} ${c.counts[s] ?? 0}`).join('  ');
  const state = c.enabled ? 'enabled' : `DISABLED since ${c.disabledSince ?? '?'}`;
  const pending =
    c.oldestPendingSince && c.oldestPendingAgeSeconds != null
      ? `\n  oldest pending for ${formatAge(c.oldestPendingAgeSeconds)} (since ${c.oldestPendingSince})`
      : '';
  const oldest = c.oldestParkedAt ? `\n  oldest parked since ${c.oldestParkedAt}` : '';
  const held = c.held?.events
    ? `\n  held while disabled: ${c.held.events} event(s) of ${c.held.contacts} contact(s) (run catch-up)`
    : '';
  const reach = c.reachability
    ? `\n  Krayin: ${describeReach(c.reachability.krayin)}\n  Chatwoot: ${describeReach(c.reachability.chatwoot)}`
    : '';
  return `Connection ${c.id} (${state})\n  ${counts}${pending}${oldest}${held}${reach}`;
}

function describeReach(r: Reachability): string {
  return r.ok ? 'reachable' : `UNREACHABLE (${r.error ?? 'no answer'})`;
}

/** "45 s", "12 min 5 s", "3 h 4 min": how long an operator has been waiting, at a glance. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function adminToken(env: NodeJS.ProcessEnv): string | null {
  const fromEnv = env.ADMIN_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const file = path.join(env.DATA_DIR?.trim() || '.data', 'admin-token');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
}

function fail(out: Out, res: { status: number; body: { error?: string; reason?: string } | null }): number {
  out.error(`The admin API answered ${res.status}: ${res.body?.reason ?? res.body?.error ?? 'no details'}`);
  return 1;
}

async function adminCall(base: string, token: string, method: 'GET' | 'POST', urlPath: string, body?: unknown) {
  const res = await request(`${base}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const text = await res.body.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { error: text.slice(0, 200) };
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.statusCode, body: parsed as any };
}
