/**
 * What the CRM panel shows for one contact: the linked Krayin person, organization and lead (stage,
 * value, owner, expected close date), the last activities and the sync status, with links into Krayin.
 * Read on demand: the links and sync state from the store, the rest from Krayin through the
 * connection's client (its shared request budget, at live priority), the sync state refined by the
 * contact workflow's status query when a run is open. Rendered with html`` (every value escaped).
 */
import type { Client } from '@temporalio/client';
import { contactWorkflowId, statusQuery, type ContactSyncStatus, type ParkReason } from '../../workflows/api';
import { krayinWebBase } from '../config/crm-attributes';
import type { ConnectionConfig } from '../config/schema';
import type { KrayinActivity, KrayinLead, KrayinOrganization, KrayinPerson, KrayinStage } from '../krayin/api';
import { anyOtherStages, forwardStages } from './stages';
import { identityHashSalt, leadIsOurs, personIsOurs } from '../sync/ownership';
import type { ConnectionRuntime } from '../sync/connections';
import type { Store, SyncState } from '../store/types';
import { html, type SafeHtml } from '../console/html';
import type { AppContext } from './context-token';

/** Activities shown, newest first. */
export const LAST_ACTIVITIES = 5;
/** The status query is a nicety: a slow Temporal must not hold the panel. */
const STATUS_QUERY_TIMEOUT_MS = 2_000;

export interface PanelData {
  connection: ConnectionConfig;
  context: AppContext;
  syncState: SyncState | null;
  live: ContactSyncStatus | null;
  person: KrayinPerson | null;
  organization: KrayinOrganization | null;
  lead: KrayinLead | null;
  stage: { name: string; pipeline: string } | null;
  /** Stages "Move to stage" offers: after the current one, none for a won or lost lead (or all others, see anyStage). */
  forward: KrayinStage[];
  /** The agent may move backwards (CHATWOOT_DASHBOARD_APP_BACKWARD_MOVES): every other stage is offered. */
  anyStage: boolean;
  activities: KrayinActivity[];
  /** Krayin could not be read (down, token refused): the panel says so instead of showing blanks. */
  krayinProblem: boolean;
  /**
   * A stored id named a Krayin record that is not this contact's any more (Krayin restored, ids handed out
   * again): it is not shown, so an agent never sees another customer's record. The next sync relinks.
   */
  notOurs: boolean;
  linked: { personId: number | null; organizationId: number | null; leadId: number | null };
}

export async function loadPanel(deps: {
  store: Store;
  runtime: ConnectionRuntime;
  temporal: Client;
  context: AppContext;
  anyStage?: boolean;
}): Promise<PanelData> {
  const { store, runtime, context } = deps;
  const { connectionId, contactId } = context;
  const [link, syncState, live] = await Promise.all([
    store.links.getContact(connectionId, contactId),
    store.syncState.get(connectionId, contactId),
    liveStatus(deps.temporal, connectionId, contactId),
  ]);
  const linked = {
    personId: link?.personId ?? null,
    organizationId: link?.organizationId ?? null,
    leadId: link?.leadId ?? null,
  };
  const data: PanelData = {
    connection: runtime.config,
    context,
    syncState,
    live,
    person: null,
    organization: null,
    lead: null,
    stage: null,
    forward: [],
    anyStage: deps.anyStage === true,
    activities: [],
    krayinProblem: false,
    notOurs: false,
    linked,
  };
  try {
    const krayin = runtime.krayin;
    const [read, readLead, contact, written] = await Promise.all([
      linked.personId ? krayin.getPerson(linked.personId) : null,
      linked.leadId ? krayin.getLead(linked.leadId) : null,
      linked.personId ? runtime.chatwoot.getContact(contactId) : null,
      linked.personId ? store.writtenIdentities.get(connectionId, contactId) : null,
    ]);
    // The same proof the sync asks before writing through a stored id (src/sync/ownership.ts): the person
    // carries one of the contact's emails or phones, or one we wrote to it; the lead is that person's.
    const person =
      read &&
      personIsOurs(read, {
        emails: contact?.email ? [contact.email] : [],
        phones: contact?.phone_number ? [contact.phone_number] : [],
        writtenHashes: written?.personId === read.id ? written.hashes : [],
        salt: identityHashSalt(connectionId, contactId),
      })
        ? read
        : null;
    const lead = person && readLead && leadIsOurs(readLead, person.id) ? readLead : null;
    data.notOurs = (read !== null && person === null) || (readLead !== null && lead === null);
    data.person = person;
    data.lead = lead;
    data.organization = person?.organization ?? null;
    if (lead?.lead_pipeline_stage_id) {
      const pipelines = await runtime.lookups.pipelinesIncluding(lead.lead_pipeline_stage_id);
      for (const p of pipelines) {
        const s = p.stages.find((x) => x.id === lead.lead_pipeline_stage_id);
        if (s) data.stage = { name: s.name, pipeline: p.name };
      }
      data.forward = (data.anyStage ? anyOtherStages : forwardStages)(pipelines, lead.lead_pipeline_stage_id);
    }
    const activities = lead
      ? await krayin.listLeadActivities(lead.id)
      : person
        ? await krayin.listPersonActivities(person.id)
        : [];
    data.activities = [...activities]
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id)
      .slice(0, LAST_ACTIVITIES);
  } catch {
    data.krayinProblem = true;
  }
  return data;
}

