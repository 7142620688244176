/**
 * Minimal structured logger: one JSON object per line on stdout (stderr for errors). Callers pass
 * ids and counts, never contact data; `redact` masks anything that looks like a secret, an email or a
 * phone number (fields and message) as a second line of defence.
 */
import { redactNotificationText } from './notify/redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(fields: object, msg?: string): void;
  info(fields: object, msg?: string): void;
  warn(fields: object, msg?: string): void;
  error(fields: object, msg?: string): void;
  child(fields: object): Logger;
}

/** Keys whose values are masked whole, at any depth ("apiToken", "webhookSecret", nodemailer's "pass"...). */
const SECRET_KEYS = /token|secret|passw(or)?d|^pass$|authorization|api_access_token|api[_-]?key|cookie|credential/i;

/**
 * Deep copy for logging: secret-named keys masked; in every string (keys too) emails, phone numbers,
 * URL credentials, bearer/basic and Krayin tokens masked by the notification redaction, so plain digit
 * runs (ids, counts) stay readable. Values with toJSON (Date, URL) are redacted as JSON.stringify would
 * print them; bigints become strings (JSON.stringify throws on them); nesting (and so cycles) stops at depth 6.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactNotificationText(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message) };
  if (value && typeof value === 'object') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return redact(toJSON.call(value), depth + 1);
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        redactNotificationText(k),
        SECRET_KEYS.test(k) ? '***' : redact(v, depth + 1),
      ]),
    );
  }
  return value;
}

export function createLogger(
  level: LogLevel = 'info',
  base: object = {},
  write: (line: string, level: LogLevel) => void = defaultWrite,
): Logger {
  const emit = (lvl: LogLevel, fields: object, msg?: string) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const record = {
      time: new Date().toISOString(),
      level: lvl,
      ...(redact({ ...base, ...fields }) as object),
      msg: msg === undefined ? undefined : redactNotificationText(msg),
    };
    write(JSON.stringify(record), lvl);
  };
  return {
    debug: (f, m) => emit('debug', f, m),
    info: (f, m) => emit('info', f, m),
    warn: (f, m) => emit('warn', f, m),
    error: (f, m) => emit('error', f, m),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

function defaultWrite(line: string, level: LogLevel): void {
  (level === 'error' ? process.stderr : process.stdout).write(line + '\n');
}
