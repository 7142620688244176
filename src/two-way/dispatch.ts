/** How the Krayin poll's changes reach contact workflows (src/temporal/dispatcher.ts implements it). */
import type { KrayinChange } from '../../workflows/krayin-poll-api';

export interface KrayinChangeDispatcher {
  /** signalWithStart of `contact:<connection>:<contactId>` with krayinChangedSignal; durable once it resolves. */
  dispatchKrayinChange(connectionId: string, contactId: number, change: KrayinChange): Promise<void>;
}

export function canDispatchKrayinChanges(d: unknown): d is KrayinChangeDispatcher {
  return typeof (d as Partial<KrayinChangeDispatcher> | undefined)?.dispatchKrayinChange === 'function';
}
