/**
 * What both directions of the two-way sync record after deciding a person's fields: the conflicts
 * (store: hashes, times, owner, winner; audit: field, owner, winner; the workflow's status: the values
 * too, which never reach the store) and the new state of each field.
 */
import type { FieldOwner, TwoWayField } from '../src/config/two-way';
import type { Store } from '../src/store/types';
import type { FieldValues } from '../src/two-way/field-values';
import type { ConflictView, FieldOutcome } from '../src/two-way/person-fields';

export interface DecidedPerson {
  connectionId: string;
  contactId: number;
  outcomes: FieldOutcome[];
  chatwoot: FieldValues;
  krayin: FieldValues;
  chatwootChangedAt: number | null;
  krayinChangedAt: number | null;
  ownership: Record<TwoWayField, FieldOwner>;
}

/** Records the conflicts among `outcomes` that `include` accepts; returns them with both values. */
export async function recordConflicts(
  store: Pick<Store, 'twoWay' | 'audit'>,
  d: DecidedPerson,
  include: (o: FieldOutcome) => boolean,
  now: Date,
): Promise<ConflictView[]> {
  const views: ConflictView[] = [];
  for (const o of d.outcomes) {
    if (o.decision.action === 'none' || !o.decision.conflict || !include(o)) continue;
    const owner = d.ownership[o.field];
    const winner = o.decision.winner;
    await store.twoWay.recordConflict({
      connectionId: d.connectionId,
      contactId: d.contactId,
      field: o.field,
      chatwootHash: o.chatwootHash,
      krayinHash: o.krayinHash,
      chatwootChangedAt: d.chatwootChangedAt === null ? null : new Date(d.chatwootChangedAt),
      krayinChangedAt: d.krayinChangedAt === null ? null : new Date(d.krayinChangedAt),
      owner,
      winner,
    });
    await store.audit.append({
      connectionId: d.connectionId,
      contactId: d.contactId,
      action: 'two_way.conflict',
      detail: { field: o.field, owner, winner },
    });
    views.push({
      field: o.field,
      owner,
      winner,
      chatwoot: d.chatwoot[o.field],
      krayin: d.krayin[o.field],
      at: now.toISOString(),
    });
  }
  return views;
}
