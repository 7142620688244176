/**
 * Krayin reference data the Chatwoot-side plan needs: the attribute catalog, for a field map with
 * custom attributes. Read here, on the Krayin queue, so that every Krayin call counts against the
 * connection's rate limit; the plan gets it as input (planContactSync asks with `needs_catalog`).
 */
import type { AttributeCatalog } from '../../src/mapping/contact';
import { customAttributeCodes } from '../../src/mapping/field-map';
import { SECTION_ENTITY, MAP_SECTIONS } from '../../src/mapping/fields';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';

export function catalogActivities({ connections }: KrayinActivityDeps) {
  return {
    /** The catalog's attributes the field map names (cached per connection), to keep history small. */
    async fieldMapCatalog({ connectionId }: { connectionId: string }): Promise<AttributeCatalog> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const catalog = await conn.lookups.attributeCatalog();
        const fieldMap = conn.config.sync.fieldMap;
        const used: AttributeCatalog = { persons: [], organizations: [], leads: [] };
        for (const section of MAP_SECTIONS) {
          const entity = SECTION_ENTITY[section];
          const codes = new Set(customAttributeCodes(fieldMap, section));
          used[entity] = catalog[entity].filter((a) => codes.has(a.code));
        }
        return used;
      });
    },
  };
}
