/**
 * The web console under /console: sign-in (admin token -> session cookie), then the pages, each its own
 * router under /console/<page> (src/console/pages). Every state change passes the CSRF check.
 */
import express, { type Router } from 'express';
import { consoleAssets } from './assets';
import { consoleAuth } from './auth';
import { overviewPage } from './pages/overview';
import { connectionsPage } from './pages/connections';
import { mappingPage } from './pages/mapping';
import { operationsPage } from './pages/operations';
import { runsPage } from './pages/runs';
import { analyticsPage } from './pages/analytics';
import { consoleSecurityHeaders } from './security-headers';
import type { ConsoleDeps } from './types';

export function createConsoleRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  router.use('/console', consoleSecurityHeaders());
  router.use('/console/assets', consoleAssets());
  const auth = consoleAuth(deps);
  // Sign-in and sign-out first: they are the only routes without a session.
  router.use('/console', auth.routes);
  router.use('/console', auth.requireSession, express.urlencoded({ extended: false, limit: '256kb' }), auth.checkCsrf);
  router.use('/console/connections', connectionsPage(deps));
  router.use('/console/mapping', mappingPage(deps));
  router.use('/console/operations', operationsPage(deps));
  router.use('/console/runs', runsPage(deps));
  router.use('/console/analytics', analyticsPage(deps));
  router.use('/console', overviewPage(deps));
  return router;
}
