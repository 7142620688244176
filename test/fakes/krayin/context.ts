/** What every route handler receives, and what it returns. */
import type { KrayinRequest } from './request';
import type { State, UserRow } from './state';

export interface Ctx {
  state: State;
  req: KrayinRequest;
  /** The token's user (null on unauthenticated routes such as /login). */
  user: UserRow | null;
  /** APP_TIMEZONE */
  tz: string;
  /** "<origin>/api/v1", as pagination links and paths show it. */
  apiBase: string;
}

export interface Reply {
  status: number;
  body: unknown;
  /** A redirect (Laravel's `redirect()->back()`): rendered as its HTML page with Location. */
  redirect?: string;
}

export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

export function authUserId(ctx: Ctx): number | null {
  return ctx.user?.id ?? null;
}
