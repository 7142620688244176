/**
 * Krayin reference data (pipelines/stages, sources, types, users, attributes) cached per connection.
 * Settings may name things by id or by code/name; they are resolved here. Entries expire after a TTL
 * and a miss forces one refresh, so a stage created in Krayin a minute ago is found without a restart.
 */
import type { LeadSettings } from '../config/schema';
import type { KrayinApi, KrayinAttribute, KrayinNamed, KrayinPipeline, KrayinUser } from '../krayin/api';
import type { AttributeCatalog } from '../mapping/contact';
import { ConnectionConfigError } from './config-error';

export interface LeadTarget {
  pipelineId: number;
  stageId: number;
  sourceId: number | null;
  typeId: number | null;
  ownerId: number | null;
}

/** Every lead setting resolved (target set, no problems) or each wrong one named (target null). */
export interface LeadTargetCheck {
  target: LeadTarget | null;
  problems: ConnectionConfigError[];
}

type Ref = number | string | undefined;

interface Cached<T> {
  value: T;
  at: number;
}

/**
 * How long reference data is trusted. A worker refreshes it on a timer before that (preload), and a
 * miss (a stage or user created in Krayin since) reloads at once, so a long TTL costs no freshness.
 */
export const REFERENCE_TTL_MS = 15 * 60_000;

/** A list loaded this recently is not reloaded for a miss (see listWithRefresh). */
const MIN_RELOAD_MS = 30_000;

export class KrayinLookups {
  private readonly cache = new Map<string, Cached<unknown>>();
  /** When each list was last reloaded because something was missing from it (see listWithRefresh). */
  private readonly missReloadAt = new Map<string, number>();

  constructor(
    private readonly krayin: KrayinApi,
    private readonly ttlMs = REFERENCE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves the lead settings to Krayin ids; throws ConnectionConfigError naming the first bad setting. */
  async leadTarget(lead: LeadSettings): Promise<LeadTarget> {
    const { pipeline, stageId } = await this.resolveStage(lead.pipeline, lead.stage);
    return {
      pipelineId: pipeline.id,
      stageId,
      sourceId: await this.sourceId(lead.source),
      typeId: await this.typeId(lead.type),
      ownerId: await this.ownerId(lead.owner),
    };
  }

  /**
   * Like leadTarget, but resolves every setting and collects each bad one, so the connection check
   * can name them all in one report instead of one per run. A stage is only judged once its pipeline
   * exists. Other errors (Krayin unreachable, token refused) still throw: they are not settings.
   */
  async checkLeadTarget(lead: LeadSettings): Promise<LeadTargetCheck> {
    const problems: ConnectionConfigError[] = [];
    const attempt = async <T>(resolve: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await resolve();
      } catch (err) {
        if (!(err instanceof ConnectionConfigError)) throw err;
        problems.push(err);
        return undefined;
      }
    };
    const stage = await attempt(() => this.resolveStage(lead.pipeline, lead.stage));
    const sourceId = await attempt(() => this.sourceId(lead.source));
    const typeId = await attempt(() => this.typeId(lead.type));
    const ownerId = await attempt(() => this.ownerId(lead.owner));
    if (stage === undefined || sourceId === undefined || typeId === undefined || ownerId === undefined) {
      return { target: null, problems };
    }
    return { target: { pipelineId: stage.pipeline.id, stageId: stage.stageId, sourceId, typeId, ownerId }, problems };
  }

  /** Sales owner for persons and leads: a user id or a user email. */
  async ownerId(owner: Ref): Promise<number | null> {
    if (owner === undefined) return null;
    const match = (users: KrayinUser[]) =>
      users.find((u) => (typeof owner === 'number' ? u.id === owner : u.email.toLowerCase() === owner.toLowerCase()));
    const found = await this.findWithRefresh('users', () => this.krayin.listUsers(), match);
    if (!found) throw new ConnectionConfigError('LEAD_OWNER', `Krayin has no user ${describe(owner)}`);
    return found.id;
  }

