/**
 * ApplicationFailure `type`s thrown by activities (activities/failures.ts) and read by workflows.
 * One list, so retry policies and parking rules cannot drift apart.
 */
export const FailureType = {
  KrayinValidation: 'KrayinValidation',
  KrayinAuth: 'KrayinAuth',
  KrayinRateLimited: 'KrayinRateLimited',
  KrayinTransient: 'KrayinTransient',
  /** An empty/non-JSON 2xx that a re-read could not resolve yet: retried. */
  KrayinAmbiguous: 'KrayinAmbiguous',
  /** Still ambiguous after several attempts: parked rather than retried forever. */
  KrayinAmbiguousUnresolved: 'KrayinAmbiguousUnresolved',
  KrayinNotFound: 'KrayinNotFound',
  ChatwootAuth: 'ChatwootAuth',
  ChatwootTransient: 'ChatwootTransient',
  MappingInvalid: 'MappingInvalid',
  ConfigInvalid: 'ConfigInvalid',
  UnknownConnection: 'UnknownConnection',
} as const;
export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

/** Failures that retrying cannot fix: the sync is parked with the reason until new data or a retry signal. */
export const NON_RETRYABLE_FAILURES: FailureTypeName[] = [
  FailureType.KrayinValidation,
  FailureType.KrayinAuth,
  FailureType.KrayinAmbiguousUnresolved,
  FailureType.ChatwootAuth,
  FailureType.MappingInvalid,
  FailureType.ConfigInvalid,
  FailureType.UnknownConnection,
];
