/**
 * KrayinClient: the KrayinApi over HTTP, one instance per connection (see README.md in this folder).
 * Every method sends what Krayin needs to behave (src/krayin/README.md §1-§13), zod-checks the answer, and resolves
 * with a typed value or rejects with a typed KrayinError. No method retries: Temporal activities do.
 */
import type { Dispatcher } from 'undici';
import type { ZodType } from 'zod';
import type {
  ActivityInput,
  KrayinActivity,
  KrayinApi,
  KrayinAttribute,
  KrayinIdPage,
  KrayinIndexedRecords,
  KrayinLead,
  KrayinNamed,
  KrayinOrganization,
  KrayinPerson,
  KrayinPipeline,
  KrayinTag,
  KrayinUpdatedPage,
  KrayinUser,
  LeadInput,
  OrganizationInput,
  PersonInput,
  PersonsByIdentity,
} from './api';
import {
  deleteMessageSchema,
  webhookSchema,
  workflowSchema,
  type KrayinWebhook,
  type KrayinWorkflow,
  type WebhookInput,
  type WorkflowInput,
} from './automation-schemas';
import { activityBody, leadBody, organizationBody, personBody } from './bodies';
import { decodeResponse, isShowMiss, type RawResponse } from './classify';
import { krayinDateFromOutput, toKrayinDate } from './datetime';
import { KrayinAmbiguousError, KrayinNotFoundError, KrayinValidationError } from './errors';
import { KrayinHttp, type KrayinCallInfo, type KrayinRequest } from './http';
import type { RequestThrottle } from './throttle';
import { collectPages, pagePath } from './paging';
import {
  activitySchema,
  anyJson,
  attributeSchema,
  idOnlySchema,
  item,
  leadSchema,
  leadWithProductsSchema,
  list,
  namedSchema,
  organizationSchema,
  page as pageOf,
  personSchema,
  pipelineSchema,
  tagSchema,
  userSchema,
} from './schemas';
import {
  emailSearchTerms,
  emailShapeTerm,
  nameNeedsClientSideFilter,
  personHasEmail,
  personHasPhone,
  phoneSearch,
  sameOrganizationName,
} from './search';

export interface KrayinClientOptions {
  /** API base, e.g. http://127.0.0.1:8000/api/v1 */
  baseUrl: string;
  /** Sanctum token "<id>|<secret>"; only ever sent to `baseUrl`. */
  token: string;
  /** Krayin's APP_TIMEZONE: input datetimes are wall time there. */
  timezone: string;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Metrics hook, called once per HTTP call. */
  onCall?: (c: KrayinCallInfo) => void;
  /** The connection's request budget (see throttle.ts); none = unthrottled (tests, one-off tools). */
  throttle?: RequestThrottle;
  /** How long a write without an answer may still be running in Krayin (see http.ts). Default 60 s. */
  writeSettleMs?: number;
  /** Clock for "today" in Krayin's timezone (tests). */
  now?: () => Date;
}

/**
 * Rows asked of a /search endpoint. Search is not paginated; a full answer may hide more matches, so
 * it triggers a scan of the index instead (see findPersons).
 */
export const SEARCH_LIMIT = 100;

const ACTIVITY_HEADERS = {
  // A meeting that overlaps another answers 302 + HTML without this header, 400 + JSON with it.
  'x-requested-with': 'XMLHttpRequest',
};

/** The index route of each record kind a full reconciliation pages by id. */
const INDEX_ROUTES: Record<KrayinIndexedRecords, { endpoint: string; path: string }> = {
  persons: { endpoint: 'GET /contacts/persons', path: '/contacts/persons' },
  leads: { endpoint: 'GET /leads', path: '/leads' },
  organizations: { endpoint: 'GET /contacts/organizations', path: '/contacts/organizations' },
};

function assertId(endpoint: string, field: string, id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new KrayinValidationError(endpoint, { [field]: ['must be a positive integer'] }, `${endpoint}: bad ${field}`);
  }
}

export class KrayinClient implements KrayinApi {
  readonly timezone: string;
  readonly #http: KrayinHttp;
  readonly #now: () => Date;

