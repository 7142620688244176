/**
 * The console's "Imports and repairs" page: the import of existing Chatwoot contacts (backfill,
 * docs/backfill.md) and repair passes (reconciliation, docs/reconciliation.md) of a connection: start
 * them with the options the CLI offers (src/ops/runs.ts, shared with the CLI), watch recent runs with
 * live progress (the list is re-read every 2 s), cancel a running one.
 */
import express, { type Request, type Response, type Router } from 'express';
import { html, type SafeHtml } from '../html';
import { csrfField, page } from '../layout';
import type { ConsoleDeps } from '../types';
import type { ConnectionConfig } from '../../config/schema';
import { startBackfill, startReconcile } from '../../ops/runs';
import { sinceEpochSec } from '../../backfill/outcomes';
import { BACKFILL_OUTCOMES, type BackfillOutcome, type BackfillProgress } from '../../../workflows/backfill-api';
import type { ReconcileProgress } from '../../../workflows/reconcile-api';
import { cancelRun, recentRuns, type RunView } from './ops-runs';
import { chosenConnection, connectionPicker, temporalLink, when } from './ops-common';

const BASE = '/console/runs';

const OUTCOME_WORDS: Record<BackfillOutcome, { done: string; trial: string }> = {
  created: { done: 'created in Krayin', trial: 'would be created in Krayin' },
  linked: { done: 'matched to an existing Krayin person', trial: 'would be matched to an existing Krayin person' },
  updated: { done: 'updated', trial: 'would be updated' },
  unchanged: { done: 'already up to date', trial: 'already up to date' },
  skipped: { done: 'skipped by the rules', trial: 'would be skipped by the rules' },
  invalid: { done: 'need attention (see Problems)', trial: 'would be refused by Krayin' },
  failed: { done: 'failed (see Problems)', trial: 'need attention already, left alone' },
};

const PHASE_WORDS: Record<ReconcileProgress['phase'], string> = {
  contacts: 'Checking contacts',
  deletions: 'Looking for contacts deleted in Chatwoot',
  krayin: 'Looking for records deleted in Krayin',
  conversations: 'Checking conversations',
  done: 'Finished',
};

const STATE_WORDS: Record<RunView['state'], string> = {
  running: 'Running',
  done: 'Finished',
  cancelled: 'Cancelled',
  failed: 'Failed',
  stopped: 'Stopped',
};

