/** Pure Chatwoot -> Krayin mapping (hash.ts excluded: it needs node:crypto; import it directly). */
export * from './types';
export * from './contact';
export * from './attributes';
export * from './coerce';
export * from './canonical-json';
export * from './datetime';
export * from './email';
export * from './field-map';
export * from './fields';
export * from './limits';
export * from './organization';
export * from './phone';
export * from './placeholder';
export * from './template';
export * from './text';
export * from './version';
