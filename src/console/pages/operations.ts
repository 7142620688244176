/**
 * The console's "Problems" page: per connection, the contacts whose sync stopped (need attention, or
 * failed) with the reason in plain words, "Retry" one or all; pausing and resuming the connection; the
 * changes held while it was paused, delivered ("Deliver now") or dropped ("Discard"). The actions are
 * the admin API's (src/ops/sync-actions.ts), so the console and the CLI behave the same.
 */
import express, { type Request, type Response, type Router } from 'express';
import { html, type SafeHtml } from '../html';
import { csrfField, page } from '../layout';
import type { ConsoleDeps } from '../types';
import type { ParkReason, SyncState } from '../../store/types';
import { contactWorkflowId } from '../../../workflows/api';
import { deliverHeld, discardHeld, PARK_KINDS, replayContact, retryParked } from '../../ops/sync-actions';
import { STATUS_WORDS } from './overview';
import { REASON_WORDS, reasonDetail } from './ops-reasons';
import { chosenConnection, connectionPicker, intParam, temporalLink, when } from './ops-common';

/** Rows shown; "Retry all" still resumes every one of them. */
const LIST_LIMIT = 200;
const BASE = '/console/operations';

export function operationsPage(deps: ConsoleDeps): Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const connection = chosenConnection(deps, req);
    if (!connection)
      return void send(
        res,
        404,
        html`<p>No such connection. <a href="/console/connections">See the connections</a>.</p>`,
      );
    const id = connection.id;
    const [switchState, held, problems, counts] = await Promise.all([
      deps.switches.state(id),
      deps.store.heldEvents.count(id),
      deps.store.syncState.listParked(id, undefined, LIST_LIMIT),
      deps.store.syncState.countByStatus(id),
    ]);
    const total = counts.filter((c) => c.status === 'parked' || c.status === 'failed').reduce((n, c) => n + c.count, 0);
    const paused = switchState.disabled || !connection.enabled;
    const watched = intParam(req.query.contact);
    const body = html`
      ${connectionPicker(deps, BASE, connection)}
      <section aria-labelledby="switch-h">
        <h2 id="switch-h">Connection ${id}</h2>
        ${
          paused
            ? html`<p class="warn">
                Syncing is paused${switchState.since ? html` since ${when(switchState.since)}` : ''}: changes from
                Chatwoot are kept and wait here, nothing is written to Krayin.
              </p>`
            : html`<p class="ok">Syncing is on.</p>`
        }
        ${
          connection.enabled
            ? html`<form method="post" action="${BASE}/${paused ? 'resume' : 'pause'}" class="inline">
                ${csrfField(res.locals.session)}<input type="hidden" name="connection" value="${id}" />
                <button type="submit" class="${paused ? '' : 'secondary'}">
                  ${paused ? 'Resume syncing' : 'Pause syncing'}
                </button>
              </form>`
            : html`<p class="hint">This connection is switched off in its settings (Connections page).</p>`
        }
        ${
          held.events > 0
            ? html`<div class="notice" id="held">
                <p>
                  ${held.events} change(s) of ${held.contacts} contact(s) arrived while the connection was paused and
                  are waiting.
                </p>
                ${
                  paused
                    ? html`<p class="hint">Resume syncing first to deliver them.</p>`
                    : html`<form method="post" action="${BASE}/deliver" class="inline">
                        ${csrfField(res.locals.session)}<input type="hidden" name="connection" value="${id}" />
                        <button type="submit">Deliver now</button>
                      </form>`
                }
                <form method="post" action="${BASE}/discard" class="inline">
                  ${csrfField(res.locals.session)}<input type="hidden" name="connection" value="${id}" />
                  <button type="submit" class="danger">Discard</button>
                </form>
              </div>`
            : ''
        }
      </section>
      ${watched !== null ? watchPanel(id, watched) : ''}
      <section aria-labelledby="problems-h">
        <h2 id="problems-h">Contacts that need attention (${total})</h2>
        ${
          problems.length === 0
            ? html`<p class="ok">No contact of this connection needs attention.</p>`
            : html`${
                total > problems.length
                  ? html`<p class="hint">Showing the ${problems.length} oldest of ${total}.</p>`
                  : ''
              }
                <form method="post" action="${BASE}/retry-all" class="inline">
                  ${csrfField(res.locals.session)}<input type="hidden" name="connection" value="${id}" />
                  <label for="retry-kind">Which ones</label>
                  <select id="retry-kind" name="reason">
                    <option value="">All problems</option>
                    ${PARK_KINDS.map((k) => html`<option value="${k}">${REASON_WORDS[k].title}</option>`)}
                  </select>
                  <button type="submit">Retry all</button>
                </form>
                ${problemTable(deps, res, problems)}`
        }
      </section>
    `;
    send(res, 200, body, flashOf(req));
  });

  // The watch panel's content: polled every 2 s until the contact is up to date (htmx stops on 286).
  router.get('/contact', async (req, res) => {
    const connection = chosenConnection(deps, req);
    const contactId = intParam(req.query.contact);
    if (!connection || contactId === null) return void res.status(404).send('Unknown contact.');
    const state = await deps.store.syncState.get(connection.id, contactId);
    res.status(state?.status === 'synced' ? 286 : 200).send(contactLine(contactId, state).value);
  });

  router.post('/retry', async (req, res) => {
    const connection = chosenConnection(deps, req);
    const contactId = intParam(req.body?.contact);
    if (!connection || contactId === null) return void res.status(400).send('Unknown connection or contact.');
    const outcome = await replayContact(deps, connection.id, contactId, 'console:retry');
    back(res, connection.id, { done: outcome === 'replaying' ? 'retried' : outcome, contact: contactId });
  });

  router.post('/retry-all', async (req, res) => {
    const connection = chosenConnection(deps, req);
    if (!connection) return void res.status(400).send('Unknown connection.');
    const asked = typeof req.body?.reason === 'string' ? req.body.reason : '';
    const kind = (PARK_KINDS as readonly string[]).includes(asked) ? (asked as ParkReason['kind']) : undefined;
    const { resumed, more } = await retryParked(deps, connection.id, kind, 'console:retry-all');
    back(res, connection.id, { done: more ? 'retried-all-more' : 'retried-all', n: resumed });
  });

  router.post('/pause', async (req, res) => {
    const connection = chosenConnection(deps, req);
    if (!connection) return void res.status(400).send('Unknown connection.');
    await deps.switches.disable(connection.id);
    back(res, connection.id, { done: 'paused' });
  });

  router.post('/resume', async (req, res) => {
    const connection = chosenConnection(deps, req);
    if (!connection) return void res.status(400).send('Unknown connection.');
    await deps.switches.enable(connection.id);
    const held = await deps.store.heldEvents.count(connection.id);
    back(res, connection.id, { done: 'resumed', n: held.events });
  });

  router.post('/deliver', async (req, res) => {
    const connection = chosenConnection(deps, req);
    if (!connection) return void res.status(400).send('Unknown connection.');
    const result = await deliverHeld(deps, connection);
    if (result.outcome === 'connection_disabled') return back(res, connection.id, { done: 'deliver-paused' });
    if (result.outcome === 'dispatch_failed')
      return back(res, connection.id, { done: 'deliver-failed', n: result.delivered });
    back(res, connection.id, { done: result.more ? 'delivered-more' : 'delivered', n: result.delivered });
  });

  router.post('/discard', async (req, res) => {
    const connection = chosenConnection(deps, req);
    if (!connection) return void res.status(400).send('Unknown connection.');
    const discarded = await discardHeld(deps, connection.id);
    back(res, connection.id, { done: 'discarded', n: discarded });
  });

  return router;
}

