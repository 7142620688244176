/**
 * The dashboard app's context token: after the server checked with Chatwoot's API that a conversation
 * belongs to the contact the app claims, it hands the page a short-lived token bound to
 * (connection, contact, conversation). Every later request carries it instead of ids, so changing an id
 * in a request reaches nothing: the ids come from the signed token.
 *
 * Format: base64url(JSON payload) "." base64url(HMAC-SHA256). The key is derived from the connection's
 * dashboard app token (CHATWOOT_DASHBOARD_APP_TOKEN): rotating it invalidates every context token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AppContext {
  connectionId: string;
  contactId: number;
  conversationId: number;
  /** The Chatwoot agent the page named, when the service found it among the account's agents. */
  agentId?: number;
}

/** Long enough for a conversation an agent keeps open; Chatwoot reloads the frame on every switch anyway. */
export const CONTEXT_TTL_MS = 30 * 60_000;

interface Payload {
  v: 1;
  c: string;
  ct: number;
  cv: number;
  /** agent id (checked against GET /agents), absent when none was named or found */
  ag?: number;
  /** expiry, ms since the epoch */
  e: number;
}

function keyFor(appToken: string): Buffer {
  return createHmac('sha256', appToken).update('chatwoot-app context token v1').digest();
}

function mac(appToken: string, body: string): Buffer {
  return createHmac('sha256', keyFor(appToken)).update(body).digest();
}

export function signContext(appToken: string, ctx: AppContext, now: number): string {
  const payload: Payload = {
    v: 1,
    c: ctx.connectionId,
    ct: ctx.contactId,
    cv: ctx.conversationId,
    ...(ctx.agentId !== undefined ? { ag: ctx.agentId } : {}),
    e: now + CONTEXT_TTL_MS,
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(appToken, body).toString('base64url')}`;
}

/** The context a token was issued for, or null (forged, altered, expired, or of another connection). */
export function verifyContext(appToken: string, connectionId: string, token: unknown, now: number): AppContext | null {
  if (typeof token !== 'string' || token.length > 1024) return null;
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return null;
  const expected = mac(appToken, body);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let payload: Partial<Payload>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload>;
  } catch {
    return null;
  }
  if (payload.v !== 1 || payload.c !== connectionId || typeof payload.e !== 'number' || payload.e <= now) return null;
  if (!isId(payload.ct) || !isId(payload.cv)) return null;
  const context: AppContext = { connectionId, contactId: payload.ct, conversationId: payload.cv };
  if (isId(payload.ag)) context.agentId = payload.ag;
  return context;
}

function isId(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}
