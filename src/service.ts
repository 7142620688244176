/** Kept for existing imports: the composition root lives in src/runtime/ (one module per role). */
export { startService, type RunningService, type ServiceOptions } from './runtime';
