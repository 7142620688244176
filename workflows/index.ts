// The workflow bundle's entry point: every workflow type the worker registers.
export { contactSync } from './contact-sync';
export { reconcile } from './reconcile';
export { backfill } from './backfill';
export { krayinPollWorkflow } from './krayin-poll';
