/**
 * AttributeValueRepository::getAttributeLabel: the `label` next to each `value` in a system
 * activity's `additional` ("$1,000.00", "Follow Up", "kim@example.com (work)", "Sun Jun 30, 2030").
 */
import { mysqlNumber } from './mysql';
import { isObject, phpToString, phpTruthy } from './php';
import type { AttributeRow, State } from './state';
import { dateLabel, dateTimeLabel } from './time';

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** core()->formatBasePrice(): null counts as 0. */
export function formatPrice(value: unknown): string {
  return USD.format(value === null || value === undefined ? 0 : mysqlNumber(value));
}

/** Attribute::getLookUpEntity for the lookup types Krayin seeds. */
export function lookupName(state: State, lookupType: string, value: unknown): string | null {
  const id = mysqlNumber(value);
  const byId = <T extends { id: number }>(rows: T[]) => rows.find((r) => r.id === id);
  switch (lookupType) {
    case 'users':
      return byId(state.users)?.name ?? null;
    case 'lead_sources':
      return byId(state.sources)?.name ?? null;
    case 'lead_types':
      return byId(state.types)?.name ?? null;
    case 'lead_pipelines':
      return byId(state.pipelines)?.name ?? null;
    case 'lead_pipeline_stages':
      return byId(state.stages)?.name ?? null;
    case 'organizations':
      return byId(state.organizations)?.name ?? null;
    case 'persons':
      return byId(state.persons)?.name ?? null;
    default:
      return null;
  }
}

export function attributeLabel(state: State, value: unknown, attribute: AttributeRow | null): unknown {
  if (!attribute) return value ?? null;
  switch (attribute.type) {
    case 'price':
      return formatPrice(value);
    case 'boolean':
      return phpTruthy(value) ? 'Yes' : 'No';
    case 'select':
    case 'radio':
    case 'lookup': {
      if (attribute.lookup_type) return lookupName(state, attribute.lookup_type, value);
      const id = mysqlNumber(value);
      return state.attributeOptions.find((o) => o.attribute_id === attribute.id && o.id === id)?.name ?? null;
    }
    case 'multiselect':
    case 'checkbox': {
      const ids = phpToString(value)
        .split(',')
        .map((x) => mysqlNumber(x));
      const names = attribute.lookup_type
        ? ids.map((id) => lookupName(state, attribute.lookup_type as string, id)).filter((n) => n !== null)
        : state.attributeOptions
            .filter((o) => o.attribute_id === attribute.id && ids.includes(o.id))
            .map((o) => o.name);
      return names.join(', ');
    }
    case 'email':
    case 'phone': {
      if (!Array.isArray(value) && !isObject(value)) return null;
      const items = Object.values(value as Record<string, unknown>);
      return items
        .map((item) => {
          const o = isObject(item) ? item : {};
          return `${phpToString(o.value)} (${phpToString(o.label)})`;
        })
        .join(', ');
    }
    case 'address': {
      if (!isObject(value) || !Object.values(value).some((x) => phpTruthy(x))) return null;
      // Krayin resolves state/country codes to names; the fake has no country table and keeps codes.
      return `${phpToString(value.address)}<br>${phpToString(value.postcode)}  ${phpToString(value.city)}<br>${phpToString(value.state)}<br>${phpToString(value.country)}<br>`;
    }
    case 'date':
      return phpTruthy(value) && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)
        ? dateLabel(value)
        : null;
    case 'datetime':
      return phpTruthy(value) && typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)
        ? dateTimeLabel(value)
        : null;
    default:
      return value ?? null;
  }
}
