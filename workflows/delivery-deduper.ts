import { RECENT_DELIVERIES_LIMIT } from './api';

/**
 * Remembers the most recent webhook delivery ids so a delivery seen twice is processed once.
 * Signals carry no dedup key of their own; bounded so a long-lived contact cannot grow history forever.
 * Older duplicates are caught by the store's delivery table at ingest.
 */
export class DeliveryDeduper {
  private readonly ids: Set<string>;

  constructor(
    initial: string[],
    private readonly limit = RECENT_DELIVERIES_LIMIT,
  ) {
    this.ids = new Set(initial.slice(-limit));
  }

  /** true when the id is new (and is now remembered), false for a duplicate. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.limit) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  toArray(): string[] {
    return [...this.ids];
  }
}
