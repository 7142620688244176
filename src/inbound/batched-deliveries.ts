/**
 * The delivery dedupe of ingest with group commit: concurrent webhooks' delivery ids are recorded in one
 * INSERT (one commit) instead of one each, the same way the inbound log is written. The answer per
 * delivery is the same as `record()`'s: true when new, false for a duplicate.
 */
import type { DeliveryRecorder } from '../ingest/types';
import type { Store } from '../store/types';
import { GroupCommit } from './group-commit';

interface Delivery {
  connectionId: string;
  deliveryId: string;
  event: string;
  contactId: number | null;
}

export class BatchedDeliveryRecorder implements DeliveryRecorder {
  private readonly commits: GroupCommit<Delivery, boolean>;

  constructor(deliveries: Store['deliveries']) {
    this.commits = new GroupCommit<Delivery, boolean>({ write: (items) => deliveries.recordMany(items) });
  }

  async record(connectionId: string, deliveryId: string, event: string, contactId: number | null): Promise<boolean> {
    return (await this.commits.submit({ connectionId, deliveryId, event, contactId })) === true;
  }
}
