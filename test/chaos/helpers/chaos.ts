/**
 * Shared pieces of the chaos suite (test/chaos/*.test.ts): contacts, the Krayin end-state audit
 * (duplicates and losses from the fake Krayin's snapshot), waiting for many contacts at once,
 * conversation webhooks for arbitrary contacts, and the figures line each scenario prints.
 *
 * Figures are printed as one line `CHAOS-FIGURES {"scenario":...}` (keys in insertion order, so the
 * format is stable) and, when CHAOS_FIGURES_FILE is set, appended to that file as JSON lines.
 */
import { appendFileSync } from 'node:fs';
import type { FakeActivityView, FakeKrayinSnapshot, FakeRequestLogEntry } from '../../fakes/krayin';
import type { ContactSyncStatus } from '../../../workflows/api';
import { LastSyncedAtKey } from '../../../workflows/search-attributes';
import { isPostgresReachable, type StoreEngineName } from '../../helpers/databases';
import type { Harness } from '../../helpers/harness';
import { fixtureJson, railsJson, type ContactInput } from '../../helpers/webhooks';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let postgresReachable: boolean | undefined;
/**
 * The store engine for chaos harnesses: Postgres (the production engine, and a harness starts in ~2 s
 * instead of ~5 s for a fresh PGlite) when reachable, else the harness default.
 */
export function chaosStoreEngine(): StoreEngineName | undefined {
  postgresReachable ??= isPostgresReachable().reachable;
  return postgresReachable ? 'postgres' : undefined;
}

/** Prints the scenario's figures as one stable JSON line (and appends it to CHAOS_FIGURES_FILE). */
export function reportFigures(scenario: string, figures: Record<string, unknown>): void {
  const line = `CHAOS-FIGURES ${JSON.stringify({ scenario, ...figures })}`;
  console.log(line);
  const file = process.env.CHAOS_FIGURES_FILE;
  if (file) appendFileSync(file, `${line}\n`);
}

export interface ChaosContact extends ContactInput {
  id: number;
  name: string;
  email: string;
}

/** A contact with a unique email and name; `company` null = no company. */
export function chaosContact(id: number, company: string | null, extra: Partial<ContactInput> = {}): ChaosContact {
  return {
    id,
    name: `Chaos Contact ${id}`,
    email: `chaos.${id}@example.com`,
    phone_number: '',
    additional_attributes: company ? { company_name: company } : {},
    custom_attributes: {},
    ...extra,
  } as ChaosContact;
}

export function companyOf(c: ContactInput): string | null {
  const name = (c.additional_attributes as { company_name?: string } | undefined)?.company_name;
  return name ?? null;
}

function emailsOf(p: { emails: unknown }): string[] {
  return Array.isArray(p.emails)
    ? (p.emails as { value?: unknown }[]).map((e) => String(e.value ?? '').toLowerCase())
    : [];
}

export interface KrayinAudit {
  persons: number;
  organizations: number;
  leads: number;
  /** Persons beyond the first per email + organizations beyond the first per name + extra leads per person. */
  duplicates: number;
  duplicatePersons: number;
  duplicateOrganizations: number;
  duplicateLeads: number;
  /** Contacts whose Krayin state is missing or wrong (no person, stale name, wrong organization, no lead). */
  losses: number;
  lossDetails: string[];
}

/**
 * Compares what Krayin holds with what the contacts' final Chatwoot state asks for.
 * `expectLead`: whether each contact must have exactly one lead of its person.
 */
export function auditKrayin(
  snap: FakeKrayinSnapshot,
  contacts: ChaosContact[],
  expectLead: (c: ChaosContact) => boolean,
): KrayinAudit {
  const byEmail = new Map<string, number>();
  for (const p of snap.persons) for (const e of emailsOf(p)) byEmail.set(e, (byEmail.get(e) ?? 0) + 1);
  const byOrgName = new Map<string, number>();
  for (const o of snap.organizations) {
    const k = o.name.trim().toLowerCase();
    byOrgName.set(k, (byOrgName.get(k) ?? 0) + 1);
  }
  const leadsByPerson = new Map<number, number>();
  for (const l of snap.leads) {
    if (l.person_id !== null) leadsByPerson.set(l.person_id, (leadsByPerson.get(l.person_id) ?? 0) + 1);
  }
  const extra = (m: Map<unknown, number>) => [...m.values()].reduce((n, v) => n + Math.max(0, v - 1), 0);
  const duplicatePersons = extra(byEmail);
  const duplicateOrganizations = extra(byOrgName);
  const duplicateLeads = extra(leadsByPerson);

  const lossDetails: string[] = [];
  for (const c of contacts) {
    const persons = snap.persons.filter((p) => emailsOf(p).includes(c.email.toLowerCase()));
    const person = persons[0];
    if (!person) {
      lossDetails.push(`${c.id}: no person`);
      continue;
    }
    if (person.name !== c.name) lossDetails.push(`${c.id}: name ${JSON.stringify(person.name)} != ${c.name}`);
    const company = companyOf(c);
    const org = snap.organizations.find((o) => o.id === person.organization_id) ?? null;
    if ((company?.toLowerCase() ?? null) !== (org?.name.toLowerCase() ?? null)) {
      lossDetails.push(`${c.id}: organization ${org?.name ?? 'none'} != ${company ?? 'none'}`);
    }
    const leads = snap.leads.filter((l) => l.person_id === person.id).length;
    if (expectLead(c) && leads === 0) lossDetails.push(`${c.id}: no lead`);
    if (!expectLead(c) && leads > 0) lossDetails.push(`${c.id}: unexpected lead`);
  }
  const losses = new Set(lossDetails.map((d) => d.split(':')[0])).size;
  return {
    persons: snap.persons.length,
    organizations: snap.organizations.length,
    leads: snap.leads.length,
    duplicates: duplicatePersons + duplicateOrganizations + duplicateLeads,
    duplicatePersons,
    duplicateOrganizations,
    duplicateLeads,
    losses,
    lossDetails,
  };
}

