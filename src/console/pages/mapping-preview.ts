/**
 * The mapping preview: a real Chatwoot contact run through the SAME pure functions the sync uses
 * (mapContact, personInputFor, leadInputFor, and the Krayin client's body builders), giving the
 * payloads the sync would send for a new contact. Only reads: the Chatwoot contact, Krayin's
 * reference data (pipelines, users, sources, types). Nothing is written anywhere.
 */
import { request } from 'undici';
import { contactListResponse, type ChatwootApiContact } from '../../chatwoot/api-schemas';
import { describeNetworkError, errorForStatus } from '../../chatwoot/api-client';
import { ChatwootTransientError, ChatwootUnexpectedResponseError } from '../../chatwoot/errors';
import type { ConnectionConfig, FieldMap } from '../../config/schema';
import { leadBody, organizationBody, personBody } from '../../krayin/bodies';
import { mapContact, type AttributeCatalog } from '../../mapping/contact';
import type { ContactPlan } from '../../mapping/types';
import { leadInputFor } from '../../sync/lead-input';
import type { KrayinLookups, LeadTarget } from '../../sync/lookups';
import { personInputFor } from '../../sync/person-input';

/** At most this many contacts are offered when a search matches several. */
export const SEARCH_LIMIT = 15;

/**
 * GET /contacts/search?q= (name, email, phone, identifier; one page of 15). The connection's
 * Chatwoot client has no search (the sync never needs one), so the page asks Chatwoot itself, with
 * the client's error mapping. Rate limited by Chatwoot to 100 a minute per account.
 */
export async function searchChatwootContacts(connection: ConnectionConfig, q: string): Promise<ChatwootApiContact[]> {
  const endpoint = 'GET /contacts/search';
  const { url, accountId, apiToken, timeoutMs } = connection.chatwoot;
  const target = new URL(`${url.replace(/\/+$/, '')}/api/v1/accounts/${accountId}/contacts/search`);
  target.searchParams.set('q', q);
  target.searchParams.set('page', '1');
  let status: number;
  let text: string;
  let retryAfter: unknown;
  try {
    const res = await request(target, {
      method: 'GET',
      headers: { api_access_token: apiToken, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.statusCode;
    retryAfter = res.headers['retry-after'];
    text = await res.body.text();
  } catch (err) {
    throw new ChatwootTransientError(endpoint, null, `Chatwoot request failed: ${describeNetworkError(err)}`);
  }
  if (status < 200 || status >= 300) throw errorForStatus(endpoint, status, text, retryAfter);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ChatwootUnexpectedResponseError(
      endpoint,
      status,
      `Chatwoot answered ${status} for ${endpoint} without JSON`,
    );
  }
  const parsed = contactListResponse.safeParse(body);
  if (!parsed.success)
    throw new ChatwootUnexpectedResponseError(endpoint, status, `Chatwoot answered ${endpoint} in an unexpected shape`);
  return parsed.data.payload.slice(0, SEARCH_LIMIT);
}

export interface PreviewResult {
  plan: ContactPlan;
  /** Bodies as the Krayin client would send them (POST /contacts/persons, /contacts/organizations, /leads). */
  person: Record<string, unknown> | null;
  organization: Record<string, unknown> | null;
  lead: Record<string, unknown> | null;
  /** Why the lead body is missing although the plan has a lead (a lead setting Krayin lacks). */
  leadProblem: string | null;
}

/**
 * Maps the contact with `fieldMap` in place of the connection's own, as a new contact: no Krayin
 * record exists yet, so the organization id is left out of the person (the sync fills it in once the
 * organization exists) and the lead names no person.
 */
export async function previewContact(
  contact: ChatwootApiContact,
  connection: ConnectionConfig,
  fieldMap: FieldMap,
  catalog: AttributeCatalog | undefined,
  lookups: KrayinLookups,
): Promise<PreviewResult> {
  const sync = { ...connection.sync, fieldMap };
  const plan = mapContact(contact, sync, catalog, { timezone: connection.krayin.timezone });
  if (plan.kind !== 'sync') return { plan, person: null, organization: null, lead: null, leadProblem: null };
  let target: LeadTarget | null = null;
  let leadProblem: string | null = null;
  try {
    target = await lookups.leadTarget(sync.lead);
  } catch (err) {
    if (!(err instanceof Error) || err.name !== 'ConnectionConfigError') throw err;
    leadProblem = err.message;
  }
  const ownerId = target?.ownerId ?? null;
  const person = personBody(personInputFor(plan.person, null, null, ownerId));
  const organization = plan.organization
    ? organizationBody({ name: plan.organization.name, attributes: plan.organization.attributes })
    : null;
  const lead = plan.lead && target ? leadBody(leadInputFor(plan.lead, target)) : null;
  return { plan, person, organization, lead, leadProblem: plan.lead ? leadProblem : null };
}
