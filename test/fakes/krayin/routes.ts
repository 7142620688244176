/** Route definitions shared by the resource modules and the router. */
import type { Ctx, Reply } from './context';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to /api/v1, with {param} and an optional trailing {param?}. */
  path: string;
  handler: (ctx: Ctx) => Reply;
  /** auth:sanctum (all routes but /login). */
  auth?: boolean;
  /** Route parameter constraints, e.g. persons GET {id} is [0-9]+. */
  where?: Record<string, RegExp>;
  /** An extra throttle on the route (person DELETE has throttle:100,60). */
  throttle?: { max: number; decayMs: number };
}

/** A route Krayin has but the fake does not implement: 501 so tests notice. */
export function notImplemented(method: RouteDef['method'], path: string): RouteDef {
  return {
    method,
    path,
    handler: () => ({ status: 501, body: { message: `The fake Krayin does not implement ${method} ${path}.` } }),
  };
}
