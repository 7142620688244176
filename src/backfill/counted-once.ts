/**
 * Each backfill outcome is counted once (cks_backfill_contacts_total), although the activities that
 * report it may run again with the same input: Temporal retries a settle activity whose heartbeat was
 * lost, and a page read again after a crash finds contacts it already reported. An outcome is keyed by
 * connection, backfill run and contact; a key seen before is not counted again.
 *
 * The keys live in this process (bounded, oldest forgotten first): a retry that lands on another
 * worker process counts again. Counters are per process anyway; Prometheus sums them across replicas.
 */
export const COUNTED_ONCE_MAX_KEYS = 200_000;

export class CountedOnce {
  private readonly seen = new Set<string>();

  constructor(private readonly maxKeys: number = COUNTED_ONCE_MAX_KEYS) {}

  /** True the first time this outcome is seen (count it), false on a repeat. */
  first(connectionId: string, run: string, contactId: number): boolean {
    const key = `${connectionId}\u0000${run}\u0000${contactId}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    // A Set iterates in insertion order: the first key is the oldest.
    if (this.seen.size > this.maxKeys) this.seen.delete(this.seen.values().next().value!);
    return true;
  }
}

/**
 * A backfill run, as both its page and its settle activities see it: a real run by its audit
 * watermark (unique per run: each run's end is an audit entry, which raises the next run's watermark),
 * a dry run (no watermark, no settle) by its run key.
 */
export function backfillRunKey(dryRun: boolean, runKey: string, auditWatermark: number | undefined): string {
  return dryRun || auditWatermark === undefined ? `dry:${runKey}` : `audit:${auditWatermark}`;
}
