/**
 * The Krayin sales owner for a conversation's Chatwoot assignee. Agents are matched by email because
 * Chatwoot and Krayin share no user ids; emails are compared case-insensitively (Chatwoot stores them
 * lower-cased, Krayin as typed). Pure.
 */

export interface OwnerCandidate {
  id: number;
  email: string;
  /** Krayin user status; 0 = inactive. Absent counts as active. */
  status?: number;
}

/**
 * The id of the active Krayin user whose email equals `assigneeEmail`, else `defaultOwnerId`
 * (also when there is no assignee). An inactive user is skipped: a lead owned by a deactivated user
 * drops out of every active salesperson's view. Krayin emails are unique, so the first match is the
 * only one.
 */
export function mapAssigneeToOwner(
  assigneeEmail: string | null | undefined,
  users: readonly OwnerCandidate[],
  defaultOwnerId: number | null,
): number | null {
  const key = assigneeEmail?.trim().toLowerCase() ?? '';
  if (key === '') return defaultOwnerId;
  const match = users.find((u) => u.status !== 0 && u.email.trim().toLowerCase() === key);
  return match?.id ?? defaultOwnerId;
}
