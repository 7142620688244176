/**
 * HTML for the console and the dashboard app, built with a tagged template that escapes every
 * interpolated value. Only `SafeHtml` (another html`` result, or raw() of a string the code wrote
 * itself) passes unescaped: a contact's name or a Krayin error text can never become markup.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** One interpolated value: SafeHtml as is, arrays joined, null/undefined/false as nothing, the rest escaped. */
function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup the code wrote itself (never a value from a request, Chatwoot or Krayin). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
