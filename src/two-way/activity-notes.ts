/**
 * Krayin activities as private notes in Chatwoot (CRM_ACTIVITY_NOTES, docs/two-way-sync.md, "Krayin
 * activities as notes"): which of Krayin's activities are a sales user's, the note an agent reads, and the
 * hash the store keeps so the same activity is noted once (and an edit of it once more). Pure: unit-tested
 * in test/unit/two-way-activity-notes.test.ts. node:crypto: activities only.
 */
import { createHash } from 'node:crypto';
import type { KrayinActivity } from '../krayin/api';
import { identityHashSalt } from '../sync/ownership';

/**
 * The activity types a sales user logs in Krayin's UI. Krayin's own audit rows (`system`) and the lead
 * timeline's pseudo `email` rows are not listed; `file` is an upload without a subject worth a note.
 */
export const SALES_ACTIVITY_TYPES = ['call', 'meeting', 'lunch', 'note'] as const;

/**
 * Whether this service wrote the activity: conversation and message activities carry `additional.chatwoot`
 * (src/conversations/marker.ts), the CRM panel's agent notes `additional.chatwootApp`
 * (activities/krayin/agent-notes.ts). Those are never noted back (no echoes). Krayin may return
 * `additional` as an object or as JSON text.
 */
export function isWrittenBySync(additional: unknown): boolean {
  let value = additional;
  for (let depth = 0; depth < 2 && typeof value === 'string'; depth++) {
    try {
      value = JSON.parse(value);
    } catch {
      return false;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const marked = value as Record<string, unknown>;
  return isObject(marked.chatwoot) || isObject(marked.chatwootApp);
}

function isObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A sales user's activity worth a note: a listed type, not written by this service. */
export function isSalesActivity(activity: Pick<KrayinActivity, 'type' | 'additional'>): boolean {
  return (SALES_ACTIVITY_TYPES as readonly string[]).includes(activity.type) && !isWrittenBySync(activity.additional);
}

/** What the note shows of an activity (read from Krayin by the contact's workflow, on the Krayin queue). */
export interface ActivityFacts {
  activityId: number;
  type: string;
  title: string | null;
  /** UTC ISO instants, or null (notes have none). */
  scheduleFrom: string | null;
  scheduleTo: string | null;
  done: boolean;
  /** The Krayin user who logged it; null when Krayin returns none. */
  userName: string | null;
  /** Where the agent opens it in Krayin: the lead's (or person's) page. */
  url: string;
}

export function activityFactsOf(activity: KrayinActivity, url: string): ActivityFacts {
  return {
    activityId: activity.id,
    type: activity.type,
    title: activity.title,
    scheduleFrom: activity.schedule_from,
    scheduleTo: activity.schedule_to,
    done: activity.is_done === 1,
    userName: activity.user?.name ?? null,
    url,
  };
}

/** `<web>/admin/leads/view/<id>` or `<web>/admin/contacts/persons/view/<id>` (Krayin's admin routes). */
export function activityTargetUrl(webBase: string, target: { leadId: number } | { personId: number }): string {
  return 'leadId' in target
    ? `${webBase}/admin/leads/view/${target.leadId}`
    : `${webBase}/admin/contacts/persons/view/${target.personId}`;
}

const TYPE_NAMES: Record<string, string> = { call: 'Call', meeting: 'Meeting', lunch: 'Lunch', note: 'Note' };

/**
 * The private note: `Call logged in Krayin by Max Seller: Follow-up call`, then the schedule (UTC) and
 * whether it is done, then the link. `updated` for an activity noted before whose content changed.
 */
export function activityNoteText(facts: ActivityFacts, kind: 'logged' | 'updated'): string {
  const type = TYPE_NAMES[facts.type] ?? facts.type;
  const by = facts.userName ? ` by ${facts.userName}` : '';
  const title = facts.title?.trim() ? `: ${facts.title.trim()}` : '';
  const lines = [`${type} ${kind} in Krayin${by}${title}`];
  const when = scheduleText(facts.scheduleFrom, facts.scheduleTo);
  const details = [when, facts.type === 'note' ? null : facts.done ? 'done' : 'not done yet'].filter(
    (d): d is string => d !== null,
  );
  if (details.length > 0) lines.push(details.join(', '));
  lines.push(facts.url);
  return lines.join('\n');
}

/** `2026-11-24 20:41-21:11 UTC` (one day), `2026-11-24 20:41 - 2026-11-25 09:00 UTC`, or null. */
export function scheduleText(from: string | null, to: string | null): string | null {
  if (!from) return null;
  const start = utcMinutes(from);
  if (!start) return null;
  const end = to ? utcMinutes(to) : null;
  if (!end || end === start) return `${start} UTC`;
  return end.slice(0, 10) === start.slice(0, 10) ? `${start}-${end.slice(11)} UTC` : `${start} - ${end} UTC`;
}

function utcMinutes(iso: string): string | null {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : new Date(at).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Salted hash of what the note shows (type, title, schedule, done, user): the store keeps it, never the
 * values. A re-poll of the same activity hashes the same (no note); an edit of what a note shows hashes
 * differently (one `updated` note).
 */
export function activityNoteHash(connectionId: string, contactId: number, facts: ActivityFacts): string {
  const salt = identityHashSalt(connectionId, contactId);
  const shown = [
    facts.type,
    facts.title ?? '',
    facts.scheduleFrom ?? '',
    facts.scheduleTo ?? '',
    facts.done,
    facts.userName ?? '',
  ];
  return createHash('sha256')
    .update(`${salt}\u0000activity-note\u0000${JSON.stringify(shown)}`)
    .digest('hex');
}
