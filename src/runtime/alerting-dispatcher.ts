/** Alerts when events cannot be made durable (Temporal down): Chatwoot will not resend them. */
import type { EventDispatcher } from '../ingest/types';
import type { Notifier } from '../notify/notifier';

export function alertingDispatcher(inner: EventDispatcher, notifier: Notifier): EventDispatcher {
  const failing = new Set<string>();
  return {
    async dispatch(e, connection) {
      try {
        await inner.dispatch(e, connection);
      } catch (err) {
        if (!failing.has(e.connectionId)) {
          failing.add(e.connectionId);
          void notifier.alert({
            connectionId: e.connectionId,
            cause: 'dispatch_failed',
            title: 'Webhooks cannot be handed to Temporal',
            text:
              'Temporal did not accept webhook events; they were answered 503 and Chatwoot does not resend them. ' +
              'Check Temporal, then run a reconciliation to catch up.',
            severity: 'critical',
          });
        }
        throw err;
      }
      if (failing.delete(e.connectionId)) {
        void notifier.resolve({
          connectionId: e.connectionId,
          cause: 'dispatch_failed',
          text: 'Temporal accepts events again.',
        });
      }
    },
  };
}
