/**
 * Tags, as rest-api 2.1.1 has them: `/settings/tags` (an index route, filterable by any column, and a
 * create with `name` required and unique), and attach on persons (`{message}`) and leads
 * (`{data:{message}}`): `find($id)` then `$record->tags->contains(tag_id)` or attach, so attaching twice
 * is a no-op, a missing record is a PHP "property on null" 500, and an unknown tag_id breaks the pivot's
 * foreign key (QueryException 500). Attaching is a pivot insert: the record's updated_at does not move.
 * Sources: RA Http/Controllers/V1/{Setting,Contact/Persons,Lead}/TagController.php, TagResource.php.
 */
import { ok, authUserId, type Ctx, type Reply } from '../context';
import { KrayinError } from '../errors';
import { listIndex } from '../index-query';
import { ciEquals, mysqlNumber, mysqlText } from '../mysql';
import { phpToString } from '../php';
import { userResource } from '../presenters';
import type { RouteDef } from '../routes';
import type { State, TagPivot, TagRow } from '../state';
import { isoFromWall, wallNow } from '../time';
import { validate } from '../validation';

const VENDOR = '/var/www/krayin/vendor';

export function tagResource(state: State, t: TagRow): Record<string, unknown> {
  const user = state.user(t.user_id);
  return {
    id: t.id,
    name: t.name,
    color: t.color,
    // `new UserResource(null)` serialises as null.
    user: user ? userResource(state, user) : null,
    created_at: isoFromWall(t.created_at, state.tz),
    updated_at: isoFromWall(t.updated_at, state.tz),
  };
}

function store(ctx: Ctx): Reply {
  const s = ctx.state;
  validate(ctx.req.input, [
    [
      'name',
      [
        { kind: 'required' },
        {
          kind: 'custom',
          check: (_f, v) =>
            s.tags.some((t) => ciEquals(t.name, phpToString(v))) ? 'The name has already been taken.' : null,
        },
      ],
    ],
  ]);
  const now = wallNow(ctx.tz);
  const tag: TagRow = {
    id: s.nextId('tags'),
    name: mysqlText(ctx.req.input.name ?? null) ?? '',
    color: mysqlText(ctx.req.input.color ?? null),
    user_id: authUserId(ctx),
    created_at: now,
    updated_at: now,
  };
  s.tags.push(tag);
  // A JsonResource over an array that already has `data`: not wrapped again.
  return ok({ data: tagResource(s, tag), message: 'Tag created successfully.' });
}

function attach(ctx: Ctx, table: 'persons' | 'leads', pivots: TagPivot[], model: string): void {
  const s = ctx.state;
  const id = mysqlNumber(ctx.req.params.id);
  const exists = table === 'persons' ? s.person(id) : s.lead(id);
  if (!exists) {
    throw KrayinError.php(
      'ErrorException',
      'Attempt to read property "tags" on null',
      `${VENDOR}/krayin/rest-api/src/Http/Controllers/V1/${model}/TagController.php`,
      28,
    );
  }
  const tagId = mysqlNumber(ctx.req.input.tag_id ?? null);
  if (pivots.some((p) => p.entity_id === exists.id && p.tag_id === tagId)) return;
  if (!s.tags.some((t) => t.id === tagId)) {
    throw KrayinError.query(
      'SQLSTATE[23000]: Integrity constraint violation: 1452 Cannot add or update a child row: a foreign key constraint fails',
      `insert into \`${table === 'persons' ? 'person' : 'lead'}_tags\` (\`tag_id\`, ...) values (${String(tagId)}, ${exists.id})`,
    );
  }
  pivots.push({ entity_id: exists.id, tag_id: tagId as number });
}

export const tagRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/settings/tags',
    handler: (ctx) =>
      ok(listIndex(ctx, { sql: 'tags', rows: ctx.state.tags, present: (t: TagRow) => tagResource(ctx.state, t) })),
  },
  { method: 'POST', path: '/settings/tags', handler: store },
  {
    method: 'POST',
    path: '/contacts/persons/{id}/tags',
    handler: (ctx) => {
      attach(ctx, 'persons', ctx.state.personTags, 'Contact/Persons');
      return ok({ message: 'Tag attached successfully.' });
    },
  },
  {
    method: 'POST',
    path: '/leads/{id}/tags',
    handler: (ctx) => {
      attach(ctx, 'leads', ctx.state.leadTags, 'Lead');
      return ok({ data: { message: 'Tag attached successfully.' } });
    },
  },
];
