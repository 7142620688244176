/**
 * Console sign-in and sign-out in headless Chromium against the real service (test/helpers/harness.ts):
 * a wrong token is refused with a message, the admin token lands on the Overview, sign-out ends the
 * session (the old cookie no longer opens the console), and a state change without the CSRF token is
 * refused with 403 and changes nothing.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { request } from 'undici';
import { docScreenshot, launchChromium } from './helpers/browser';
import { ADMIN_TOKEN, CONNECTION, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
let browser: Browser;

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === 'cks_console');
  if (!cookie) throw new Error('no console session cookie');
  return `${cookie.name}=${cookie.value}`;
}

/** A POST as another page of the same site would send it, with the session cookie and an Origin. */
function postWithCookie(path: string, cookie: string, form: Record<string, string>) {
  return request(`${h.ingestUrl}${path}`, {
    method: 'POST',
    headers: {
      cookie,
      origin: h.ingestUrl,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
  });
}

test('sign-in refuses a wrong token, opens the Overview with the admin token, and sign-out ends the session', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page: Page = await context.newPage();
  await page.goto(`${h.ingestUrl}/console`);
  // Not signed in: the console sends us to sign in.
  await page.waitForURL(/\/console\/sign-in/);
  await page.getByLabel('Admin token').waitFor();
  await docScreenshot(page, 'console-sign-in');

  await page.getByLabel('Admin token').fill('not-the-admin-token-at-all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That is not the admin token.').waitFor();
  expect(page.url()).toContain('/console/sign-in');
  expect((await context.cookies()).some((c) => c.name === 'cks_console')).toBe(false);

  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${h.ingestUrl}/console`);
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await page.getByRole('heading', { level: 2, name: new RegExp(CONNECTION) }).waitFor();
  expect(await page.content()).not.toContain(ADMIN_TOKEN);
  await docScreenshot(page, 'console-overview');

  const cookie = await sessionCookie(context);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/console\/sign-in\?signed_out=1/);
  await page.getByText('You are signed out.').waitFor();

  // The old cookie opens nothing any more.
  const after = await request(`${h.ingestUrl}/console`, { headers: { cookie } });
  expect(after.statusCode).toBe(303);
  expect(after.headers.location).toBe('/console/sign-in?expired=1');
  await after.body.dump();
  await page.goto(`${h.ingestUrl}/console/connections`);
  await page.waitForURL(/\/console\/sign-in/);
  await context.close();
});

test('a POST without the CSRF token is refused with 403 and changes nothing; with it, the change is made', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${h.ingestUrl}/console/sign-in`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${h.ingestUrl}/console`);
  const cookie = await sessionCookie(context);
  const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  expect(csrf).toBeTruthy();

  const enabledNow = async (): Promise<boolean> =>
    (await h.admin('GET', '/admin/status')).body.connections.find((c: { id: string }) => c.id === CONNECTION).enabled;
  expect(await enabledNow()).toBe(true);

  const missing = await postWithCookie(`/console/connections/${CONNECTION}/pause`, cookie, {});
  expect(missing.statusCode).toBe(403);
  await missing.body.dump();
  const wrong = await postWithCookie(`/console/connections/${CONNECTION}/pause`, cookie, { _csrf: 'x'.repeat(32) });
  expect(wrong.statusCode).toBe(403);
  await wrong.body.dump();
  expect(await enabledNow()).toBe(true);
  await page.goto(`${h.ingestUrl}/console/connections`);
  expect(await page.locator(`[data-connection="${CONNECTION}"] .conn-status`).textContent()).toBe('On');

  // The same request with the session's token is accepted: the refusal above was the CSRF check.
  const ok = await postWithCookie(`/console/connections/${CONNECTION}/pause`, cookie, { _csrf: csrf! });
  expect(ok.statusCode).toBe(303);
  await ok.body.dump();
  await page.goto(`${h.ingestUrl}/console/connections`);
  expect(await page.locator(`[data-connection="${CONNECTION}"] .conn-status`).textContent()).toBe('Paused');
  expect(await enabledNow()).toBe(false);
  await postWithCookie(`/console/connections/${CONNECTION}/resume`, cookie, { _csrf: csrf! }).then((r) =>
    r.body.dump(),
  );
  await context.close();
});
