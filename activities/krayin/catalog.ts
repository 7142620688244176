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
        const fieldMap = conn.config.sync.fieldMap;
        const wanted: Record<keyof AttributeCatalog, string[]> = { persons: [], organizations: [], leads: [] };
        for (const section of MAP_SECTIONS)
          wanted[SECTION_ENTITY[section]].push(...customAttributeCodes(fieldMap, section));
        // Preloaded at worker start: an attribute created in Krayin since then is a miss that reloads.
        const catalog = await conn.lookups.attributeCatalogIncluding(wanted);
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