function send(res: Response, status: number, body: SafeHtml, flash: string | null = null): void {
  res.status(status).send(page({ title: 'Problems', active: 'operations', session: res.locals.session, body, flash }));
}

/** After a change: back to the page (post/redirect/get), the outcome named by a code, never by free text. */
function back(res: Response, connectionId: string, q: { done: string; n?: number; contact?: number }): void {
  const params = new URLSearchParams({ connection: connectionId, done: q.done });
  if (q.n !== undefined) params.set('n', String(q.n));
  if (q.contact !== undefined) params.set('contact', String(q.contact));
  res.redirect(303, `${BASE}?${params.toString()}`);
}

function flashOf(req: Request): string | null {
  const n = intParam(req.query.n) ?? 0;
  const contact = intParam(req.query.contact);
  switch (req.query.done) {
    case 'retried':
      return `Contact ${contact} is being synced again.`;
    case 'no_such_contact':
      return `Chatwoot has no contact ${contact} any more: there is nothing to retry.`;
    case 'chatwoot_unreachable':
      return 'Chatwoot could not be reached, so nothing was retried. Try again in a moment.';
    case 'retried-all':
      return `${n} contact(s) are being synced again.`;
    case 'retried-all-more':
      return `${n} contact(s) are being synced again; press "Retry all" once more for the rest.`;
    case 'paused':
      return 'Syncing is paused. Changes from Chatwoot are kept until you resume.';
    case 'resumed':
      return n > 0
        ? `Syncing is on again. ${n} change(s) arrived while paused: deliver them below. Changes made in Chatwoot that sent no notice need a repair pass (Imports and repairs).`
        : 'Syncing is on again. Changes made in Chatwoot that sent no notice while paused need a repair pass (Imports and repairs).';
    case 'delivered':
      return `${n} waiting change(s) delivered: their contacts sync now.`;
    case 'delivered-more':
      return `${n} waiting change(s) delivered; press "Deliver now" again for the rest.`;
    case 'deliver-paused':
      return 'Resume syncing first: waiting changes are delivered only while syncing is on.';
    case 'deliver-failed':
      return `Delivering stopped after ${n} change(s): the sync service did not answer. Try again in a moment.`;
    case 'discarded':
      return `${n} waiting change(s) discarded.`;
    default:
      return null;
  }
}

