/**
 * Lead titles from the connection's template, e.g. "{{name}} ({{company}})". A contact rarely has
 * every value, so an empty placeholder takes the separators and brackets around it along: the title
 * never reads "Jane Doe ()" or "Jane Doe - ".
 */
import { singleLine, truncateChars, VARCHAR_MAX_CHARS } from './text';

export const TITLE_PLACEHOLDERS = ['name', 'email', 'company', 'contact_id'] as const;
export type TitlePlaceholder = (typeof TITLE_PLACEHOLDERS)[number];

export interface TitleVars {
  name?: string | null;
  email?: string | null;
  company?: string | null;
  contact_id: number | string;
}

const PLACEHOLDER = /\{\{\s*([^{}\s]*)\s*\}\}/g;
/** Stands for an empty value while separators are cleaned up; values never contain it (singleLine drops controls). */
const EMPTY = '\u0000';
const SEPARATORS = '\\-\u2013\u2014|:;,/\u00b7\u2022';
const EMPTY_BRACKETS = ['()', '[]', '{}', '<>'].map(
  ([open, close]) => new RegExp(`\\${open}[\\s${SEPARATORS}]*${EMPTY}[\\s${SEPARATORS}${EMPTY}]*\\${close}`, 'g'),
);
/** A run of separators/whitespace around one or more empty values. */
const RUN_AROUND_EMPTY = new RegExp(`[\\s${SEPARATORS}]*(?:${EMPTY}[\\s${SEPARATORS}]*)+`, 'g');

/** Placeholders in `template` that renderTitle does not know (they would render empty). */
export function unknownPlaceholders(template: string): string[] {
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  return [...new Set(names.filter((n) => !(TITLE_PLACEHOLDERS as readonly string[]).includes(n)))];
}

export function renderTitle(template: string, vars: TitleVars): string {
  const filled = template.replace(PLACEHOLDER, (_, key: string) => {
    const value = singleLine(placeholderValue(vars, key));
    return value === '' ? EMPTY : value;
  });
  let title = filled;
  for (const brackets of EMPTY_BRACKETS) title = title.replace(brackets, EMPTY);
  title = title.replace(RUN_AROUND_EMPTY, (run, offset: number, whole: string) => {
    const before = whole[offset - 1];
    const after = whole[offset + run.length];
    // At an edge of the title or just inside brackets nothing needs separating.
    const atEdge = before === undefined || '([{<'.includes(before) || after === undefined || ')]}>'.includes(after);
    return atEdge ? '' : keptSeparator(run);
  });
  title = truncateChars(singleLine(title.split(EMPTY).join('')), VARCHAR_MAX_CHARS);
  return title === '' ? `Chatwoot contact #${vars.contact_id}` : title;
}

function placeholderValue(vars: TitleVars, key: string): string {
  switch (key) {
    case 'name':
      return vars.name ?? '';
    case 'email':
      return vars.email ?? '';
    case 'company':
      return vars.company ?? '';
    case 'contact_id':
      return String(vars.contact_id);
    default:
      return '';
  }
}

/** Between two kept values: the first real separator of the run ("Jane | Acme"), else a space if there was one. */
function keptSeparator(run: string): string {
  const parts = run.split(EMPTY);
  const separator = parts.find((p) => p.trim() !== '');
  if (separator !== undefined) return separator;
  return parts.some((p) => p !== '') ? ' ' : '';
}
