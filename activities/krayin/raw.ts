/**
 * Krayin requests the typed KrayinApi has no method for (tags, person delete, id-only index pages),
 * sent through the client's own low-level `requestJson`: the same headers, budget, timeouts and error
 * classification as every typed call. Kept here so src/krayin/client.ts stays as it is.
 */
import { z, type ZodType } from 'zod';
import type { KrayinApi } from '../../src/krayin/api';
import type { KrayinRequest } from '../../src/krayin/http';

export interface RawKrayin {
  requestJson<T>(req: KrayinRequest, schema: ZodType<T>): Promise<T>;
}

/** The client behind a connection's KrayinApi (always a KrayinClient in the service). */
export function rawKrayin(krayin: KrayinApi): RawKrayin {
  const raw = krayin as Partial<RawKrayin>;
  if (typeof raw.requestJson !== 'function') throw new TypeError('this Krayin client cannot send raw requests');
  return raw as RawKrayin;
}

const tagSchema = z.object({ id: z.number().int(), name: z.string() });
const tagPage = z.object({ data: z.array(tagSchema) });
/** POST /settings/tags: `{data: TagResource, message}` (a JsonResource whose array already has `data`). */
const tagCreated = z.object({ data: tagSchema }).transform((b) => b.data);

/** The id of the tag with exactly this name, created when Krayin has none (tags names are unique). */
export async function ensureTag(krayin: RawKrayin, name: string): Promise<number> {
  const find = async () => {
    // Index routes filter by any column with an exact IN match (src/krayin/README.md §5).
    const found = await krayin.requestJson(
      {
        method: 'GET',
        endpoint: 'GET /settings/tags',
        path: `/settings/tags?name=${encodeURIComponent(name)}&limit=10`,
      },
      tagPage,
    );
    return found.data.find((t) => t.name === name)?.id ?? null;
  };
  const existing = await find();
  if (existing !== null) return existing;
  try {
    return (
      await krayin.requestJson(
        { method: 'POST', endpoint: 'POST /settings/tags', path: '/settings/tags', body: { name } },
        tagCreated,
      )
    ).id;
  } catch (err) {
    // A concurrent create won ("The name has already been taken."): read it back.
    const again = await find();
    if (again === null) throw err;
    return again;
  }
}

/** Attach a tag; Krayin attaches only when the record does not have it yet, so a retry is harmless. */
export async function attachTag(
  krayin: RawKrayin,
  record: { type: 'person' | 'lead'; id: number },
  tagId: number,
): Promise<void> {
  const path = record.type === 'person' ? `/contacts/persons/${record.id}/tags` : `/leads/${record.id}/tags`;
  const endpoint = record.type === 'person' ? 'POST /contacts/persons/{id}/tags' : 'POST /leads/{id}/tags';
  await krayin.requestJson({ method: 'POST', endpoint, path, body: { tag_id: tagId } }, z.unknown());
}

/** DELETE /contacts/persons/{id}: 200 `{message}`. The caller has checked the person exists and has no lead. */
export async function deletePerson(krayin: RawKrayin, personId: number): Promise<void> {
  await krayin.requestJson(
    { method: 'DELETE', endpoint: 'DELETE /contacts/persons/{id}', path: `/contacts/persons/${personId}` },
    z.unknown(),
  );
}