/** Live line about the contact just retried: replaced every 2 s until it is up to date. */
function watchPanel(connectionId: string, contactId: number): SafeHtml {
  const url = `${BASE}/contact?${new URLSearchParams({ connection: connectionId, contact: String(contactId) }).toString()}`;
  return html`<section aria-labelledby="watch-h">
    <h2 id="watch-h">Contact ${contactId}</h2>
    <p id="watch" role="status" aria-live="polite" hx-get="${url}" hx-trigger="load, every 2s" hx-swap="innerHTML">
      Checking…
    </p>
  </section>`;
}

function contactLine(contactId: number, state: SyncState | null): SafeHtml {
  if (!state) return html`Contact ${contactId}: not synced yet.`;
  if (state.status === 'synced')
    return html`<span class="ok">Contact ${contactId} is up to date</span> (synced ${when(state.lastSyncedAt)}).`;
  if ((state.status === 'parked' || state.status === 'failed') && state.parkReason)
    return html`<span class="warn">Contact ${contactId}: ${STATUS_WORDS[state.status]}</span> —
      ${REASON_WORDS[state.parkReason.kind].title}. Checking again…`;
  return html`Contact ${contactId}: ${STATUS_WORDS[state.status]}…`;
}

function problemTable(deps: ConsoleDeps, res: Response, rows: SyncState[]): SafeHtml {
  return html`<table>
    <caption class="hint">
      Oldest first. "Retry" syncs the contact again from what Chatwoot has now.
    </caption>
    <thead>
      <tr>
        <th scope="col">Contact</th>
        <th scope="col">State</th>
        <th scope="col">Why</th>
        <th scope="col">Since</th>
        <th scope="col">Actions</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map((r) => {
        const reason = r.parkReason;
        const words = reason ? REASON_WORDS[reason.kind] : null;
        const detail = reason ? reasonDetail(reason) : '';
        const temporal = temporalLink(deps, contactWorkflowId(r.connectionId, r.contactId));
        const connection = deps.connections().find((c) => c.id === r.connectionId);
        const chatwoot = connection
          ? `${connection.chatwoot.url.replace(/\/+$/, '')}/app/accounts/${connection.chatwoot.accountId}/contacts/${r.contactId}`
          : null;
        return html`<tr data-contact="${r.contactId}">
          <th scope="row">
            ${chatwoot ? html`<a href="${chatwoot}" rel="noopener" target="_blank">Contact ${r.contactId}</a>` : html`Contact ${r.contactId}`}
          </th>
          <td class="${r.status === 'failed' ? 'bad' : 'warn'}">${STATUS_WORDS[r.status]}</td>
          <td>
            ${words ? html`<strong>${words.title}.</strong> ${words.sentence}` : 'No reason was recorded.'}
            ${detail ? html`<br /><span class="hint">Details: ${detail}</span>` : ''}
          </td>
          <td>${when(r.parkedAt)}</td>
          <td>
            <form method="post" action="${BASE}/retry" class="inline">
              ${csrfField(res.locals.session)}<input type="hidden" name="connection" value="${r.connectionId}" />
              <input type="hidden" name="contact" value="${r.contactId}" />
              <button type="submit" aria-label="Retry contact ${r.contactId}">Retry</button>
            </form>
            ${temporal ? html`<a href="${temporal}" rel="noopener" target="_blank">Open in Temporal</a>` : ''}
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}
