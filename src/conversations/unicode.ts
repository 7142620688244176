/**
 * Code-point-safe text limits for activity fields. Krayin's MySQL runs with strict=false and cuts
 * over-long values itself, possibly mid-character (src/krayin/README.md §13); we cut first, predictably.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Unpaired UTF-16 surrogates -> U+FFFD: JSON would carry them as `\udXXX`, which PHP rejects. */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** At most `max` code points; when cut, the last one kept is an ellipsis so readers see the cut. */
export function clipChars(text: string, max: number): string {
  const chars = Array.from(toWellFormed(text));
  if (chars.length <= max) return chars.join('');
  if (max <= 0) return '';
  return `${chars
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}
