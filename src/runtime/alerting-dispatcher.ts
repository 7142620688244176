/**
 * Alerts when webhook events cannot be made durable: Chatwoot does not resend them. The alert says what
 * failed, since the operator's fix differs: Temporal (INGEST_MODE=direct), the inbound log's bound, or
 * the store behind the inbound log (INGEST_MODE=log).
 */
import { isInboundStoreError, unavailableReason } from '../inbound/errors';
import type { EventDispatcher } from '../ingest/types';
import type { Notifier } from '../notify/notifier';

export type DispatchFailure = 'inbound_log_full' | 'inbound_store' | 'temporal';

/** What failed, from the dispatcher's error (anything unnamed came from Temporal's signalWithStart). */
export function dispatchFailure(err: unknown): DispatchFailure {
  if (unavailableReason(err) === 'inbound_log_full') return 'inbound_log_full';
  if (isInboundStoreError(err)) return 'inbound_store';
  return 'temporal';
}

const NOT_RESENT = 'they were answered 503 and Chatwoot does not resend them.';

export const DISPATCH_ALERTS: Record<DispatchFailure, { title: string; text: string; resolved: string }> = {
  temporal: {
    title: 'Webhooks cannot be handed to Temporal',
    text: `Temporal did not accept webhook events; ${NOT_RESENT} Check Temporal, then run a reconciliation to catch up.`,
    resolved: 'Temporal accepts events again.',
  },
  inbound_log_full: {
    title: 'Webhooks refused: the inbound log is full',
    text:
      `The inbound log holds INGEST_LOG_MAX_EVENTS events waiting for Temporal; new webhook events were refused, ${NOT_RESENT} ` +
      'Check that Temporal is reachable (the log drains once it is), then run a reconciliation to catch up.',
    resolved: 'The inbound log accepts events again.',
  },
  inbound_store: {
    title: 'Webhooks cannot be written to the inbound log: the database is unavailable',
    text: `The database did not accept webhook events into the inbound log; ${NOT_RESENT} Check the database, then run a reconciliation to catch up.`,
    resolved: 'The inbound log accepts events again.',
  },
};

export function alertingDispatcher(inner: EventDispatcher, notifier: Notifier): EventDispatcher {
  /** Connections with an open alert, and what it said failed (the recovery message says what is back). */
  const failing = new Map<string, DispatchFailure>();
  return {
    async dispatch(e, connection) {
      try {
        await inner.dispatch(e, connection);
      } catch (err) {
        if (!failing.has(e.connectionId)) {
          const what = dispatchFailure(err);
          failing.set(e.connectionId, what);
          void notifier.alert({
            connectionId: e.connectionId,
            cause: 'dispatch_failed',
            title: DISPATCH_ALERTS[what].title,
            text: DISPATCH_ALERTS[what].text,
            severity: 'critical',
          });
        }
        throw err;
      }
      const was = failing.get(e.connectionId);
      if (was) {
        failing.delete(e.connectionId);
        void notifier.resolve({
          connectionId: e.connectionId,
          cause: 'dispatch_failed',
          text: DISPATCH_ALERTS[was].resolved,
        });
      }
    },
  };
}
