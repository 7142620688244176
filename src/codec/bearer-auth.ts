/**
 * Bearer-token checks shared by the codec server and the metrics endpoint. Comparison hashes both
 * sides first, so it takes the same time whatever the length or content of the guess.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Static admin tokens shorter than this are guessable; refuse them at start-up. */
export const MIN_TOKEN_LENGTH = 16;

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerTokenOf(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function assertStrongToken(token: string, what: string): void {
  if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new TypeError(`${what} must be at least ${MIN_TOKEN_LENGTH} visible ASCII characters`);
  }
}