  /** True unless the stage is closed (code won/lost, as Krayin itself decides). Unknown stages count as open. */
  async isOpenStage(stageId: number | null): Promise<boolean> {
    if (stageId === null) return true;
    const pipelines = await this.pipelinesIncluding(stageId);
    const stage = pipelines.flatMap((p) => p.stages).find((s) => s.id === stageId);
    return !stage || (stage.code !== 'won' && stage.code !== 'lost');
  }

  /**
   * The catalog, reloaded first when an entity lacks one of the `wanted` codes (an attribute created in
   * Krayin since it was loaded), at most once per MIN_RELOAD_MS for a code Krayin really lacks.
   */
  async attributeCatalogIncluding(wanted: Record<keyof AttributeCatalog, string[]>): Promise<AttributeCatalog> {
    const load = async (entity: keyof AttributeCatalog) =>
      this.listWithRefresh(
        `attributes:${entity}`,
        () => this.krayin.listAttributes(entity),
        (attributes) => wanted[entity].every((code) => attributes.some((a) => a.code === code)),
      );
    return { persons: await load('persons'), organizations: await load('organizations'), leads: await load('leads') };
  }

  async attributeCatalog(): Promise<AttributeCatalog> {
    const [persons, organizations, leads] = await Promise.all([
      this.get('attributes:persons', () => this.krayin.listAttributes('persons')),
      this.get('attributes:organizations', () => this.krayin.listAttributes('organizations')),
      this.get('attributes:leads', () => this.krayin.listAttributes('leads')),
    ]);
    return { persons, organizations, leads };
  }

  /** Pipelines with their stages in order (cached). */
  async pipelines(): Promise<KrayinPipeline[]> {
    return this.get('pipelines', () => this.krayin.listPipelines());
  }

  /** Krayin users (cached), e.g. to match a Chatwoot assignee by email. */
  async users(): Promise<KrayinUser[]> {
    return this.get('users', () => this.krayin.listUsers());
  }

  /** Pipelines, reloaded first when none has this stage (a pipeline or stage created in Krayin since). */
  async pipelinesIncluding(stageId: number | null): Promise<KrayinPipeline[]> {
    return this.listWithRefresh(
      'pipelines',
      () => this.krayin.listPipelines(),
      (pipelines) => stageId === null || pipelines.some((p) => p.stages.some((s) => s.id === stageId)),
    );
  }

  /** Users, reloaded first when none has this email (a user created in Krayin since). */
  async usersIncluding(email: string | null): Promise<KrayinUser[]> {
    const wanted = email?.toLowerCase() ?? null;
    return this.listWithRefresh(
      'users',
      () => this.krayin.listUsers(),
      (users) => wanted === null || users.some((u) => u.email.toLowerCase() === wanted),
    );
  }

  /**
   * Loads the reference data a sync of this connection needs (pipelines and stages, sources, types,
   * users; the attribute catalog when the field map names custom attributes) into the cache, so the
   * first contact after start pays no lookups. Called at worker start and then on a slow timer
   * (src/runtime/connection-services.ts), always before the entries expire. Settings that name
   * something Krayin lacks are not an error here: the sync that needs them reports them.
   */
  async preload(lead: LeadSettings, withAttributes: boolean): Promise<void> {
    await this.get('pipelines', () => this.krayin.listPipelines(), true);
    await this.get('users', () => this.krayin.listUsers(), true);
    if (lead.source !== undefined) await this.get('sources', () => this.krayin.listSources(), true);
    if (lead.type !== undefined) await this.get('types', () => this.krayin.listTypes(), true);
    if (withAttributes) {
      for (const entity of ['persons', 'organizations', 'leads'] as const)
        await this.get(`attributes:${entity}`, () => this.krayin.listAttributes(entity), true);
    }
  }

  /** Forget everything (e.g. after a connection check or a config reload). */
  clear(): void {
    this.cache.clear();
  }

