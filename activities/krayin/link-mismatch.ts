/**
 * A stored link whose Krayin record now belongs to someone else (Krayin restored from an older backup
 * or reinstalled, so ids were handed out again; or a record re-used by sales). The caller never writes
 * to that record, forgets the link and finds or creates again as for a deleted record; this records
 * why (audit, ids only) and tells the observer, which alerts once when it happens in bulk.
 */
import type { RecordType } from '../../src/sync/ownership';
import type { ActivityDeps } from '../deps';

export async function reportLinkMismatch(
  { store, observer }: Pick<ActivityDeps, 'store' | 'observer'>,
  connectionId: string,
  contactId: number,
  recordType: RecordType,
  detail: Record<string, number | null>,
): Promise<void> {
  await store.audit.append({ connectionId, contactId, action: `${recordType}.link_mismatch`, detail });
  observer?.linkMismatch?.(connectionId, recordType);
}