/** Distinct company names (case-insensitive), i.e. the organizations Krayin must end up with. */
export function distinctCompanies(contacts: ContactInput[]): number {
  return new Set(
    contacts
      .map(companyOf)
      .filter((n): n is string => n !== null)
      .map((n) => n.toLowerCase()),
  ).size;
}

/** Waits for every contact's workflow to satisfy `pred` (polled concurrently). */
export async function waitForAll(
  h: Harness,
  ids: number[],
  pred: (s: ContactSyncStatus, id: number) => boolean,
  timeoutMs = 120_000,
): Promise<Map<number, ContactSyncStatus>> {
  const out = new Map<number, ContactSyncStatus>();
  await Promise.all(
    ids.map(async (id) => {
      try {
        out.set(id, await h.waitFor(id, (s) => pred(s, id), timeoutMs));
      } catch (err) {
        // A stuck contact fails with what its workflow is waiting for (this once passed every local run
        // and failed only on a loaded CI machine, so the next failure must explain itself).
        throw new Error(`${(err as Error).message}\n${await pendingWork(h, id)}`);
      }
    }),
  );
  return out;
}

/** The workflow's pending activities (type, attempts, state, last failure): ids and messages only. */
async function pendingWork(h: Harness, id: number): Promise<string> {
  try {
    const d = await h.handle(id).describe();
    const pending = d.raw.pendingActivities ?? [];
    const lines = pending.map((a) =>
      JSON.stringify({
        activity: a.activityType?.name,
        state: a.state,
        attempt: a.attempt,
        scheduled: a.scheduledTime?.seconds?.toString(),
        lastStarted: a.lastStartedTime?.seconds?.toString(),
        nextAttempt: a.nextAttemptScheduleTime?.seconds?.toString(),
        lastFailure: a.lastFailure?.message,
        lastWorker: a.lastWorkerIdentity,
      }),
    );
    return `contact ${id}: workflow ${d.status.name}, history ${d.historyLength} events, ${pending.length} pending activities${lines.length ? `:\n  ${lines.join('\n  ')}` : ''}`;
  } catch (err) {
    return `contact ${id}: describe failed: ${(err as Error).message}`;
  }
}

/** A contact is done when its last sync wrote (or confirmed) everything and nothing is pending. */
export const settled = (events: number) => (s: ContactSyncStatus) =>
  s.syncStatus === 'synced' && s.status === 'idle' && s.eventsReceived >= events;

/** The workflow's LastSyncedAt search attribute (set in workflow time when a sync wrote), epoch ms. */
export async function lastSyncedAt(h: Harness, id: number): Promise<number | null> {
  const d = await h.handle(id).describe();
  const v = d.typedSearchAttributes.get(LastSyncedAtKey);
  return v instanceof Date ? v.getTime() : null;
}

/** Latest LastSyncedAt over the given contacts, epoch ms. */
export async function latestSync(h: Harness, ids: number[]): Promise<number> {
  const times = await Promise.all(ids.map((id) => lastSyncedAt(h, id)));
  return Math.max(...times.map((t) => t ?? 0));
}

/**
 * A conversation_* / message_* fixture re-targeted at another contact, conversation and message
 * (Chatwoot's own bytes otherwise). The workflow re-reads everything from the fake Chatwoot, so only
 * the ids matter for routing.
 */
export function conversationWebhook(
  fixture: string,
  ids: { contactId: number; conversationId: number; messageId?: number },
): Buffer {
  const FIXTURE_CONTACT = 1042;
  const FIXTURE_CONVERSATION = 87;
  const FIXTURE_MESSAGE = 58210;
  const walk = (v: unknown, key: string | null): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, null));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x, k)]));
    }
    if (v === FIXTURE_CONTACT && key !== null && /^(id|contact_id|sender_id)$/.test(key)) return ids.contactId;
    if (v === FIXTURE_CONVERSATION && (key === 'id' || key === 'conversation_id')) return ids.conversationId;
    if (ids.messageId !== undefined && v === FIXTURE_MESSAGE && key === 'id') return ids.messageId;
    return v;
  };
  return railsJson(walk(fixtureJson(fixture), null));
}

/** The conversation's Krayin activities: the ones carrying our marker. */
export function conversationActivities(snap: FakeKrayinSnapshot, conversationId: number): FakeActivityView[] {
  return snap.activities.filter((a) => {
    const m = (a.additional as { chatwoot?: { conversation?: number; message?: number } } | null)?.chatwoot;
    return m?.conversation === conversationId && m.message === undefined;
  });
}

/** Write requests ("METHOD /path" with numeric ids as {id}), for comparing call patterns. */
export function writeCalls(calls: FakeRequestLogEntry[]): string[] {
  return calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`);
}

/** Counts of `key(x)` over xs, sorted by key, as a plain object (stable JSON). */
export function countBy<T>(xs: T[], key: (x: T) => string | number): Record<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(String(key(x)), (m.get(String(key(x))) ?? 0) + 1);
  return Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

/** Polls a synchronous condition (e.g. over the fake's request log) until it holds. */
export async function waitUntil(cond: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms`);
    await sleep(20);
  }
}
