/** Stage progression and ownership rules: pure, safe in workflow code (schema.ts needs zod only). */
export * from './triggers';
export * from './schema';
export * from './stage-move';
export * from './owner';
