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
