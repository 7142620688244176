/**
 * The console's first page: per connection, how many contacts are up to date, waiting, skipped, need
 * attention or failed, whether the connection is on, and what is held. Plain words: the readers are
 * support leads and sales ops, not Temporal engineers.
 */
import express, { type Router } from 'express';
import { html } from '../html';
import { page } from '../layout';
import type { ConsoleDeps } from '../types';
import type { SyncStatus } from '../../store/types';

/** The sync states as the console names them. */
export const STATUS_WORDS: Record<SyncStatus, string> = {
  synced: 'Up to date',
  pending: 'Waiting to sync',
  skipped: 'Skipped by the rules',
  parked: 'Need attention',
  failed: 'Failed',
};
const ORDER: SyncStatus[] = ['synced', 'pending', 'skipped', 'parked', 'failed'];

export function overviewPage(deps: ConsoleDeps): Router {
  const router = express.Router();
  router.get('/', async (_req, res) => {
    const counts = await deps.store.syncState.countByStatus();
    const sections = await Promise.all(
      deps.connections().map(async (c) => {
        const [switchState, held] = await Promise.all([deps.switches.state(c.id), deps.store.heldEvents.count(c.id)]);
        const on = c.enabled && !switchState.disabled;
        const rows = counts.filter((r) => r.connectionId === c.id);
        return html`<section aria-labelledby="conn-${c.id}">
          <h2 id="conn-${c.id}">${c.id} <span class="${on ? 'ok' : 'warn'}">(${on ? 'on' : 'paused'})</span></h2>
          <p class="hint">Chatwoot ${c.chatwoot.url} (account ${c.chatwoot.accountId}) ↔ Krayin ${c.krayin.url}</p>
          <div class="cards">
            ${ORDER.map(
              (s) =>
                html`<div class="card" data-status="${s}">
                  <div class="figure">${rows.find((r) => r.status === s)?.count ?? 0}</div>
                  <div>${STATUS_WORDS[s]}</div>
                </div>`,
            )}
          </div>
          ${held.events > 0 ? html`<p class="warn">${held.events} change(s) of ${held.contacts} contact(s) arrived while the connection was paused and are waiting. <a href="/console/operations?connection=${c.id}">Deliver them</a>.</p>` : ''}
        </section>`;
      }),
    );
    const body = sections.length
      ? html`${sections}`
      : html`<p>No connection yet. <a href="/console/connections">Add one</a>.</p>`;
    res.send(page({ title: 'Overview', active: 'overview', session: res.locals.session, body }));
  });
  return router;
}