async function liveStatus(
  temporal: Client,
  connectionId: string,
  contactId: number,
): Promise<ContactSyncStatus | null> {
  const query = temporal.workflow.getHandle(contactWorkflowId(connectionId, contactId)).query(statusQuery);
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), STATUS_QUERY_TIMEOUT_MS).unref());
  try {
    return await Promise.race([query, timeout]);
  } catch {
    // No workflow yet for this contact (never synced), or Temporal unreachable: the store still answers.
    return null;
  }
}

/** The sync status in plain words, with how it looks and whether the panel should look again soon. */
export function syncStatusView(data: PanelData): {
  label: string;
  tone: 'ok' | 'warn' | 'bad';
  detail: string | null;
  busy: boolean;
} {
  const live = data.live;
  if (live && live.status !== 'idle') {
    return { label: 'Syncing now', tone: 'warn', detail: 'Changes are on their way to Krayin.', busy: true };
  }
  const status = live?.syncStatus ?? data.syncState?.status ?? null;
  const reason: ParkReason | null = live?.parkReason ?? data.syncState?.parkReason ?? null;
  switch (status) {
    case 'synced':
      return {
        label: 'In sync',
        tone: 'ok',
        detail: data.syncState?.lastSyncedAt ? `Last synced ${formatDateTime(data.syncState.lastSyncedAt)}.` : null,
        busy: false,
      };
    case 'pending':
      return { label: 'Waiting to sync', tone: 'warn', detail: 'A change is waiting to go to Krayin.', busy: true };
    case 'parked':
      return { label: 'On hold', tone: 'bad', detail: reasonText(reason), busy: false };
    case 'failed':
      return { label: 'Failed', tone: 'bad', detail: reasonText(reason), busy: false };
    case 'skipped':
      return { label: 'Not synced', tone: 'warn', detail: data.syncState?.note ?? null, busy: false };
    default:
      return {
        label: 'Not synced yet',
        tone: 'warn',
        detail: 'This contact has not been sent to Krayin.',
        busy: false,
      };
  }
}

const REASON_KINDS: Record<ParkReason['kind'], string> = {
  validation: 'Krayin refused the data',
  auth: 'Krayin refused the sync’s access token',
  mapping: 'A field could not be mapped',
  ambiguous: 'More than one Krayin record matches',
  not_found: 'A linked Krayin record is gone',
  config: 'A setting needs fixing',
  internal: 'Something went wrong',
};

function reasonText(reason: ParkReason | null): string | null {
  if (!reason) return null;
  return `${REASON_KINDS[reason.kind] ?? 'Stopped'}: ${reason.message}`;
}

