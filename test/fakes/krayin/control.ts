/**
 * /__fake control endpoints (not throttled, not logged), for tests in other processes:
 *   POST   /__fake/reset       {appDebug?, rateLimit?}
 *   GET    /__fake/requests    request log
 *   DELETE /__fake/requests
 *   POST   /__fake/faults      FaultSpec | FaultSpec[] | {clear: true}
 *   GET    /__fake/faults      active faults
 *   GET    /__fake/state       snapshot + modes
 *   GET    /__fake/records     the snapshot as a plain HTML page, for humans (demo)
 *   POST   /__fake/attributes  {entity_type, code, type, name?, is_required?, is_unique?, options?}
 */
import { ATTRIBUTE_TYPES, insertAttribute } from './attributes';
import { faultSpecError, type FaultSpec } from './faults';
import type { Outgoing } from './pipeline';
import type { FakeServer } from './server';
import { recordsPage } from './records-page';
import { snapshotOf } from './snapshot';
import { wallNow } from './time';

export interface NewAttributeInput {
  entity_type: 'persons' | 'organizations' | 'leads';
  code: string;
  name?: string;
  type: string;
  is_required?: boolean;
  is_unique?: boolean;
  options?: string[];
}

function reply(status: number, body: unknown): Outgoing {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

function parse(body: string): { ok: true; value: unknown } | { ok: false } {
  if (!body.trim()) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Validates and inserts a custom attribute; returns its id or an error text. */
export function addAttributeChecked(server: FakeServer, a: unknown): number | string {
  if (typeof a !== 'object' || a === null) return 'body must be an attribute object';
  const x = a as Record<string, unknown>;
  if (!['persons', 'organizations', 'leads'].includes(x.entity_type as string)) {
    return 'entity_type must be persons, organizations or leads';
  }
  if (typeof x.code !== 'string' || !/^[a-zA-Z]+[a-zA-Z0-9_]+$/.test(x.code))
    return 'code must be a valid attribute code';
  if (typeof x.type !== 'string' || !ATTRIBUTE_TYPES.includes(x.type))
    return `type must be one of ${ATTRIBUTE_TYPES.join(', ')}`;
  if (server.state.attributes.some((y) => y.entity_type === x.entity_type && y.code === x.code)) {
    return `attribute ${x.code} already exists on ${x.entity_type as string}`;
  }
  if (x.options !== undefined && !(Array.isArray(x.options) && x.options.every((o) => typeof o === 'string'))) {
    return 'options must be an array of strings';
  }
  const row = insertAttribute(
    server.state,
    {
      entity_type: x.entity_type as NewAttributeInput['entity_type'],
      code: x.code,
      name: typeof x.name === 'string' ? x.name : undefined,
      type: x.type,
      is_required: x.is_required === true,
      is_unique: x.is_unique === true,
      options: x.options as string[] | undefined,
    },
    wallNow(server.options.timezone),
  );
  return row.id;
}

export function handleControl(server: FakeServer, method: string, path: string, rawBody: string): Outgoing {
  const parsed = parse(rawBody);
  if (!parsed.ok) return reply(400, { error: 'body is not JSON' });
  const body = parsed.value;
  const route = `${method} ${path.replace(/\/+$/, '') || '/'}`;
  switch (route) {
    case 'POST /reset': {
      const b = (body ?? {}) as { appDebug?: unknown; rateLimit?: unknown };
      if (b.appDebug !== undefined && typeof b.appDebug !== 'boolean')
        return reply(400, { error: 'appDebug must be a boolean' });
      if (b.rateLimit !== undefined && (typeof b.rateLimit !== 'number' || b.rateLimit < 0)) {
        return reply(400, { error: 'rateLimit must be a non-negative number' });
      }
      server.reset({ appDebug: b.appDebug as boolean | undefined, rateLimit: b.rateLimit as number | undefined });
      return reply(200, { ok: true, appDebug: server.appDebug, rateLimit: server.rateLimit });
    }
    case 'GET /requests':
      return reply(200, server.requests());
    case 'DELETE /requests':
      server.clearRequests();
      return reply(200, { ok: true });
    case 'POST /faults': {
      if (
        typeof body === 'object' &&
        body !== null &&
        !Array.isArray(body) &&
        (body as { clear?: unknown }).clear === true
      ) {
        server.faults.clear();
        return reply(200, { ok: true, faults: [] });
      }
      const specs = Array.isArray(body) ? body : [body];
      for (const s of specs) {
        const err = faultSpecError(s);
        if (err) return reply(400, { error: err });
      }
      server.addFaults(specs as FaultSpec[]);
      return reply(200, { ok: true, faults: server.faults.list() });
    }
    case 'GET /faults':
      return reply(200, server.faults.list());
    case 'DELETE /faults':
      server.faults.clear();
      return reply(200, { ok: true });
    case 'GET /state':
      return reply(200, {
        appDebug: server.appDebug,
        rateLimit: server.rateLimit,
        timezone: server.options.timezone,
        ...snapshotOf(server.state),
      });
    case 'GET /records':
      return {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=UTF-8' },
        body: recordsPage(snapshotOf(server.state)),
      };
    case 'POST /attributes': {
      const id = addAttributeChecked(server, body);
      return typeof id === 'number' ? reply(200, { id }) : reply(400, { error: id });
    }
    default:
      return reply(404, { error: `unknown control endpoint ${route}` });
  }
}
