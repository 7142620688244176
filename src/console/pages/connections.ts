/** The console's "connections" page (placeholder until its page lands: the router must mount something). */
import express, { type Router } from 'express';
import { page } from '../layout';
import { html } from '../html';
import type { ConsoleDeps } from '../types';

export function connectionsPage(_deps: ConsoleDeps): Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.send(
      page({
        title: 'Connections',
        active: 'connections',
        session: res.locals.session,
        body: html`<p>Not built yet.</p>`,
      }),
    );
  });
  return router;
}
