/**
 * The JSON configuration file: the full schema, several connections (CONFIG_FILE). Errors name JSON
 * paths. JSON syntax errors are reported without the parser's message, which quotes file content.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, isMissingAt, issueMessage, jsonPath, uniqueIssues } from './errors';
import { appConfigSchema, type AppConfig } from './schema';
import { recordConfigSources } from './sources';

export function loadConfigFile(path: string): AppConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([{ field: 'CONFIG_FILE', message: `cannot read ${path} (${code})` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([{ field: 'CONFIG_FILE', message: `${path} is not valid JSON${errorLine(text, e)}` }]);
  }
  return parseConfigObject(json);
}

/** Validates an already-parsed configuration object (the file format). */
export function parseConfigObject(json: unknown): AppConfig {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError([{ field: '(root)', message: 'must be a JSON object' }]);
  }
  const result = appConfigSchema.safeParse(json);
  if (result.success) {
    const raw = (json as Record<string, unknown>).connections;
    recordConfigSources(result.data, 'file', Array.isArray(raw) ? raw : []);
    return result.data;
  }
  throw new ConfigError(
    uniqueIssues(
      result.error.issues.map((issue) => ({
        field: jsonPath(issue.path),
        message: isMissingAt(json, issue.path) && issue.code === 'invalid_type' ? 'required' : issueMessage(issue),
      })),
    ),
  );
}

/** " (line N)" from the position V8 reports (a number: it reveals no file content), else "". */
function errorLine(text: string, error: unknown): string {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!position) return '';
  return ` (line ${text.slice(0, Number(position[1])).split('\n').length})`;
}
