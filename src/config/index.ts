/** Configuration: schema, loading (environment or JSON file), errors, redaction. */
export * from './schema';
export { ConfigError, type ConfigIssue } from './errors';
export {
  CONFIG_FILE_VARIABLE,
  ENV_CONNECTION_ID,
  ENV_VARIABLES,
  KNOWN_ENV_NAMES,
  loadConfig,
  loadConfigFromEnv,
  type EnvKind,
  type EnvVariable,
} from './env';
export { loadConfigFile, parseConfigObject } from './file';
export { REDACTED, redactConfig, redactUrlPassword } from './redact';
export { configSourcesOf, recordConfigSources, type ConfigSources, type ConfigSourceKind } from './sources';