export function runsPage(deps: ConsoleDeps): Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const connection = chosenConnection(deps, req);
    if (!connection)
      return void send(
        res,
        404,
        html`<p>No such connection. <a href="/console/connections">See the connections</a>.</p>`,
      );
    const hidden = html`${csrfField(res.locals.session)}<input
        type="hidden"
        name="connection"
        value="${connection.id}"
      />`;
    const listUrl = `${BASE}/list?${new URLSearchParams({ connection: connection.id }).toString()}`;
    const body = html`
      ${connectionPicker(deps, BASE, connection)}
      <div class="run-forms">
        <form method="post" action="${BASE}/backfill" class="card stack" aria-labelledby="import-h">
          <h2 id="import-h">Import existing contacts</h2>
          <p class="hint">
            Brings the contacts Chatwoot already has into Krayin (new contacts sync by themselves). Safe to repeat:
            contacts already up to date are left alone.
          </p>
          ${hidden}
          <label for="since">Only contacts created on or after (optional)</label>
          <input type="date" id="since" name="since" />
          <label class="choice"><input type="checkbox" name="conversations" value="1" /> Also import their conversations</label>
          <label class="choice"
            ><input type="checkbox" name="dryRun" value="1" /> Trial run: write nothing, only show what would
            happen</label
          >
          <button type="submit">Start import</button>
        </form>
        <form method="post" action="${BASE}/reconcile" class="card stack" aria-labelledby="repair-h">
          <h2 id="repair-h">Repair pass</h2>
          <p class="hint">
            Compares Chatwoot with what was last synced and syncs what differs, for example changes made while syncing
            was paused. Repair passes also run on their own, on a schedule.
          </p>
          ${hidden}
          <fieldset>
            <legend>How thorough</legend>
            <label class="choice"
              ><input type="radio" name="mode" value="incremental" checked /> Quick: contacts changed since the last
              pass</label
            >
            <label class="choice"
              ><input type="radio" name="mode" value="full" /> Full: every contact, and records deleted in Krayin</label
            >
          </fieldset>
          <button type="submit">Start repair pass</button>
        </form>
      </div>
      <section aria-labelledby="runs-h">
        <h2 id="runs-h">Recent imports and repairs</h2>
        <div id="runs" hx-get="${listUrl}" hx-trigger="every 2s" hx-swap="innerHTML">
          ${await runsTable(deps, res, connection)}
        </div>
      </section>
    `;
    send(res, 200, body, flashOf(req));
  });

  router.get('/list', async (req, res) => {
    const connection = chosenConnection(deps, req);
    if (!connection) return void res.status(404).send('Unknown connection.');
    res.send((await runsTable(deps, res, connection)).value);
  });

  router.post('/backfill', async (req, res) => {
    const connection = chosenConnection(deps, req);
    if (!connection) return void res.status(400).send('Unknown connection.');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const since = typeof body.since === 'string' && body.since !== '' ? body.since : undefined;
    try {
      sinceEpochSec(since);
    } catch {
      return back(res, connection.id, 'bad-date');
    }
    const dryRun = body.dryRun === '1';
    const { started } = await startBackfill(
      deps.temporal,
      deps.taskQueue,
      {
        connectionId: connection.id,
        dryRun,
        conversations: body.conversations === '1',
        ...(since === undefined ? {} : { since }),
      },
      'the console',
    );
    back(res, connection.id, started ? (dryRun ? 'trial-started' : 'import-started') : 'import-running');
  });

  router.post('/reconcile', async (req, res) => {
    const connection = chosenConnection(deps, req);
    if (!connection) return void res.status(400).send('Unknown connection.');
    const mode = (req.body as Record<string, unknown> | undefined)?.mode === 'full' ? 'full' : 'incremental';
    const { started } = await startReconcile(deps.temporal, deps.taskQueue, connection.id, mode, 'the console');
    back(res, connection.id, started ? 'repair-started' : 'repair-running');
  });

  router.post('/cancel', async (req, res) => {
    const connection = chosenConnection(deps, req);
    const workflowId = (req.body as Record<string, unknown> | undefined)?.run;
    if (!connection || typeof workflowId !== 'string') return void res.status(400).send('Unknown run.');
    const result = await cancelRun(deps.temporal, deps.taskQueue, connection.id, workflowId);
    back(res, connection.id, result === 'cancelling' ? 'cancelling' : result);
  });

  return router;

  function send(res: Response, status: number, body: SafeHtml, flash: string | null = null): void {
    res.status(status).send(
      page({
        title: 'Imports and repairs',
        active: 'runs',
        session: res.locals.session,
        body,
        flash,
        scripts: ['runs.js'],
      }),
    );
  }
}

function back(res: Response, connectionId: string, done: string): void {
  res.redirect(303, `${BASE}?${new URLSearchParams({ connection: connectionId, done }).toString()}`);
}

function flashOf(req: Request): string | null {
  switch (req.query.done) {
    case 'import-started':
      return 'Import started. Its progress shows below.';
    case 'trial-started':
      return 'Trial run started: nothing is written. What would happen shows below.';
    case 'import-running':
      return 'An import of this connection is already running: its progress shows below.';
    case 'bad-date':
      return 'The date was not understood: use the date picker (year-month-day).';
    case 'repair-started':
      return 'Repair pass started. Its progress shows below.';
    case 'repair-running':
      return 'A repair pass of this kind is already running: its progress shows below.';
    case 'cancelling':
      return 'Cancelling. Contacts already handed over finish their sync first.';
    case 'not_running':
      return 'That run has already ended.';
    case 'unknown_run':
      return 'That run was not found for this connection.';
    default:
      return null;
  }
}

