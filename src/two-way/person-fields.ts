/**
 * One person's compared fields decided together: both sides' values, the stored base of each field,
 * the owners. Used by the Krayin -> Chatwoot step (activities/chatwoot/two-way.ts) and by the forward
 * person write (activities/krayin/person.ts), so either direction applies the same rule.
 */
import type { FieldOwner, Side, TwoWayField } from '../config/two-way';
import type { TwoWayFieldState } from '../store/types';
import { decideField, type FieldDecision } from './decide';
import { fieldHashes } from './field-hash';
import type { ComparedField, FieldValues } from './field-values';

export interface PersonFieldsInput {
  connectionId: string;
  contactId: number;
  chatwoot: FieldValues;
  chatwootChangedAt: number | null;
  krayin: FieldValues;
  krayinChangedAt: number | null;
  stored: Record<string, TwoWayFieldState>;
  ownership: Record<TwoWayField, FieldOwner>;
  tieGoesTo: Side;
  /** The side whose change started this step (for fields without a base). */
  trigger: Side;
  /** The fields compared for this connection and input (comparedFields()). */
  fields: readonly ComparedField[];
}

export interface FieldOutcome {
  field: ComparedField;
  decision: FieldDecision;
  chatwootHash: string;
  krayinHash: string;
}

export function decidePersonFields(input: PersonFieldsInput): FieldOutcome[] {
  const c = fieldHashes(input.connectionId, input.contactId, input.chatwoot);
  const k = fieldHashes(input.connectionId, input.contactId, input.krayin);
  return input.fields.map((field) => ({
    field,
    chatwootHash: c[field],
    krayinHash: k[field],
    decision: decideField({
      field,
      owner: input.ownership[field],
      tieGoesTo: input.tieGoesTo,
      base: input.stored[field]?.baseHash ?? null,
      changedSideWithoutBase: input.trigger,
      chatwoot: { hash: c[field], changedAt: input.chatwootChangedAt },
      krayin: { hash: k[field], changedAt: input.krayinChangedAt },
    }),
  }));
}

/** A decided conflict as the workflow's status shows it: both values and the winner (never stored). */
export type { ConflictView } from '../../workflows/api';
