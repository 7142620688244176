/**
 * The route table of krayin/rest-api 2.1.1 under /api/v1 and Laravel's matching: the first route
 * of the request's method wins (GET routes answer HEAD too); a path that only other methods match
 * is a 405 listing them in Laravel's verb order, anything else a 404. Route matching happens
 * before authentication, so 404/405 need no token and carry no rate-limit headers.
 */
import { notImplemented, type RouteDef } from './routes';
import { activityRoutes } from './resources/activities';
import { automationRoutes } from './resources/automation';
import { authRoutes } from './resources/auth';
import { leadRoutes } from './resources/leads';
import { organizationRoutes } from './resources/organizations';
import { personRoutes } from './resources/persons';
import { settingsRoutes } from './resources/settings';
import { tagRoutes } from './resources/tags';

/** Routes Krayin has that the fake answers with 501 (so they are not mistaken for 404/405). */
const UNIMPLEMENTED: RouteDef[] = [
  notImplemented('PUT', '/update'),
  notImplemented('POST', '/forgot-password'),
  notImplemented('POST', '/contacts/persons/mass-destroy'),
  notImplemented('DELETE', '/contacts/persons/{id}/tags'),
  notImplemented('POST', '/contacts/organizations/mass-destroy'),
  notImplemented('GET', '/leads/get/{pipeline_id?}'),
  notImplemented('POST', '/leads/mass-update'),
  notImplemented('POST', '/leads/mass-destroy'),
  notImplemented('PUT', '/leads/attributes/edit/{id}'),
  notImplemented('PUT', '/leads/product/{lead_id}'),
  notImplemented('DELETE', '/leads/product/{lead_id}'),
  notImplemented('DELETE', '/leads/{id}/tags'),
  notImplemented('POST', '/leads/{id}/emails'),
  notImplemented('DELETE', '/leads/{id}/emails'),
  notImplemented('DELETE', '/leads/{id}/quotes/{quote_id?}'),
  notImplemented('GET', '/activities/file-download/{id}'),
  notImplemented('POST', '/activities/mass-update'),
  notImplemented('POST', '/activities/mass-destroy'),
  notImplemented('POST', '/settings/users'),
  notImplemented('PUT', '/settings/users/{id}'),
  notImplemented('DELETE', '/settings/users/{id}'),
  notImplemented('PUT', '/settings/attributes/{id}'),
  notImplemented('GET', '/settings/attributes/lookup/{lookup}'),
  notImplemented('GET', '/settings/attributes/lookup-entity/{lookup}'),
];

/** Registration order matters: literal routes (search, stage/edit) come before {id}. */
export const ROUTES: RouteDef[] = [
  ...authRoutes,
  ...UNIMPLEMENTED.filter((r) => !r.path.includes('{')),
  ...personRoutes,
  ...organizationRoutes,
  ...leadRoutes,
  ...activityRoutes,
  ...settingsRoutes,
  ...tagRoutes,
  ...automationRoutes,
  ...UNIMPLEMENTED.filter((r) => r.path.includes('{')),
];

const VERBS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export type RouteMatch =
  | { kind: 'route'; route: RouteDef; params: Record<string, string> }
  | { kind: 'options'; allowed: string[] }
  | { kind: 'not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

function matchPath(route: RouteDef, segments: string[]): Record<string, string> | null {
  const parts = route.path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const seg = segments[i];
    const param = /^\{(\w+)(\?)?\}$/.exec(part);
    if (param) {
      if (seg === undefined) {
        if (param[2] && i === parts.length - 1) return params;
        return null;
      }
      const where = route.where?.[param[1] as string];
      if (where && !where.test(seg)) return null;
      params[param[1] as string] = seg;
    } else if (seg !== part) {
      return null;
    }
  }
  return segments.length === parts.length ? params : null;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** @param path the request path after /api/v1 */
export function matchRoute(method: string, path: string, routes: RouteDef[] = ROUTES): RouteMatch {
  const segments = path.split('/').filter(Boolean).map(decodeSegment);
  const forMethod = (m: string) => routes.filter((r) => r.method === m || (m === 'HEAD' && r.method === 'GET'));
  for (const route of forMethod(method)) {
    const params = matchPath(route, segments);
    if (params) return { kind: 'route', route, params };
  }
  const allowed = VERBS.filter((v) => v !== method && forMethod(v).some((r) => matchPath(r, segments)));
  if (!allowed.length) return { kind: 'not_found' };
  return method === 'OPTIONS' ? { kind: 'options', allowed } : { kind: 'not_allowed', allowed };
}