async function runsTable(deps: ConsoleDeps, res: Response, connection: ConnectionConfig): Promise<SafeHtml> {
  let runs: RunView[];
  try {
    runs = await recentRuns(deps.temporal, deps.taskQueue, connection.id);
  } catch {
    return html`<p class="error">The list of runs could not be read just now; it is tried again every few seconds.</p>`;
  }
  if (runs.length === 0) return html`<p>No import or repair pass has run for this connection yet.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th scope="col">What</th>
        <th scope="col">State</th>
        <th scope="col">Started</th>
        <th scope="col">Progress</th>
        <th scope="col">Actions</th>
      </tr>
    </thead>
    <tbody>
      ${runs.map((r) => {
        const temporal = temporalLink(deps, r.workflowId);
        return html`<tr data-run="${r.workflowId}" data-state="${r.state}">
          <th scope="row">${runTitle(r)}</th>
          <td class="${r.state === 'failed' ? 'bad' : r.state === 'running' ? 'warn' : ''}">
            ${STATE_WORDS[r.state]}${r.endedAt ? html`<br /><span class="hint">ended ${when(r.endedAt)}</span>` : ''}
          </td>
          <td>${when(r.startedAt)}</td>
          <td>
            ${r.backfill ? backfillProgress(r.backfill) : r.reconcile ? repairProgress(r.reconcile) : r.state === 'running' ? 'Starting…' : '—'}
          </td>
          <td>
            ${
              r.state === 'running'
                ? html`<form method="post" action="${BASE}/cancel" class="inline">
                    ${csrfField(res.locals.session)}<input type="hidden" name="connection" value="${connection.id}" />
                    <input type="hidden" name="run" value="${r.workflowId}" />
                    <button type="submit" class="danger">Cancel</button>
                  </form>`
                : ''
            }
            ${temporal ? html`<a href="${temporal}" rel="noopener" target="_blank">Open in Temporal</a>` : ''}
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

function runTitle(r: RunView): string {
  if (r.kind === 'backfill') return r.dryRun ? 'Trial import (nothing written)' : 'Import of existing contacts';
  return `${r.full ? 'Full' : 'Quick'} repair pass${r.manual ? '' : ' (scheduled)'}`;
}

function backfillProgress(p: BackfillProgress): SafeHtml {
  if (p.skipped === 'connection_disabled') return html`Nothing done: syncing was paused.`;
  const pct = p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : p.phase === 'done' ? 100 : 0;
  const counts = BACKFILL_OUTCOMES.filter((o) => p.counts[o] > 0).map(
    (o) => `${p.counts[o]} ${p.dryRun ? OUTCOME_WORDS[o].trial : OUTCOME_WORDS[o].done}`,
  );
  const eta =
    p.phase !== 'done' && p.etaSeconds !== null
      ? `, about ${p.etaSeconds < 90 ? `${p.etaSeconds} s` : `${Math.round(p.etaSeconds / 60)} min`} left`
      : '';
  return html`<div class="run-progress">
    <progress max="${Math.max(1, p.total)}" value="${p.done}" aria-label="Contacts done">${pct}%</progress>
    <span data-done="${p.done}" data-total="${p.total}">${p.done} of ${p.total} contacts (${pct}%)</span>
    <br /><span class="hint"
      >${p.ratePerMin} per minute${eta}${p.phase === 'conversations' ? ', now conversations' : ''}</span
    >
    ${counts.length > 0 ? html`<br /><span>${counts.join(', ')}</span>` : ''}
    ${p.counts.conversationsSent > 0 ? html`<br /><span>${p.counts.conversationsSent} conversation(s) handed over</span>` : ''}
  </div>`;
}

function repairProgress(p: ReconcileProgress): SafeHtml {
  if (p.skipped === 'connection_disabled') return html`Nothing done: syncing was paused.`;
  const c = p.counts;
  const parts = [
    `${c.contactsSeen} contact(s) checked, ${c.contactsSent} sent to sync`,
    `${c.conversationsSeen} conversation(s) checked, ${c.conversationsSent} sent to sync`,
  ];
  if (c.parkedLeft > 0) parts.push(`${c.parkedLeft} needing attention left alone (see Problems)`);
  if (c.goneFound > 0) parts.push(`${c.goneFound} deleted in Chatwoot`);
  if ((c.krayinDeletedFound ?? 0) > 0) parts.push(`${c.krayinDeletedFound} deleted in Krayin`);
  return html`<div class="run-progress">
    <span>${PHASE_WORDS[p.phase]}${p.phase === 'done' ? '' : ` (page ${p.page})`}</span>
    <br /><span class="hint">${parts.join('; ')}</span>
  </div>`;
}
