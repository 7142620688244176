/**
 * The ownership rule of one field (docs/two-way-sync.md, "Who wins"). Pure: both sides' values arrive
 * as salted hashes, so the rule never sees contact data and is the same in every activity that uses it.
 *
 * `base` is the hash of the value both sides last agreed on (written by us to one side, or seen equal
 * on both). A side whose value still hashes to `base` did not change: its value is our own write or
 * older, so it is never written back (that is the echo suppression). When both changed, the field's
 * owner decides, and `newest` compares the change times (second precision: Krayin's `updated_at` has
 * no more) with ties going to the configured side.
 */
import type { FieldOwner, Side, TwoWayField } from '../config/two-way';

export interface SideValue {
  /** Salted hash of the side's normalised value (field-hash.ts). */
  hash: string;
  /** When this side's value changed (ms since the epoch), null when unknown. */
  changedAt: number | null;
}

export interface FieldDecisionInput {
  field: TwoWayField;
  owner: FieldOwner;
  tieGoesTo: Side;
  /** Hash of the last agreed value; null when the field was never compared (contacts linked before). */
  base: string | null;
  /** Without a base: the side whose change brought us here (the other one is taken as unchanged). */
  changedSideWithoutBase: Side;
  chatwoot: SideValue;
  krayin: SideValue;
}

export type FieldDecision =
  /** Both sides hold the same value: nothing to write; it becomes the new base. */
  | { action: 'none' }
  | {
      /** write_chatwoot: Krayin's value wins and goes to Chatwoot; write_krayin: the reverse. */
      action: 'write_chatwoot' | 'write_krayin';
      winner: Side;
      /** Both sides changed since the base: a conflict the policy decided (recorded with both hashes). */
      conflict: boolean;
    };

export function decideField(input: FieldDecisionInput): FieldDecision {
  const { chatwoot, krayin, base, owner } = input;
  if (chatwoot.hash === krayin.hash) return { action: 'none' };
  const chatwootChanged = base === null ? input.changedSideWithoutBase === 'chatwoot' : chatwoot.hash !== base;
  const krayinChanged = base === null ? input.changedSideWithoutBase === 'krayin' : krayin.hash !== base;
  let winner: Side;
  const conflict = chatwootChanged && krayinChanged;
  if (conflict) winner = owner === 'newest' ? newerSide(chatwoot, krayin, input.tieGoesTo) : owner;
  else if (krayinChanged) winner = owner === 'chatwoot' ? 'chatwoot' : 'krayin';
  else winner = owner === 'krayin' ? 'krayin' : 'chatwoot';
  return { action: winner === 'krayin' ? 'write_chatwoot' : 'write_krayin', winner, conflict };
}

/** The side that changed later, compared in whole seconds; an unknown time loses to a known one. */
export function newerSide(chatwoot: SideValue, krayin: SideValue, tie: Side): Side {
  const c = seconds(chatwoot.changedAt);
  const k = seconds(krayin.changedAt);
  if (c === k) return tie;
  return c > k ? 'chatwoot' : 'krayin';
}

function seconds(ms: number | null): number {
  return ms === null ? -Infinity : Math.floor(ms / 1000);
}
