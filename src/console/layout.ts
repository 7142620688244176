/**
 * The page shell of every console page: skip link, navigation, the CSRF token for htmx, one stylesheet
 * and one script from /console/assets (the CSP allows no inline script or style).
 */
import { html, raw, type SafeHtml } from './html';
import type { ConsoleSession, NavKey } from './types';

const NAV: { key: NavKey; href: string; label: string }[] = [
  { key: 'overview', href: '/console', label: 'Overview' },
  { key: 'connections', href: '/console/connections', label: 'Connections' },
  { key: 'mapping', href: '/console/mapping', label: 'Field mapping' },
  { key: 'operations', href: '/console/operations', label: 'Problems' },
  { key: 'runs', href: '/console/runs', label: 'Imports and repairs' },
  { key: 'analytics', href: '/console/analytics', label: 'Analytics' },
];

export interface PageOptions {
  title: string;
  active: NavKey;
  session: ConsoleSession;
  body: SafeHtml;
  /** A one-line message after a change ("Saved."), shown in a live region. */
  flash?: string | null;
  /** Extra scripts under /console/assets (e.g. 'chart.umd.min.js', 'analytics.js'). */
  scripts?: string[];
}

export function page(opts: PageOptions): string {
  const scripts = ['htmx.min.js', 'console.js', ...(opts.scripts ?? [])];
  return (
    '<!doctype html>' +
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content="${opts.session.csrfToken}" />
        <meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}' />
        <title>${opts.title} · Chatwoot–Krayin sync</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/console/assets/console.css" />
        ${scripts.map((s) => html`<script src="/console/assets/${s}" defer></script>`)}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <span class="brand">Chatwoot–Krayin sync</span>
          <nav aria-label="Main">
            <ul>
              ${NAV.map(
                (n) =>
                  html`<li>
                    <a href="${n.href}" ${n.key === opts.active ? raw(' aria-current="page"') : ''}>${n.label}</a>
                  </li>`,
              )}
            </ul>
          </nav>
          <form method="post" action="/console/sign-out" class="sign-out">
            <input type="hidden" name="_csrf" value="${opts.session.csrfToken}" />
            <button type="submit">Sign out</button>
          </form>
        </header>
        <main id="main" tabindex="-1">
          <h1>${opts.title}</h1>
          <p class="flash" role="status" aria-live="polite">${opts.flash ?? ''}</p>
          ${opts.body}
        </main>
      </body>
    </html>`.value
  );
}

/** The hidden CSRF field every console form carries. */
export function csrfField(session: ConsoleSession): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${session.csrfToken}" />`;
}
