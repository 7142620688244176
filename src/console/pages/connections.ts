/**
 * The console's "connections" page: every Chatwoot account ↔ Krayin link side by side, with where each
 * value comes from (console, config file, environment, default); add, edit, check (the report of
 * `npm run check`, shown inline), pause/resume (the same switch as the admin API's disable/enable) and
 * delete (console-added connections only). Changes go through the settings layer (deps.settings), which
 * validates them with the config schema; secrets are never sent back to the browser.
 */
import express, { type Request, type Response, type Router } from 'express';
import { checkConnection } from '../../check/connection-check';
import type { ConnectionConfig } from '../../config/schema';
import { createConnectionRegistry } from '../../sync/create-registry';
import type { ConnectionRuntime } from '../../sync/connections';
import { html } from '../html';
import { page } from '../layout';
import type { ConsoleDeps } from '../types';
import { changesFromForm, connectionFromForm, issuesByField, type FormBody } from './connections-fields';
import {
  checkFailedFragment,
  deleteBody,
  formBody,
  listBody,
  reportFragment,
  type ConnectionCard,
} from './connections-view';

const BASE = '/console/connections';
/** As the config schema's connection id (also keeps odd text out of URLs and redirects). */
const ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Who made a console change, for the settings layer's history. */
const BY = 'console';

/** One-line messages after a change, chosen by a fixed key (never text from the request). */
const FLASH: Record<string, (id: string) => string> = {
  added: (id) => `Connection ${id} added. Check it to see that Chatwoot and Krayin answer.`,
  saved: (id) => `Changes to ${id} saved.`,
  unchanged: (id) => `Nothing to save for ${id}: no value was changed.`,
  paused: (id) => `${id} is paused: Chatwoot changes are kept and copied when you resume it.`,
  resumed: (id) => `${id} is on again.`,
  'turned-on': (id) => `${id} is on (a console setting over the configuration's "off").`,
  deleted: (id) => `Connection ${id} deleted.`,
};

