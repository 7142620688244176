/**
 * "Conversion of synced leads by stage": where the Krayin leads our contacts link to are now, read from
 * Krayin (the store knows which leads, only Krayin knows their stage today). Bounded and cached so the
 * page never spends much of the connection's Krayin budget: at most `maxLeads` lead reads (one call each,
 * the newest linked leads) plus the pipelines (reference data, usually cached already), once per
 * `ttlMs` per connection, at background priority so live syncs go first. The calls made are counted and
 * shown on the page.
 */
import { countingKrayinCalls } from './call-tally';
import { runWithKrayinPriority } from '../krayin/priority';
import type { KrayinLead, KrayinPipeline } from '../krayin/api';
import type { Store } from '../store/types';

export interface StageCount {
  pipeline: string;
  stage: string;
  /** Krayin's stage code ("won", "lost", ...) when known. */
  code: string | null;
  leads: number;
}

export interface Conversion {
  stages: StageCount[];
  /** Leads read from Krayin (at most maxLeads). */
  read: number;
  /** Linked leads in all. */
  total: number;
  /** Read but gone from Krayin. */
  missing: number;
  /** Krayin calls this reading cost. */
  krayinCalls: number;
  readAt: Date;
}

export interface LeadSource {
  getLead(id: number): Promise<KrayinLead | null>;
}

export interface ConversionOptions {
  maxLeads?: number;
  ttlMs?: number;
  now?: () => Date;
  /** Lead reads in flight at once. */
  concurrency?: number;
}

export const DEFAULT_MAX_LEADS = 50;
export const DEFAULT_TTL_MS = 15 * 60_000;

export class LeadStageReader {
  readonly maxLeads: number;
  readonly ttlMs: number;
  readonly #now: () => Date;
  readonly #concurrency: number;
  readonly #cache = new Map<string, { at: number; value: Promise<Conversion> }>();

  constructor(opts: ConversionOptions = {}) {
    this.maxLeads = opts.maxLeads ?? DEFAULT_MAX_LEADS;
    this.ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.#now = opts.now ?? (() => new Date());
    this.#concurrency = opts.concurrency ?? 4;
  }

  /** The cached reading when fresh, else a new one (concurrent callers share it; a failed one is not kept). */
  read(
    connectionId: string,
    store: Pick<Store, 'analytics'>,
    krayin: LeadSource,
    pipelines: () => Promise<KrayinPipeline[]>,
  ): Promise<Conversion> {
    const now = this.#now().getTime();
    const hit = this.#cache.get(connectionId);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = this.#readNow(connectionId, store, krayin, pipelines);
    this.#cache.set(connectionId, { at: now, value });
    value.catch(() => {
      if (this.#cache.get(connectionId)?.value === value) this.#cache.delete(connectionId);
    });
    return value;
  }

  async #readNow(
    connectionId: string,
    store: Pick<Store, 'analytics'>,
    krayin: LeadSource,
    pipelines: () => Promise<KrayinPipeline[]>,
  ): Promise<Conversion> {
    const { total, ids } = await store.analytics.linkedLeads(connectionId, this.maxLeads);
    let krayinCalls = 0;
    const leads: (KrayinLead | null)[] = [];
    const known = await countingKrayinCalls(
      () =>
        runWithKrayinPriority('background', async () => {
          let next = 0;
          const worker = async () => {
            while (next < ids.length) {
              const id = ids[next++]!;
              leads.push(await krayin.getLead(id));
            }
          };
          await Promise.all(Array.from({ length: Math.min(this.#concurrency, ids.length) }, worker));
          return ids.length > 0 ? await pipelines() : [];
        }),
      async (calls) => {
        krayinCalls = calls;
      },
    );
    const stageNames = new Map<number, { pipeline: string; stage: string; code: string | null; order: number }>();
    let order = 0;
    for (const p of known)
      for (const s of p.stages) stageNames.set(s.id, { pipeline: p.name, stage: s.name, code: s.code, order: order++ });
    const counts = new Map<string, StageCount & { order: number }>();
    let missing = 0;
    for (const lead of leads) {
      if (!lead) {
        missing++;
        continue;
      }
      const id = lead.lead_pipeline_stage_id;
      const named = id === null ? undefined : stageNames.get(id);
      const key = named ? `${named.pipeline}\u0000${named.stage}` : `?${id ?? 'none'}`;
      const row = counts.get(key) ?? {
        pipeline: named?.pipeline ?? 'Unknown pipeline',
        stage: named?.stage ?? (id === null ? 'No stage' : `Stage ${id}`),
        code: named?.code ?? null,
        leads: 0,
        order: named?.order ?? Number.MAX_SAFE_INTEGER,
      };
      row.leads++;
      counts.set(key, row);
    }
    const stages = [...counts.values()].sort((a, b) => a.order - b.order).map(({ order: _o, ...s }) => s);
    return { stages, read: ids.length, total, missing, krayinCalls, readAt: this.#now() };
  }
}
