/**
 * /login, /logout and /get. Logging in deletes every other token of the user (Sanctum tokens are
 * "<id>|<40 alphanumerics>"); bad credentials are a 422 on `email`. Logout deletes them all.
 */
import { randomBytes } from 'node:crypto';
import { ok, type Ctx, type Reply } from '../context';
import { KrayinError } from '../errors';
import { ciEquals } from '../mysql';
import { phpToString } from '../php';
import { userResource } from '../presenters';
import type { RouteDef } from '../routes';
import { sha256 } from '../seed';
import { validate } from '../validation';

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Str::random(40): what Sanctum appends after "<id>|". */
export function randomSecret(length = 40): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUM[(bytes[i] as number) % ALPHANUM.length];
  return out;
}

function login(ctx: Ctx): Reply {
  const input = ctx.req.input;
  validate(input, [
    ['email', [{ kind: 'required' }, { kind: 'email' }]],
    ['password', [{ kind: 'required' }]],
    ['device_name', [{ kind: 'required' }]],
  ]);
  const user = ctx.state.users.find((u) => ciEquals(u.email, phpToString(input.email)));
  if (!user || user.password !== phpToString(input.password)) {
    throw KrayinError.validation([['email', ['The provided credentials are incorrect.']]]);
  }
  ctx.state.tokens = ctx.state.tokens.filter((t) => t.user_id !== user.id);
  const id = ctx.state.nextId('tokens');
  const secret = randomSecret();
  ctx.state.tokens.push({ id, user_id: user.id, hash: sha256(secret), name: phpToString(input.device_name) });
  return ok({ data: userResource(ctx.state, user), message: 'Login successful.', token: `${id}|${secret}` });
}

function logout(ctx: Ctx): Reply {
  const userId = ctx.user?.id;
  ctx.state.tokens = ctx.state.tokens.filter((t) => t.user_id !== userId);
  return ok({ message: 'Logout successful.' });
}

function current(ctx: Ctx): Reply {
  return ok({ data: userResource(ctx.state, ctx.user as NonNullable<Ctx['user']>) });
}

export const authRoutes: RouteDef[] = [
  { method: 'POST', path: '/login', handler: login, auth: false },
  { method: 'DELETE', path: '/logout', handler: logout },
  { method: 'GET', path: '/get', handler: current },
];
