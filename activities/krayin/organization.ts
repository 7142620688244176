/**
 * Find-or-create the contact's organization. A linked organization is used only while its name still
 * has the link's name key: after a Krayin restore its id may name another company (never attach our
 * person to it). Safe to retry after a crash or an ambiguous answer:
 * it always looks before it creates, and a duplicate-name 422 (another contact of the same company
 * won the race) means "it exists now": look again and link.
 */
import { effectiveOwnership } from '../../src/config/two-way';
import type { KrayinApi, KrayinOrganization } from '../../src/krayin/api';
import { KrayinAmbiguousError, KrayinValidationError } from '../../src/krayin/errors';
import type { DesiredOrganization } from '../../src/mapping/types';
import { organizationIsOurs } from '../../src/sync/ownership';
import { fieldHash } from '../../src/two-way/field-hash';
import type { SyncOrganizationInput } from '../contracts';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';
import { reportLinkMismatch } from './link-mismatch';
import { recordRefusedCreate, refusedEarlier } from './refused-create';

export function organizationActivities(deps: KrayinActivityDeps) {
  return {
    async syncOrganization({
      connectionId,
      contactId,
      organization,
    }: SyncOrganizationInput): Promise<{ organizationId: number | null }> {
      return classified(async () => {
        if (await krayinKeepsOrganization(deps, connectionId, contactId, organization)) {
          // The person write keeps Krayin's organization: none is looked up or created for this company.
          return {
            organizationId: (await deps.store.links.getContact(connectionId, contactId))?.organizationId ?? null,
          };
        }
        return { organizationId: await ensureOrganization(deps, connectionId, contactId, organization) };
      });
    },
  };
}

/**
 * Two-way sync with the organization owned by Krayin (FIELD_OWNERSHIP organization=krayin): a company
 * that differs from the one both sides last agreed on is a Chatwoot edit Krayin wins whatever Krayin
 * holds (docs/two-way-sync.md), so the person write will keep Krayin's organization and the company is
 * put back. Only for a linked person with an agreed value: a new person still gets the company.
 */
async function krayinKeepsOrganization(
  { store, connections }: KrayinActivityDeps,
  connectionId: string,
  contactId: number,
  organization: DesiredOrganization,
): Promise<boolean> {
  const { twoWay } = connections.get(connectionId).config;
  if (!twoWay.enabled || effectiveOwnership(twoWay).organization !== 'krayin') return false;
  if (!(await store.links.getContact(connectionId, contactId))?.personId) return false;
  const base = (await store.twoWay.getFields(connectionId, contactId)).organization?.baseHash;
  return (
    base !== undefined &&
    base !== null &&
    base !== fieldHash(connectionId, contactId, 'organization', organization.name)
  );
}

/** The contact's organization id: the linked one verified, else found by name or created (see above). */
export async function ensureOrganization(
  deps: KrayinActivityDeps,
  connectionId: string,
  contactId: number,
  organization: DesiredOrganization,
): Promise<number> {
  const { store, connections } = deps;
  const { krayin } = connections.get(connectionId);
  const linkedId = await store.links.getOrganization(connectionId, organization.nameKey);
  if (linkedId !== null) {
    // Verify: an organization deleted in Krayin would make every person write fail with an FK error,
    // and one that is now another company's would attach our person to it.
    const linked = await krayin.getOrganization(linkedId);
    if (linked && organizationIsOurs(linked, organization.nameKey)) return linkedId;
    await store.links.deleteOrganization(connectionId, organization.nameKey);
    if (linked) await reportLinkMismatch(deps, connectionId, contactId, 'organization', { organizationId: linkedId });
    else await store.audit.append({ connectionId, contactId, action: 'organization.relink', detail: { linkedId } });
  }

  const found = await findOrCreate(krayin, organization);
  await store.links.setOrganization(connectionId, organization.nameKey, found.org.id);
  await store.links.upsertContact(connectionId, contactId, { organizationId: found.org.id });
  await store.audit.append({
    connectionId,
    contactId,
    action: found.created ? 'organization.created' : 'organization.linked',
    detail: { organizationId: found.org.id },
  });
  return found.org.id;
}

async function findOrCreate(
  krayin: KrayinApi,
  organization: DesiredOrganization,
): Promise<{ org: KrayinOrganization; created: boolean }> {
  const existing = await findOne(krayin, organization.name);
  if (existing) return { org: existing, created: false };
  // A 422 an earlier attempt got is final: not sent twice (refused-create.ts).
  const refused = refusedEarlier('POST /contacts/organizations');
  if (refused) throw refused;
  try {
    const org = await krayin.createOrganization({ name: organization.name, attributes: organization.attributes });
    return { org, created: true };
  } catch (err) {
    const exists = err instanceof KrayinValidationError && err.isUniqueViolation();
    if (!exists && !(err instanceof KrayinAmbiguousError)) throw err;
    if (exists) recordRefusedCreate(err);
    // The write may have happened (ambiguous) or someone else created it (unique): re-read decides.
    const again = await findOne(krayin, organization.name);
    if (again) return { org: again, created: false };
    throw err;
  }
}

/** Oldest match wins, so every contact of a company converges on the same organization. */
async function findOne(krayin: KrayinApi, name: string): Promise<KrayinOrganization | null> {
  const matches = await krayin.findOrganizationsByName(name);
  return matches.sort((a, b) => a.id - b.id)[0] ?? null;
}