export function connectionsPage(deps: ConsoleDeps): Router {
  const router = express.Router();

  const current = (id: string): ConnectionConfig | undefined => deps.connections().find((c) => c.id === id);

  const send = (res: Response, title: string, body: ReturnType<typeof html>, flash?: string | null, status = 200) =>
    res
      .status(status)
      .send(page({ title, active: 'connections', session: res.locals.session, body, flash: flash ?? null }));

  const notFound = (res: Response) =>
    send(
      res,
      'Connections',
      html`<p>There is no such connection. <a href="${BASE}">Back to the connections</a></p>`,
      null,
      404,
    );

  /** The id of the URL when it names a known connection, else answers 404 and returns null. */
  const known = async (req: Request, res: Response) => {
    const id = String(req.params.id ?? '');
    const view = ID.test(id) ? await deps.settings.get(id) : null;
    const connection = ID.test(id) ? current(id) : undefined;
    if (!view && !connection) {
      notFound(res);
      return null;
    }
    return { id, view, connection };
  };

  router.get('/', async (req, res) => {
    const views = await deps.settings.list();
    const ids = [...new Set([...views.map((v) => v.id), ...deps.connections().map((c) => c.id)])];
    const cards: ConnectionCard[] = await Promise.all(
      ids.map(async (id) => {
        const [switchState, held] = await Promise.all([deps.switches.state(id), deps.store.heldEvents.count(id)]);
        return { id, view: views.find((v) => v.id === id) ?? null, connection: current(id), switchState, held };
      }),
    );
    const key = typeof req.query.done === 'string' ? req.query.done : '';
    const id = typeof req.query.id === 'string' && ID.test(req.query.id) ? req.query.id : '';
    let flash = FLASH[key] && id ? FLASH[key](id) : null;
    if (key === 'resumed' && id) {
      const held = await deps.store.heldEvents.count(id);
      if (held.events > 0)
        flash += ` ${held.events} change(s) of ${held.contacts} contact(s) arrived while it was paused: deliver them on the Problems page.`;
    }
    send(res, 'Connections', listBody(cards, res.locals.session), flash);
  });

  router.get('/new', (_req, res) => {
    send(
      res,
      'Add a connection',
      formBody({ mode: 'new', id: '', view: null, connection: undefined, session: res.locals.session }),
    );
  });

  router.post('/new', async (req, res) => {
    const body = (req.body ?? {}) as FormBody;
    const draft = connectionFromForm(body);
    const id = String(draft.id);
    if (ID.test(id) && ((await deps.settings.get(id)) || current(id))) {
      return void sendForm(res, 'new', id, body, [
        { path: 'id', message: 'a connection with this name exists already' },
      ]);
    }
    const result = await deps.settings.create(draft, BY);
    if (!result.ok) return void sendForm(res, 'new', id, body, result.issues);
    res.redirect(303, `${BASE}?done=added&id=${encodeURIComponent(result.connection.id)}`);
  });

  const sendForm = async (
    res: Response,
    mode: 'new' | 'edit',
    id: string,
    body: FormBody | undefined,
    issues: { path: string; message: string }[],
  ) => {
    const { byField, other } = issuesByField(issues);
    const view = mode === 'edit' ? await deps.settings.get(id) : null;
    const connection = mode === 'edit' ? current(id) : undefined;
    send(
      res,
      mode === 'new' ? 'Add a connection' : `Edit ${id}`,
      formBody({ mode, id, view, connection, session: res.locals.session, ...(body ? { body } : {}), byField, other }),
      null,
      issues.length ? 422 : 200,
    );
  };

  router.get('/:id/edit', async (req, res) => {
    const k = await known(req, res);
    if (k) await sendForm(res, 'edit', k.id, undefined, []);
  });

  router.post('/:id', async (req, res) => {
    const k = await known(req, res);
    if (!k) return;
    const body = (req.body ?? {}) as FormBody;
    const changes = changesFromForm(body, k.view, k.connection);
    if (Object.keys(changes).length === 0)
      return void res.redirect(303, `${BASE}?done=unchanged&id=${encodeURIComponent(k.id)}`);
    const result = await deps.settings.update(k.id, changes, BY);
    if (!result.ok) return void (await sendForm(res, 'edit', k.id, body, result.issues));
    res.redirect(303, `${BASE}?done=saved&id=${encodeURIComponent(k.id)}`);
  });

  router.post('/:id/check', async (req, res) => {
    const k = await known(req, res);
    if (!k) return;
    let fragment;
    if (!k.connection) {
      fragment = checkFailedFragment(k.id, 'its settings are not in force in this process yet; try again in a moment.');
    } else {
      try {
        fragment = reportFragment(await checkConnection(runtimeFor(deps, k.connection)), deps.now());
      } catch (err) {
        fragment = checkFailedFragment(k.id, err instanceof Error ? err.message : String(err));
      }
    }
    if (req.get('hx-request')) return void res.send(fragment.value);
    send(
      res,
      `Check of ${k.id}`,
      html`<p><a href="${BASE}">Back to the connections</a></p>
        ${fragment}`,
    );
  });

  router.post('/:id/pause', async (req, res) => {
    const k = await known(req, res);
    if (!k) return;
    await deps.switches.disable(k.id);
    res.redirect(303, `${BASE}?done=paused&id=${encodeURIComponent(k.id)}`);
  });

  router.post('/:id/resume', async (req, res) => {
    const k = await known(req, res);
    if (!k) return;
    await deps.switches.enable(k.id);
    res.redirect(303, `${BASE}?done=resumed&id=${encodeURIComponent(k.id)}`);
  });

  // A connection switched off in the config file or the environment (`enabled: false`) is turned on by a
  // console value over it; "Edit" shows where the value comes from, and clearing it there turns it off again.
  router.post('/:id/turn-on', async (req, res) => {
    const k = await known(req, res);
    if (!k) return;
    const result = await deps.settings.update(k.id, { enabled: true }, BY);
    if (!result.ok) {
      return void send(
        res,
        `Turn on ${k.id}`,
        html`<p class="error" role="alert">${k.id} was not turned on: ${result.issues.map((i) => `${i.path} ${i.message}`).join('; ')}</p>
          <p><a href="${BASE}">Back to the connections</a></p>`,
      );
    }
    res.redirect(303, `${BASE}?done=turned-on&id=${encodeURIComponent(k.id)}`);
  });

  router.get('/:id/delete', async (req, res) => {
    const k = await known(req, res);
    if (!k) return;
    if (k.view?.origin !== 'console') {
      return void send(
        res,
        `Delete ${k.id}`,
        html`<p>
          ${k.id} comes from the configuration (config file or environment) and cannot be deleted here. Pause it
          instead, or remove it from the configuration. <a href="${BASE}">Back to the connections</a>
        </p>`,
      );
    }
    send(res, `Delete ${k.id}`, deleteBody(k.id, res.locals.session));
  });

  router.post('/:id/delete', async (req, res) => {
    const k = await known(req, res);
    if (!k) return;
    const result = await deps.settings.remove(k.id, BY);
    if (!result.ok) {
      return void send(
        res,
        `Delete ${k.id}`,
        html`<p class="error" role="alert">${k.id} was not deleted: ${result.reason}. Pause it instead.</p>
          <p><a href="${BASE}">Back to the connections</a></p>`,
        null,
        409,
      );
    }
    res.redirect(303, `${BASE}?done=deleted&id=${encodeURIComponent(k.id)}`);
  });

  return router;
}

/**
 * The clients to check a connection with: the process's own while they were built from the settings in
 * force, else (added or edited in the console since) clients built from those settings for this check.
 */
function runtimeFor(deps: ConsoleDeps, connection: ConnectionConfig): ConnectionRuntime {
  try {
    const rt = deps.services.connections.get(connection.id);
    if (JSON.stringify(rt.config) === JSON.stringify(connection)) return rt;
  } catch {
    // not in this process's registry (added in the console)
  }
  return createConnectionRegistry({ ...deps.config, connections: [connection] }).get(connection.id);
}
