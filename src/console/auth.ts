/**
 * Console sign-in: the admin token is exchanged for a session cookie (HttpOnly, SameSite=Strict,
 * Path=/console, Secure behind https), kept in the store by its sha256 so every replica knows it and a
 * copy of the database opens nothing. Sessions expire after SESSION_IDLE_MS without use and after
 * SESSION_MAX_MS in any case. Every state change carries the session's CSRF token (form field `_csrf`
 * or header X-CSRF-Token) and must come from the console's own origin.
 */
import { createHash, randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { tokensEqual } from '../codec/bearer-auth';
import { html } from './html';
import type { ConsoleDeps, ConsoleSession } from './types';

export const SESSION_COOKIE = 'cks_console';
export const SESSION_IDLE_MS = 60 * 60_000;
export const SESSION_MAX_MS = 12 * 3_600_000;
/** Failed sign-ins allowed per client address per window, so the token cannot be guessed online. */
const FAILURES_PER_WINDOW = 10;
const FAILURE_WINDOW_MS = 5 * 60_000;

export interface ConsoleAuth {
  /** GET/POST /console/sign-in and POST /console/sign-out. */
  routes: Router;
  requireSession(req: Request, res: Response, next: NextFunction): void;
  checkCsrf(req: Request, res: Response, next: NextFunction): void;
}

export function consoleAuth(deps: ConsoleDeps): ConsoleAuth {
  const failures = new Map<string, { count: number; since: number }>();
  const routes = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  const loadSession = async (req: Request): Promise<ConsoleSession | null> => {
    const cookie = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (!cookie) return null;
    const stored = await deps.store.consoleSessions.get(sha256(cookie), deps.now());
    return stored ? { idHash: stored.idHash, csrfToken: stored.csrfToken, expiresAt: stored.expiresAt } : null;
  };

  routes.get('/sign-in', async (req, res) => {
    if (await loadSession(req)) return void res.redirect(303, '/console');
    const notice =
      req.query.signed_out === '1'
        ? 'You are signed out.'
        : req.query.expired === '1'
          ? 'Your session ended: sign in again.'
          : null;
    res.send(signInPage({ notice }));
  });

  routes.post('/sign-in', form, async (req, res) => {
    if (!sameOrigin(req))
      return void res.status(403).send(signInPage({ error: 'This sign-in did not come from this site.' }));
    const client = req.ip ?? 'unknown';
    const now = deps.now().getTime();
    const seen = failures.get(client);
    if (seen && now - seen.since < FAILURE_WINDOW_MS && seen.count >= FAILURES_PER_WINDOW) {
      res.setHeader('Retry-After', String(Math.ceil((seen.since + FAILURE_WINDOW_MS - now) / 1000)));
      return void res
        .status(429)
        .send(signInPage({ error: 'Too many wrong tokens. Wait a few minutes and try again.' }));
    }
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    if (!token || !tokensEqual(token, deps.adminToken)) {
      const fresh = !seen || now - seen.since >= FAILURE_WINDOW_MS;
      failures.set(client, fresh ? { count: 1, since: now } : { count: seen.count + 1, since: seen.since });
      return void res.status(401).send(signInPage({ error: 'That is not the admin token.' }));
    }
    failures.delete(client);
    const cookie = randomBytes(32).toString('base64url');
    const issued = deps.now();
    await deps.store.consoleSessions.prune(issued);
    await deps.store.consoleSessions.create({
      idHash: sha256(cookie),
      csrfToken: randomBytes(24).toString('base64url'),
      expiresAt: new Date(issued.getTime() + SESSION_IDLE_MS),
      absoluteExpiresAt: new Date(issued.getTime() + SESSION_MAX_MS),
    });
    res.setHeader('Set-Cookie', sessionCookie(cookie, SESSION_MAX_MS / 1000, isHttps(req)));
    res.redirect(303, '/console');
  });

  routes.post('/sign-out', form, async (req, res) => {
    const session = await loadSession(req);
    if (session) {
      const given = typeof req.body?._csrf === 'string' ? req.body._csrf : req.get('x-csrf-token');
      if (!sameOrigin(req) || !given || !tokensEqual(given, session.csrfToken)) return void forbidden(res);
      await deps.store.consoleSessions.remove(session.idHash);
    }
    res.setHeader('Set-Cookie', sessionCookie('', 0, isHttps(req)));
    res.redirect(303, '/console/sign-in?signed_out=1');
  });

  return {
    routes,
    requireSession(req, res, next) {
      loadSession(req).then(async (session) => {
        if (!session) {
          const hadCookie = readCookie(req.get('cookie'), SESSION_COOKIE) !== null;
          const target = `/console/sign-in${hadCookie ? '?expired=1' : ''}`;
          // htmx follows HX-Redirect; a plain request gets a redirect.
          if (req.get('hx-request')) return void res.status(401).setHeader('HX-Redirect', target).end();
          return void res.redirect(303, target);
        }
        // Slide the idle expiry, writing at most once per minute of use.
        const renewed = deps.now().getTime() + SESSION_IDLE_MS;
        if (renewed - session.expiresAt.getTime() > 60_000)
          await deps.store.consoleSessions.extend(session.idHash, new Date(renewed));
        res.locals.session = session;
        res.setHeader('Cache-Control', 'no-store');
        next();
      }, next);
    },
    checkCsrf(req, res, next) {
      if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
      const session = res.locals.session as ConsoleSession;
      const given = typeof req.body?._csrf === 'string' ? req.body._csrf : req.get('x-csrf-token');
      if (!sameOrigin(req) || !given || !tokensEqual(given, session.csrfToken)) return forbidden(res);
      next();
    },
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/console; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

function isHttps(req: Request): boolean {
  return req.secure || req.get('x-forwarded-proto') === 'https';
}

/**
 * A state change must come from our own pages: the browser's Origin (or, without one, Sec-Fetch-Site)
 * says so. Requests with neither (curl, old browsers) fall back on the CSRF token alone.
 */
function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (origin) {
    try {
      return new URL(origin).host === req.get('host');
    } catch {
      return false;
    }
  }
  const site = req.get('sec-fetch-site');
  return site === undefined || site === 'same-origin' || site === 'none';
}

function forbidden(res: Response): void {
  res
    .status(403)
    .type('html')
    .send(
      html`<!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <title>Not allowed</title>
            <link rel="icon" href="data:," />
            <link rel="stylesheet" href="/console/assets/console.css" />
          </head>
          <body>
            <main class="narrow">
              <h1>This form has expired</h1>
              <p>Nothing was changed. <a href="/console">Reload the console</a> and try again.</p>
            </main>
          </body>
        </html>`.value,
    );
}

function signInPage(opts: { error?: string; notice?: string | null }): string {
  return (
    '<!doctype html>' +
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Sign in · Chatwoot–Krayin sync</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/console/assets/console.css" />
      </head>
      <body>
        <main class="narrow" id="main">
          <h1>Chatwoot–Krayin sync</h1>
          <p>Sign in with the admin token of this installation.</p>
          ${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
          ${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
          <form method="post" action="/console/sign-in" class="stack">
            <label for="token">Admin token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
            <button type="submit">Sign in</button>
          </form>
          <p class="hint">
            The token is ADMIN_TOKEN, or on a laptop install the file <code>admin-token</code> in the data folder.
          </p>
        </main>
      </body>
    </html>`.value
  );
}