  private async resolveStage(pipelineRef: Ref, stageRef: Ref): Promise<{ pipeline: KrayinPipeline; stageId: number }> {
    const pick = (pipelines: KrayinPipeline[]) => {
      const pipeline =
        pipelineRef === undefined
          ? (pipelines.find((p) => p.is_default === 1) ?? pipelines[0])
          : pipelines.find((p) => matchesIdOrName(p.id, p.name, pipelineRef));
      if (!pipeline) return undefined;
      const stage =
        stageRef === undefined
          ? pipeline.stages[0]
          : pipeline.stages.find(
              (s) => matchesIdOrName(s.id, s.code, stageRef) || matchesIdOrName(s.id, s.name, stageRef),
            );
      return stage ? { pipeline, stageId: stage.id } : undefined;
    };
    const found = await this.findWithRefresh('pipelines', () => this.krayin.listPipelines(), pick);
    if (found) return found;
    const pipelines = await this.get('pipelines', () => this.krayin.listPipelines());
    if (pipelineRef !== undefined && !pipelines.some((p) => matchesIdOrName(p.id, p.name, pipelineRef))) {
      throw new ConnectionConfigError('LEAD_PIPELINE', `Krayin has no pipeline ${describe(pipelineRef)}`);
    }
    throw new ConnectionConfigError('LEAD_STAGE', `the pipeline has no stage ${describe(stageRef)}`);
  }

  private sourceId(ref: Ref): Promise<number | null> {
    return this.resolveNamed('sources', 'LEAD_SOURCE', ref, () => this.krayin.listSources());
  }

  private typeId(ref: Ref): Promise<number | null> {
    return this.resolveNamed('types', 'LEAD_TYPE', ref, () => this.krayin.listTypes());
  }

  private async resolveNamed(
    key: string,
    setting: string,
    ref: Ref,
    load: () => Promise<KrayinNamed[]>,
  ): Promise<number | null> {
    if (ref === undefined) return null;
    const found = await this.findWithRefresh(key, load, (items) =>
      items.find((i) => matchesIdOrName(i.id, i.name, ref)),
    );
    if (!found) throw new ConnectionConfigError(setting, `Krayin has no ${key.replace(/s$/, '')} ${describe(ref)}`);
    return found.id;
  }

  /**
   * The cached list, or a fresh one when it lacks what the caller needs. Not reloaded again within
   * MIN_RELOAD_MS of the last load: a miss that a reload cannot fix (an assignee without a Krayin
   * user) must not cost a Krayin call every time.
   */
  private async listWithRefresh<T>(key: string, load: () => Promise<T>, complete: (v: T) => boolean): Promise<T> {
    const cached = await this.get(key, load);
    if (complete(cached)) return cached;
    // Only reloads made for a miss count here: a list just preloaded at start (or on the timer) may
    // already lack something created in Krayin since, and its first miss must reload.
    const reloadedAt = this.missReloadAt.get(key) ?? 0;
    if (this.now() - reloadedAt < MIN_RELOAD_MS) return cached;
    this.missReloadAt.set(key, this.now());
    return this.get(key, load, true);
  }

  /** Looks in the cache; on a miss reloads once (the thing may have been created since). */
  private async findWithRefresh<T, R>(key: string, load: () => Promise<T>, pick: (v: T) => R | undefined) {
    const hit = pick(await this.get(key, load));
    if (hit !== undefined) return hit;
    return pick(await this.get(key, load, true));
  }

  private async get<T>(key: string, load: () => Promise<T>, refresh = false): Promise<T> {
    const entry = this.cache.get(key) as Cached<T> | undefined;
    if (!refresh && entry && this.now() - entry.at < this.ttlMs) return entry.value;
    const value = await load();
    this.cache.set(key, { value, at: this.now() });
    return value;
  }
}

function matchesIdOrName(id: number, name: string, ref: number | string): boolean {
  if (typeof ref === 'number') return id === ref;
  if (/^\d+$/.test(ref)) return id === Number(ref);
  return name.toLowerCase() === ref.toLowerCase();
}

/** Names the missing reference for an operator; an owner email is not repeated (it is personal data). */
function describe(ref: Ref): string {
  if (typeof ref === 'number') return `with id ${ref}`;
  if (ref?.includes('@')) return 'with the configured email';
  return `named "${ref}"`;
}

export type { KrayinAttribute };
