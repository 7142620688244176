/**
 * Turns a node request into what Laravel hands a Krayin controller: PHP-style query parsing
 * (`a.b` becomes `a_b`, `a[]` an array), a body that is only read for JSON or form content types,
 * `json_decode(..., true)` normalisation, the TrimStrings middleware, and `expectsJson()`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isObject, normalizeJsonInput, type Json } from './php';

export interface KrayinRequest {
  method: string;
  /** Path after "/api/v1", without query, e.g. "/contacts/persons/3". */
  path: string;
  /** Decoded query as PHP parses it (after TrimStrings). */
  query: Record<string, Json>;
  /** The raw query string (for the request log). */
  rawQuery: Record<string, string>;
  /** Parsed request body (after TrimStrings), {} when absent or not JSON/form. */
  body: Record<string, Json>;
  /** The body exactly as parsed from JSON (for the request log), undefined when none. */
  loggedBody: unknown;
  /** request()->all(): body keys win over query keys. */
  input: Record<string, Json>;
  headers: IncomingHttpHeaders;
  expectsJson: boolean;
  /** "http://host:port": APP_URL as Laravel derives it from the request. */
  origin: string;
  /** Route parameters filled in by the router. */
  params: Record<string, string>;
  remoteAddress: string;
}

const NO_TRIM = new Set(['current_password', 'password', 'password_confirmation']);

/** Laravel's TrimStrings middleware (applies to query and body alike). */
export function trimStrings(v: Json, key = ''): Json {
  if (typeof v === 'string') return NO_TRIM.has(key) ? v : v.replace(/^[\s\u200B\u200E]+|[\s\u200B\u200E]+$/gu, '');
  if (Array.isArray(v)) return v.map((x) => trimStrings(x));
  if (isObject(v)) {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) out[k] = trimStrings(x, k);
    return out;
  }
  return v;
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s.replace(/\+/g, ' ');
  }
}

/** PHP parse_str, for query strings and form bodies. */
export function parseStr(qs: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const part of qs.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = decodeComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeComponent(part.slice(eq + 1));
    const bracket = rawKey.indexOf('[');
    const close = bracket >= 0 ? rawKey.indexOf(']', bracket) : -1;
    const base = (bracket > 0 && close > bracket ? rawKey.slice(0, bracket) : rawKey).replace(/[ .[]/g, '_');
    if (!base) continue;
    if (!(bracket > 0 && close > bracket)) {
      out[base] = value;
      continue;
    }
    const subKeys = [...rawKey.slice(bracket).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] as string);
    let target: Record<string, Json> | Json[] = out;
    let key: string = base;
    for (const sub of subKeys) {
      const holder = target as Record<string, Json>;
      let next = holder[key];
      if (!isObject(next) && !Array.isArray(next)) {
        next = {};
        holder[key] = next;
      }
      target = next as Record<string, Json>;
      key = sub === '' ? String(Object.keys(target).length) : sub;
    }
    (target as Record<string, Json>)[key] = value;
  }
  return normalizeJsonInput(out) as Record<string, Json>;
}

function asRecord(v: Json): Record<string, Json> {
  return isObject(v) ? v : {};
}

/** Laravel's expectsJson(): an AJAX request accepting anything, or a first Accept type of JSON. */
export function expectsJson(headers: IncomingHttpHeaders): boolean {
  const accept = String(headers.accept ?? '');
  const types = accept
    .split(',')
    .map((t, i) => {
      const [type = '', ...params] = t.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((x) => x !== undefined);
      return { type: type.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((t) => t.type)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const first = types[0]?.type;
  const wantsJson = first !== undefined && (first.includes('/json') || first.includes('+json'));
  const ajax = String(headers['x-requested-with'] ?? '') === 'XMLHttpRequest';
  const pjax = headers['x-pjax'] !== undefined;
  const acceptsAny = first === undefined || first === '*/*' || first === '*';
  return (ajax && !pjax && acceptsAny) || wantsJson;
}

export function buildRequest(
  method: string,
  url: URL,
  apiPath: string,
  headers: IncomingHttpHeaders,
  rawBody: string,
  remoteAddress: string,
): KrayinRequest {
  const rawQuery: Record<string, string> = {};
  for (const [k, v] of url.searchParams) rawQuery[k] = v;
  const query = asRecord(trimStrings(parseStr(url.search.replace(/^\?/, ''))));
  const contentType = String(headers['content-type'] ?? '').toLowerCase();
  let body: Record<string, Json> = {};
  let loggedBody: unknown = undefined;
  if (rawBody.length && (contentType.includes('/json') || contentType.includes('+json'))) {
    try {
      loggedBody = JSON.parse(rawBody) as unknown;
      body = asRecord(trimStrings(normalizeJsonInput(loggedBody as Json)));
    } catch {
      // Laravel's json_decode fails silently: the controller sees an empty request.
      loggedBody = rawBody;
    }
  } else if (rawBody.length && contentType.includes('application/x-www-form-urlencoded')) {
    body = asRecord(trimStrings(parseStr(rawBody)));
    loggedBody = body;
  } else if (rawBody.length) {
    loggedBody = rawBody;
  }
  return {
    method,
    path: apiPath,
    query,
    rawQuery,
    body,
    loggedBody,
    input: { ...query, ...body },
    headers,
    expectsJson: expectsJson(headers),
    origin: `http://${headers.host ?? '127.0.0.1'}`,
    params: {},
    remoteAddress,
  };
}
