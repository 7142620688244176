/** Conversations and messages -> Krayin activities: pure, safe in workflow code (settings.ts needs zod only). */
export * from './activity';
export * from './channel';
export * from './marker';
export * from './settings';
export * from './snapshot';
export * from './transcript';
