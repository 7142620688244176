/**
 * Idempotency markers in a Krayin activity's `additional` JSON. Krayin's activity list has no filter
 * for "ours", and its link tables are not returned, so before creating an activity we look for one
 * carrying our marker on the lead's (or person's) timeline; a retry after a crash then updates instead
 * of duplicating. The account id is part of the marker because several connections (Chatwoot
 * accounts) may write to one Krayin, where display ids repeat.
 *
 * Krayin returns `additional` as an object when it was sent as one, but older rows, other clients or
 * a cast change may give a JSON string or null: the matchers accept all three.
 */

// Type aliases, not interfaces: they must fit ActivityInput's `additional: Record<string, unknown>`.
export type ConversationMarker = {
  chatwoot: { conversation: number; account: number };
};

export type MessageMarker = {
  chatwoot: { conversation: number; message: number; account: number };
};

export function conversationMarker(displayId: number, accountId: number): ConversationMarker {
  return { chatwoot: { conversation: displayId, account: accountId } };
}

export function messageMarker(displayId: number, messageId: number, accountId: number): MessageMarker {
  return { chatwoot: { conversation: displayId, message: messageId, account: accountId } };
}

/** The `chatwoot` object inside `additional`, whatever form Krayin returned; null when absent. */
function chatwootPart(additional: unknown): Record<string, unknown> | null {
  let value = additional;
  // A string may hold JSON, or JSON of JSON when some client encoded it twice.
  for (let depth = 0; depth < 2 && typeof value === 'string'; depth++) {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const part = (value as Record<string, unknown>).chatwoot;
  return part !== null && typeof part === 'object' && !Array.isArray(part) ? (part as Record<string, unknown>) : null;
}

/** An id stored as a number, or as its decimal string (PHP clients sometimes stringify). */
function sameId(stored: unknown, expected: number): boolean {
  if (typeof stored === 'number') return stored === expected;
  return typeof stored === 'string' && /^\d+$/.test(stored.trim()) && Number(stored) === expected;
}

/** Whether `additional` marks the activity of this conversation (not one of its message activities). */
export function isConversationMarker(additional: unknown, displayId: number, accountId: number): boolean {
  const part = chatwootPart(additional);
  return (
    part !== null &&
    (part.message === undefined || part.message === null) &&
    sameId(part.conversation, displayId) &&
    sameId(part.account, accountId)
  );
}

/** Whether `additional` marks the activity of this message. */
export function isMessageMarker(additional: unknown, displayId: number, messageId: number, accountId: number): boolean {
  const part = chatwootPart(additional);
  return (
    part !== null &&
    sameId(part.message, messageId) &&
    sameId(part.conversation, displayId) &&
    sameId(part.account, accountId)
  );
}