function formatDateTime(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** Krayin's "2026-12-07 10:00:00" / ISO strings, shortened to minutes. */
function krayinTime(text: string | null): string {
  if (!text) return '—';
  return text
    .replace('T', ' ')
    .replace(/\.\d+Z?$|Z$/, '')
    .slice(0, 16);
}

function leadValue(value: string | number | null): string {
  if (value === null || value === '') return '—';
  const n = Number(value);
  return Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(value);
}

const KRAYIN_LINK = { target: '_blank', rel: 'noopener noreferrer' } as const;

function krayinLink(href: string, label: string): SafeHtml {
  return html`<a href="${href}" target="${KRAYIN_LINK.target}" rel="${KRAYIN_LINK.rel}">${label}</a>`;
}

export function renderPanel(data: PanelData, flash: string | null = null): SafeHtml {
  const web = krayinWebBase(data.connection.krayin.url, data.connection.crmFacts);
  const status = syncStatusView(data);
  const { person, organization, lead } = data;
  return html`<div class="cw-panel" data-busy="${status.busy ? 'true' : 'false'}">
    <p class="flash" role="status" aria-live="polite">${flash ?? ''}</p>
    <section aria-labelledby="cw-sync">
      <h2 id="cw-sync">Sync</h2>
      <p><span class="${status.tone}">${status.label}</span>${status.detail ? html` — ${status.detail}` : ''}</p>
      <form data-action="sync-now" class="inline">
        <button type="submit">Sync now</button>
      </form>
      <button type="button" class="secondary" data-refresh>Refresh</button>
    </section>
    ${
      data.krayinProblem
        ? html`<p class="error" role="alert">
            Krayin could not be reached just now: the details below may be missing. Try Refresh in a minute.
          </p>`
        : ''
    }
    ${
      data.notOurs
        ? html`<p class="error" role="alert">
            The Krayin record linked to this contact now belongs to someone else (was Krayin restored?). It is
            not shown; press Sync now to link the contact's own record.
          </p>`
        : ''
    }
    <section aria-labelledby="cw-person">
      <h2 id="cw-person">Person</h2>
      ${
        person
          ? html`<p>
                <strong>${person.name ?? '(no name)'}</strong>${person.job_title ? html`, ${person.job_title}` : ''}
              </p>
              <p>${krayinLink(`${web}/admin/contacts/persons/view/${person.id}`, 'Open person in Krayin')}</p>`
          : html`<p class="hint">
              ${data.linked.personId ? 'The linked person could not be read.' : 'No Krayin person yet.'}
            </p>`
      }
    </section>
    <section aria-labelledby="cw-org">
      <h2 id="cw-org">Organization</h2>
      ${
        organization
          ? html`<p><strong>${organization.name ?? '(no name)'}</strong></p>
              <p>
                ${krayinLink(`${web}/admin/contacts/organizations/edit/${organization.id}`, 'Open organization in Krayin')}
              </p>`
          : html`<p class="hint">No organization.</p>`
      }
    </section>
    <section aria-labelledby="cw-lead">
      <h2 id="cw-lead">Lead</h2>
      ${
        lead
          ? html`<table>
                <caption>
                  ${lead.title ?? '(untitled lead)'}
                </caption>
                <tbody>
                  <tr>
                    <th scope="row">Stage</th>
                    <td>${data.stage ? `${data.stage.name} (${data.stage.pipeline})` : '—'}</td>
                  </tr>
                  <tr>
                    <th scope="row">Value</th>
                    <td>${leadValue(lead.lead_value)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Owner</th>
                    <td>${lead.user?.name ?? '—'}</td>
                  </tr>
                  <tr>
                    <th scope="row">Expected close</th>
                    <td>${lead.expected_close_date ? lead.expected_close_date.slice(0, 10) : '—'}</td>
                  </tr>
                </tbody>
              </table>
              <p>${krayinLink(`${web}/admin/leads/view/${lead.id}`, 'Open lead in Krayin')}</p>
              ${
                data.forward.length > 0
                  ? html`<form data-action="move-stage" class="stack">
                      <label for="cw-stage">Move to stage</label>
                      <select id="cw-stage" name="stageId">
                        ${data.forward.map((st) => html`<option value="${st.id}">${st.name}</option>`)}
                      </select>
                      <button type="submit">Move lead</button>
                      ${data.anyStage ? html`<p class="hint">You may move this lead to any stage, backwards too.</p>` : ''}
                    </form>`
                  : ''
              }
              <form data-action="add-note" class="stack">
                <label for="cw-note">Note for the lead</label>
                <textarea id="cw-note" name="note" rows="3" maxlength="2000" required></textarea>
                <button type="submit">Add note to the lead</button>
              </form>`
          : data.linked.leadId
            ? html`<p class="hint">The linked lead could not be read.</p>`
            : html`<p class="hint">No lead yet.</p>
                ${
                  data.linked.personId
                    ? html`<form data-action="create-lead" class="inline">
                        <button type="submit">Create lead</button>
                      </form>`
                    : ''
                }`
      }
    </section>
    <section aria-labelledby="cw-activities">
      <h2 id="cw-activities">Last activities</h2>
      ${
        data.activities.length > 0
          ? html`<table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Type</th>
                  <th scope="col">Title</th>
                </tr>
              </thead>
              <tbody>
                ${data.activities.map(
                  (a) =>
                    html`<tr>
                      <td>${krayinTime(a.schedule_from ?? a.created_at)}</td>
                      <td>${a.type}</td>
                      <td>${a.title ?? '—'}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="hint">No activities yet.</p>`
      }
    </section>
  </div>`;
}

/** A refusal or problem, in the panel's place. */
export function renderMessage(text: string): SafeHtml {
  return html`<p class="error" role="alert">${text}</p>`;
}
