/**
 * A dispatcher's refusal with a reason ingest may tell the sender (503 `{error:'unavailable', reason}`),
 * e.g. the inbound log is over its bound. Any other dispatch failure is 503 `dispatch_failed`.
 */
export class IngestUnavailableError extends Error {
  constructor(readonly reason: 'inbound_log_full') {
    super(`event not accepted: ${reason}`);
    this.name = 'IngestUnavailableError';
  }
}

/** Duck-typed: the error may come from another realm (jest sandboxes). */
export function unavailableReason(err: unknown): string | null {
  const e = err as { name?: unknown; reason?: unknown } | null;
  return e && e.name === 'IngestUnavailableError' && typeof e.reason === 'string' ? e.reason : null;
}

/**
 * The inbound log could not be written (the store is unavailable): the webhook was not made durable.
 * Ingest answers 503 `dispatch_failed` as for any other failure; the alert says the store failed.
 */
export class InboundStoreError extends Error {
  constructor(cause: unknown) {
    super('the inbound log could not be written', { cause });
    this.name = 'InboundStoreError';
  }
}

/** Duck-typed like unavailableReason. */
export function isInboundStoreError(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'InboundStoreError';
}