  constructor(opts: KrayinClientOptions) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: opts.timezone });
    } catch {
      throw new TypeError('Krayin timezone must be an IANA time zone such as "UTC" or "Asia/Kolkata"');
    }
    this.timezone = opts.timezone;
    this.#now = opts.now ?? (() => new Date());
    this.#http = new KrayinHttp(opts);
  }

  get baseUrl(): string {
    return this.#http.baseUrl;
  }

  /** Releases the connection pool. */
  close(): Promise<void> {
    return this.#http.close();
  }

  /**
   * Low-level call for requests the API has no method for (deletes, logins, raw index reads): the same
   * headers, timeouts, classification and zod check as every method.
   */
  requestJson<T>(req: KrayinRequest, schema: ZodType<T>): Promise<T> {
    return this.#http.exchange(req, (res) => decodeResponse(req.endpoint, res, schema, this.#now()));
  }

  /** A GET whose "no such record" answer becomes null, decided by `isMiss`. */
  #getOrNull<T>(endpoint: string, path: string, schema: ZodType<T>, isMiss: (r: RawResponse) => boolean) {
    return this.#http.exchange<T | null>({ method: 'GET', endpoint, path }, (res) =>
      isMiss(res) ? null : decodeResponse(endpoint, res, schema, this.#now()),
    );
  }

  #pages<T extends { id: number }>(endpoint: string, path: string, query: string, schema: ZodType<T>): Promise<T[]> {
    const pageSchema = pageOf(schema);
    return collectPages(endpoint, (p) =>
      this.requestJson({ method: 'GET', endpoint, path: pagePath(path, query, p) }, pageSchema),
    );
  }

  // -- identity / lookups

  async getCurrentUser(): Promise<KrayinUser> {
    return this.requestJson({ method: 'GET', endpoint: 'GET /get', path: '/get' }, item(userSchema));
  }

  async listPipelines(): Promise<KrayinPipeline[]> {
    return this.#pages('GET /settings/pipelines', '/settings/pipelines', '', pipelineSchema);
  }

  async listSources(): Promise<KrayinNamed[]> {
    return this.#pages('GET /settings/sources', '/settings/sources', '', namedSchema);
  }

  async listTypes(): Promise<KrayinNamed[]> {
    return this.#pages('GET /settings/types', '/settings/types', '', namedSchema);
  }

  async listUsers(): Promise<KrayinUser[]> {
    return this.#pages('GET /settings/users', '/settings/users', '', userSchema);
  }

  /** `entity_type` is not a filter Krayin accepts on this route: it returns every attribute. */
  async listAttributes(entityType: 'persons' | 'organizations' | 'leads'): Promise<KrayinAttribute[]> {
    const all = await this.#pages('GET /settings/attributes', '/settings/attributes', '', attributeSchema);
    return all.filter((a) => a.entity_type === entityType);
  }

  // -- persons

  /** One substring search; `full` when Krayin returned as many rows as asked (more may exist). */
  async #searchPersons(field: 'emails' | 'contact_numbers', term: string) {
    const endpoint = 'GET /contacts/persons/search';
    const query = `search=${field}:${encodeURIComponent(term)}&searchFields=${field}:like&limit=${SEARCH_LIMIT}`;
    const rows = await this.requestJson(
      { method: 'GET', endpoint, path: `/contacts/persons/search?${query}` },
      list(personSchema),
    );
    return { rows, full: rows.length >= SEARCH_LIMIT };
  }

  /**
   * Persons matching `accept`, found through substring searches for `terms`. When a search comes back
   * full (or there is no safe term) the matches may not all be in it, so the whole index is scanned
   * instead: slower, but never a missed match (which would create a duplicate person).
   */
  async #findPersons(field: 'emails' | 'contact_numbers', terms: string[], accept: (p: KrayinPerson) => boolean) {
    const found = new Map<number, KrayinPerson>();
    let complete = terms.length > 0;
    for (const term of terms) {
      const { rows, full } = await this.#searchPersons(field, term);
      if (full) {
        complete = false;
        break;
      }
      for (const p of rows) found.set(p.id, p);
    }
    const candidates = complete
      ? [...found.values()]
      : await this.#pages('GET /contacts/persons', '/contacts/persons', '', personSchema);
    return candidates.filter(accept).sort((a, b) => a.id - b.id);
  }

  /**
   * Exact email, any letter case: one search by the email's shape (see emailShapeTerm). When more
   * persons share the shape than one search returns, the exact-case terms are searched instead (and
   * the index scanned if one of those comes back full): then a variant typed in another case can be
   * missed, but no exact match ever is, and a large CRM is not scanned for every new contact.
   */
  async findPersonsByEmail(email: string): Promise<KrayinPerson[]> {
    if (email.trim() === '') return [];
    const accept = (p: KrayinPerson) => personHasEmail(p, email);
    const shape = emailShapeTerm(email);
    if (shape !== null) {
      const { rows, full } = await this.#searchPersons('emails', shape);
      if (!full) return rows.filter(accept).sort((a, b) => a.id - b.id);
    }
    return this.#findPersons('emails', emailSearchTerms(email), accept);
  }

  /**
   * The persons with this email, and (only needed when none has it) those with this phone, in ONE
   * search: prettus ORs the fields of `search=emails:..;contact_numbers:..` (src/krayin/README.md §6),
   * and both post-filters run on the rows. A full answer (more rows may exist) or an email without a
   * safe shape falls back to the separate searches, email first.
   */
  async findPersonsByIdentity(email: string, phoneE164: string | null): Promise<PersonsByIdentity> {
    const shape = email.trim() === '' ? null : emailShapeTerm(email);
    const phone = phoneE164 ? phoneSearch(phoneE164) : null;
    if (shape !== null && phone !== null && phone.term !== '') {
      const endpoint = 'GET /contacts/persons/search';
      const search = `emails:${encodeURIComponent(shape)};contact_numbers:${encodeURIComponent(phone.term)}`;
      const query = `search=${search}&searchFields=emails:like;contact_numbers:like&limit=${SEARCH_LIMIT}`;
      const rows = await this.requestJson(
        { method: 'GET', endpoint, path: `/contacts/persons/search?${query}` },
        list(personSchema),
      );
      if (rows.length < SEARCH_LIMIT) {
        const byId = (a: KrayinPerson, b: KrayinPerson) => a.id - b.id;
        return {
          byEmail: rows.filter((p) => personHasEmail(p, email)).sort(byId),
          byPhone: rows.filter((p) => personHasPhone(p, phone)).sort(byId),
        };
      }
    }
    const byEmail = await this.findPersonsByEmail(email);
    if (byEmail.length > 0 || !phoneE164) return { byEmail, byPhone: [] };
    return { byEmail, byPhone: await this.findPersonsByPhone(phoneE164) };
  }

  async findPersonsByPhone(phoneE164: string): Promise<KrayinPerson[]> {
    const search = phoneSearch(phoneE164);
    if (search.term === '') return [];
    return this.#findPersons('contact_numbers', [search.term], (p) => personHasPhone(p, search));
  }

  async getPerson(id: number): Promise<KrayinPerson | null> {
    const endpoint = 'GET /contacts/persons/{id}';
    assertId(endpoint, 'id', id);
    return this.#getOrNull(endpoint, `/contacts/persons/${id}`, item(personSchema), isShowMiss);
  }

  async createPerson(input: PersonInput): Promise<KrayinPerson> {
    const endpoint = 'POST /contacts/persons';
    return this.requestJson(
      { method: 'POST', endpoint, path: '/contacts/persons', body: personBody(input) },
      item(personSchema),
    );
  }

  /**
   * Full-state PUT. Krayin wipes the sales owner when `user_id` is omitted, so when the input leaves it
   * undefined the current owner is read first and resent (`null` clears it on purpose).
   */
  async updatePerson(id: number, input: PersonInput): Promise<KrayinPerson> {
    const endpoint = 'PUT /contacts/persons/{id}';
    assertId(endpoint, 'id', id);
    let userId = input.user_id;
    if (userId === undefined) {
      const current = await this.getPerson(id);
      if (!current) throw new KrayinNotFoundError(endpoint, `${endpoint}: the person no longer exists`);
      userId = current.sales_owner?.id ?? null;
    }
    const body = personBody({ ...input, user_id: userId });
    return this.requestJson({ method: 'PUT', endpoint, path: `/contacts/persons/${id}`, body }, item(personSchema));
  }

  /** 200 `{message}`; the answer's content is not needed (a refused delete is a 500, classified as usual). */
  async deletePerson(id: number): Promise<void> {
    const endpoint = 'DELETE /contacts/persons/{id}';
    assertId(endpoint, 'id', id);
    await this.requestJson({ method: 'DELETE', endpoint, path: `/contacts/persons/${id}` }, anyJson);
  }

  // -- organizations

  async findOrganizationsByName(name: string): Promise<KrayinOrganization[]> {
    const endpoint = 'GET /contacts/organizations';
    // A name with a comma would be split into an IN (...) list and match *other* organizations.
    const query = nameNeedsClientSideFilter(name) ? '' : `name=${encodeURIComponent(name.trim())}`;
    const rows = await this.#pages(endpoint, '/contacts/organizations', query, organizationSchema);
    return rows.filter((o) => sameOrganizationName(o.name, name));
  }

  async getOrganization(id: number): Promise<KrayinOrganization | null> {
    const endpoint = 'GET /contacts/organizations/{id}';
    assertId(endpoint, 'id', id);
    return this.#getOrNull(endpoint, `/contacts/organizations/${id}`, item(organizationSchema), isShowMiss);
  }

  async createOrganization(input: OrganizationInput): Promise<KrayinOrganization> {
    const endpoint = 'POST /contacts/organizations';
    const body = organizationBody(input);
    return this.requestJson(
      { method: 'POST', endpoint, path: '/contacts/organizations', body },
      item(organizationSchema),
    );
  }

  async updateOrganization(id: number, input: OrganizationInput): Promise<KrayinOrganization> {
    const endpoint = 'PUT /contacts/organizations/{id}';
    assertId(endpoint, 'id', id);
    const body = organizationBody(input);
    return this.requestJson(
      { method: 'PUT', endpoint, path: `/contacts/organizations/${id}`, body },
      item(organizationSchema),
    );
  }

  // -- leads

  async findLeadsByPerson(personId: number): Promise<KrayinLead[]> {
    const endpoint = 'GET /leads';
    assertId(endpoint, 'person_id', personId);
    const rows = await this.#pages(endpoint, '/leads', `person_id=${personId}`, leadSchema);
    return rows.sort((a, b) => b.id - a.id);
  }

  async getLead(id: number): Promise<KrayinLead | null> {
    const endpoint = 'GET /leads/{id}';
    assertId(endpoint, 'id', id);
    return this.#getOrNull(endpoint, `/leads/${id}`, item(leadSchema), (r) => r.status === 404);
  }

  async createLead(input: LeadInput, person: { id: number } | PersonInput): Promise<KrayinLead> {
    const endpoint = 'POST /leads';
    let personRef: Record<string, unknown>;
    if ('id' in person) {
      assertId(endpoint, 'person.id', person.id);
      personRef = { id: person.id };
    } else {
      personRef = personBody(person, 'nested');
    }
    const body = leadBody(input, { person: personRef });
    return this.requestJson({ method: 'POST', endpoint, path: '/leads', body }, item(leadSchema));
  }

  /**
   * Full-state PUT. Krayin deletes every product row and the expected close date that a PUT does not
   * resend, so the lead is read first: its product rows are always resent, and its close date when the
   * input leaves `expected_close_date` undefined. A close date already in the past cannot be resent
   * (Krayin accepts only today or later), so it is cleared rather than failing every update.
   */
  async updateLead(id: number, input: LeadInput): Promise<KrayinLead> {
    const endpoint = 'PUT /leads/{id}';
    assertId(endpoint, 'id', id);
    const current = await this.#getOrNull('GET /leads/{id}', `/leads/${id}`, item(leadWithProductsSchema), (r) => {
      return r.status === 404;
    });
    if (!current) throw new KrayinNotFoundError(endpoint, `${endpoint}: the lead no longer exists`);
    let closeDate = input.expected_close_date;
    if (closeDate === undefined) {
      closeDate = current.expected_close_date ? this.#localDate(endpoint, current.expected_close_date) : null;
      if (closeDate !== null && closeDate < toKrayinDate(this.#now(), this.timezone)) closeDate = null;
    }
    const body = leadBody({ ...input, expected_close_date: closeDate }, { products: current.lead_products });
    return this.requestJson({ method: 'PUT', endpoint, path: `/leads/${id}`, body }, item(leadSchema));
  }

  /** Krayin's close-date output (UTC ISO of local midnight, or a bare Y-m-d) as the local Y-m-d. */
  #localDate(endpoint: string, value: string): string {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    try {
      return krayinDateFromOutput(value, this.timezone);
    } catch {
      throw new KrayinAmbiguousError(endpoint, 200, `${endpoint}: unreadable expected_close_date`);
    }
  }

  async moveLeadStage(id: number, stageId: number): Promise<KrayinLead> {
    const endpoint = 'PUT /leads/stage/edit/{id}';
    assertId(endpoint, 'id', id);
    assertId(endpoint, 'lead_pipeline_stage_id', stageId);
    const body = { lead_pipeline_stage_id: stageId };
    return this.requestJson({ method: 'PUT', endpoint, path: `/leads/stage/edit/${id}`, body }, item(leadSchema));
  }

  // -- tags

  /**
   * Index filters are exact (src/krayin/README.md §5) and tag names unique, so one short page holds the
   * match; a comma in the name splits Krayin's filter into an IN list, which the exact post-filter undoes.
   */
  async findTagsByName(name: string): Promise<KrayinTag[]> {
    const endpoint = 'GET /settings/tags';
    const path = `/settings/tags?name=${encodeURIComponent(name)}&limit=10`;
    const rows = await this.requestJson({ method: 'GET', endpoint, path }, list(tagSchema));
    return rows.filter((t) => t.name === name);
  }

  /** POST /settings/tags answers `{data: TagResource, message}`. */
  async createTag(name: string): Promise<KrayinTag> {
    const endpoint = 'POST /settings/tags';
    return this.requestJson({ method: 'POST', endpoint, path: '/settings/tags', body: { name } }, item(tagSchema));
  }

  async attachTag(record: { type: 'person' | 'lead'; id: number }, tagId: number): Promise<void> {
    const endpoint = record.type === 'person' ? 'POST /contacts/persons/{id}/tags' : 'POST /leads/{id}/tags';
    assertId(endpoint, 'id', record.id);
    assertId(endpoint, 'tag_id', tagId);
    const path = record.type === 'person' ? `/contacts/persons/${record.id}/tags` : `/leads/${record.id}/tags`;
    await this.requestJson({ method: 'POST', endpoint, path, body: { tag_id: tagId } }, anyJson);
  }

  // -- id pages

  /** `?sort=id&order=asc`: each page is an id window, so the caller can diff it against its own ids. */
  async listIdPage(records: KrayinIndexedRecords, page: number, limit: number): Promise<KrayinIdPage> {
    const { endpoint, path } = INDEX_ROUTES[records];
    const listed = await this.requestJson(
      { method: 'GET', endpoint, path: `${path}?sort=id&order=asc&limit=${limit}&page=${page}` },
      pageOf(idOnlySchema),
    );
    return { ids: listed.data.map((r) => r.id), last: listed.meta.current_page >= listed.meta.last_page };
  }

  /** `?sort=id&order=asc`: every person once, for the id scan. */
  listPersonsByIdPage(page: number, limit: number): Promise<KrayinUpdatedPage<KrayinPerson>> {
    return this.personsPage('sort=id&order=asc', page, limit);
  }

  private async personsPage(sort: string, page: number, limit: number): Promise<KrayinUpdatedPage<KrayinPerson>> {
    const { endpoint, path } = INDEX_ROUTES.persons;
    const listed = await this.requestJson(
      { method: 'GET', endpoint, path: pagePath(path, sort, page, limit) },
      pageOf(personSchema),
    );
    return { rows: listed.data, last: listed.meta.current_page >= listed.meta.last_page };
  }

  // -- recently updated pages

  /** `?sort=updated_at&order=desc`: the newest changes first; the caller stops at its watermark. */
  listPersonsByUpdate(page: number, limit: number): Promise<KrayinUpdatedPage<KrayinPerson>> {
    return this.personsPage('sort=updated_at&order=desc', page, limit);
  }

  async listLeadsByUpdate(page: number, limit: number): Promise<KrayinUpdatedPage<KrayinLead>> {
    const { endpoint, path } = INDEX_ROUTES.leads;
    const listed = await this.requestJson(
      { method: 'GET', endpoint, path: pagePath(path, 'sort=updated_at&order=desc', page, limit) },
      pageOf(leadSchema),
    );
    return { rows: listed.data, last: listed.meta.current_page >= listed.meta.last_page };
  }

  /** `?type=...&sort=updated_at&order=desc`: the type filter drops Krayin's own `system` rows server-side. */
  async listActivitiesByUpdate(
    page: number,
    limit: number,
    types: readonly string[],
  ): Promise<KrayinUpdatedPage<KrayinActivity>> {
    const endpoint = 'GET /activities';
    const typeFilter = `type=${types.map(encodeURIComponent).join(',')}&sort=updated_at&order=desc`;
    const listed = await this.requestJson(
      { method: 'GET', endpoint, path: pagePath('/activities', typeFilter, page, limit) },
      pageOf(activitySchema),
    );
    return { rows: listed.data, last: listed.meta.current_page >= listed.meta.last_page };
  }

  // -- activities

  async createActivity(input: ActivityInput): Promise<KrayinActivity> {
    const endpoint = 'POST /activities';
    const body = activityBody(endpoint, input, this.timezone);
    return this.requestJson(
      { method: 'POST', endpoint, path: '/activities', body, headers: ACTIVITY_HEADERS },
      item(activitySchema),
    );
  }

  async updateActivity(id: number, input: Partial<ActivityInput>): Promise<KrayinActivity> {
    const endpoint = 'PUT /activities/{id}';
    assertId(endpoint, 'id', id);
    const body = activityBody(endpoint, input, this.timezone);
    return this.requestJson(
      { method: 'PUT', endpoint, path: `/activities/${id}`, body, headers: ACTIVITY_HEADERS },
      item(activitySchema),
    );
  }

  async getActivity(id: number): Promise<KrayinActivity | null> {
    const endpoint = 'GET /activities/{id}';
    assertId(endpoint, 'id', id);
    return this.#getOrNull(endpoint, `/activities/${id}`, item(activitySchema), (r) => r.status === 404);
  }

  async listLeadActivities(leadId: number): Promise<KrayinActivity[]> {
    const endpoint = 'GET /leads/{id}/activities';
    assertId(endpoint, 'id', leadId);
    return this.requestJson({ method: 'GET', endpoint, path: `/leads/${leadId}/activities` }, list(activitySchema));
  }

  async listPersonActivities(personId: number): Promise<KrayinActivity[]> {
    const endpoint = 'GET /contacts/persons/{id}/activities';
    assertId(endpoint, 'id', personId);
    return this.requestJson(
      { method: 'GET', endpoint, path: `/contacts/persons/${personId}/activities` },
      list(activitySchema),
    );
  }

  // -- automation (Krayin's webhooks and workflows; src/krayin/README.md §14)

  async listWebhooks(): Promise<KrayinWebhook[]> {
    return this.#pages('GET /settings/webhooks', '/settings/webhooks', '', webhookSchema);
  }

  /** Send `headers: []`, never null: a webhook with null headers makes every triggering update a 500. */
  async createWebhook(input: WebhookInput): Promise<KrayinWebhook> {
    const endpoint = 'POST /settings/webhooks';
    return this.requestJson({ method: 'POST', endpoint, path: '/settings/webhooks', body: input }, item(webhookSchema));
  }

  async updateWebhook(id: number, input: WebhookInput): Promise<KrayinWebhook> {
    const endpoint = 'PUT /settings/webhooks/{id}';
    assertId(endpoint, 'id', id);
    return this.requestJson(
      { method: 'PUT', endpoint, path: `/settings/webhooks/${id}`, body: input },
      item(webhookSchema),
    );
  }

  async deleteWebhook(id: number): Promise<void> {
    const endpoint = 'DELETE /settings/webhooks/{id}';
    assertId(endpoint, 'id', id);
    await this.#delete(endpoint, `/settings/webhooks/${id}`);
  }

  /** Each workflow's `event` reads back as its entity_type (Krayin bug): identify workflows by name. */
  async listWorkflows(): Promise<KrayinWorkflow[]> {
    return this.#pages('GET /settings/workflows', '/settings/workflows', '', workflowSchema);
  }

  async createWorkflow(input: WorkflowInput): Promise<KrayinWorkflow> {
    const endpoint = 'POST /settings/workflows';
    return this.requestJson(
      { method: 'POST', endpoint, path: '/settings/workflows', body: input },
      item(workflowSchema),
    );
  }

  async updateWorkflow(id: number, input: WorkflowInput): Promise<KrayinWorkflow> {
    const endpoint = 'PUT /settings/workflows/{id}';
    assertId(endpoint, 'id', id);
    return this.requestJson(
      { method: 'PUT', endpoint, path: `/settings/workflows/${id}`, body: input },
      item(workflowSchema),
    );
  }

  async deleteWorkflow(id: number): Promise<void> {
    const endpoint = 'DELETE /settings/workflows/{id}';
    assertId(endpoint, 'id', id);
    await this.#delete(endpoint, `/settings/workflows/${id}`);
  }

  /** Krayin answers some failed deletes with 200 and a "... delete failed." message. */
  async #delete(endpoint: string, path: string): Promise<void> {
    const message = await this.requestJson({ method: 'DELETE', endpoint, path }, deleteMessageSchema);
    if (/delete failed/i.test(message))
      throw new KrayinAmbiguousError(endpoint, 200, `${endpoint}: Krayin says the delete failed`);
  }
}
