/**
 * HTML building blocks for Krayin activity comments. Krayin stores comments verbatim and its UI renders
 * them as HTML (src/krayin/README.md §12), so every piece of Chatwoot text goes through escapeHtml: a customer
 * typing `<script>` must show up as text. Sizes are UTF-8 bytes, as MySQL's TEXT column counts them.
 * Pure; no TextEncoder (not guaranteed in every sandbox).
 */
import { toWellFormed } from './unicode';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text -> HTML text or attribute value. Lone surrogates become U+FFFD (PHP's json_decode rejects them). */
export function escapeHtml(text: string): string {
  return toWellFormed(text).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Multi-line text -> escaped HTML with `<br>` line breaks. */
export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

/** Bytes of UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD it becomes). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * At most `maxBytes` of UTF-8 of HTML *we* built from escaped text and simple tags, cut on a code-point
 * boundary; a tag or entity cut in half at the end (`<b`, `&am`) is dropped too, so nothing dangling
 * reaches the renderer.
 */
export function truncateHtmlBytes(html: string, maxBytes: number): string {
  if (utf8ByteLength(html) <= maxBytes) return html;
  let bytes = 0;
  let end = 0;
  for (const ch of html) {
    const cp = ch.codePointAt(0) ?? 0;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return html
    .slice(0, end)
    .replace(/<[^>]*$/, '')
    .replace(/&#?[A-Za-z0-9]*$/, '');
}

/** A link, or just the escaped label when the URL is not http(s) (no `javascript:` in a CRM). */
export function link(url: string | null, label: string): string {
  if (url === null || !/^https?:\/\//i.test(url)) return escapeHtml(label);
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>`;
}
