/**
 * Chatwoot conversation (and, optionally, message) -> the Krayin activity to write. One activity per
 * conversation, found again through its marker and updated in place; the hash of the rendering lets an
 * unchanged conversation cost no Krayin call. Pure and deterministic: times come from the snapshot.
 *
 * The result fits Krayin's ActivityInput (the caller adds `lead_id` or `person_id`). Krayin rules that
 * shape it (src/krayin/README.md §10, §12, §13): every type but note/file needs `schedule_from`/`schedule_to`;
 * `is_done` is ignored on create (forced to 1 for notes, 0 otherwise), so a done call needs a follow-up PUT;
 * comments are rendered as HTML; title and location are varchar(255), the comment TEXT (65,535 bytes).
 */
import type { ChatwootApiMessage } from '../chatwoot/api-schemas';
import { canonicalJson } from '../mapping/canonical-json';
import { sha256Hex } from '../mapping/sha256';
import { TEXT_MAX_BYTES, VARCHAR_MAX_CHARS } from '../mapping/text';
import { channelLabel } from './channel';
import { escapeHtml, link, truncateHtmlBytes, utf8ByteLength } from './html';
import { conversationMarker, messageMarker, type ConversationMarker, type MessageMarker } from './marker';
import { UNSCHEDULED_ACTIVITY_TYPES, type ConversationActivityType, type ConversationSettings } from './settings';
import { toTranscriptMessages, type ConversationSnapshot, type TranscriptMessage } from './snapshot';
import { displayTime, renderMessageBlock, renderTranscript } from './transcript';
import { clipChars } from './unicode';

/** Bump when the rendering changes, so every activity is rewritten once with the new layout. */
export const ACTIVITY_RENDER_VERSION = 1;

/** Room kept free in the comment column beyond what we measure (a safety net, not a budget). */
const COMMENT_MARGIN_BYTES = 512;
const LABELS_MAX_CHARS = 1000;

export interface ActivityContext {
  /** Chatwoot origin from the connection config, e.g. https://chat.example.com. */
  chatwootUrl: string;
  accountId: number;
  /** Name of the conversation's inbox (e.g. from the contact's inbox list); null when unknown. */
  inboxName?: string | null;
  /** Zone of the times shown in the comment; Krayin's APP_TIMEZONE reads best. Default UTC. */
  timeZone?: string;
  /** The caller's message fetch stopped at its cap, so older messages exist than those it passes. */
  moreOlderMessages?: boolean;
}

/** ActivityInput without the link (`lead_id` / `person_id`) and participants. */
export interface RenderedActivity {
  type: ConversationActivityType;
  title: string;
  comment: string;
  additional: ConversationMarker | MessageMarker;
  /** Only for types that need a schedule; instants, converted to Krayin wall time by the client. */
  schedule_from?: Date;
  schedule_to?: Date;
  location: string | null;
  is_done: 0 | 1;
}

/** `${chatwootUrl}/app/accounts/${accountId}/conversations/${displayId}` */
export function conversationUrl(chatwootUrl: string, accountId: number, displayId: number): string {
  return `${chatwootUrl.replace(/\/+$/, '')}/app/accounts/${accountId}/conversations/${displayId}`;
}

const STATUS_LABELS: Record<ConversationSnapshot['status'], string> = {
  open: 'Open',
  resolved: 'Resolved',
  pending: 'Pending',
  snoozed: 'Snoozed',
};

const PRIORITY_LABELS: Record<NonNullable<ConversationSnapshot['priority']>, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  urgent: 'Urgent',
};

function activityTypeFor(snapshot: ConversationSnapshot, settings: ConversationSettings): ConversationActivityType {
  return (
    (snapshot.channel === null ? undefined : settings.activityTypes[snapshot.channel]) ?? settings.defaultActivityType
  );
}

function locationFor(snapshot: ConversationSnapshot, settings: ConversationSettings, ctx: ActivityContext) {
  const value =
    settings.location === 'contact'
      ? [snapshot.contactCity, snapshot.contactCountry].filter((v) => v !== null).join(', ')
      : settings.location === 'inbox'
        ? (ctx.inboxName ?? '').trim()
        : '';
  return value === '' ? null : clipChars(value, VARCHAR_MAX_CHARS);
}

function titleFor(snapshot: ConversationSnapshot): string {
  // Only our own words and ids: Krayin shows titles as plain text, so Chatwoot text would need escaping
  // in one place and not another.
  const channel = channelLabel(snapshot.channel, snapshot.additional);
  return clipChars(`Chatwoot conversation #${snapshot.id} (${channel})`, VARCHAR_MAX_CHARS);
}

/** `Label: value` lines of the summary; absent values are left out. */
function detailLines(snapshot: ConversationSnapshot, ctx: ActivityContext, timeZone: string): string[] {
  const line = (label: string, value: string | null | undefined, max = 255) =>
    value === null || value === undefined || value.trim() === ''
      ? null
      : `${label}: ${escapeHtml(clipChars(value.trim(), max))}`;
  const priority = snapshot.priority === null ? null : PRIORITY_LABELS[snapshot.priority];
  return [
    line('Channel', channelLabel(snapshot.channel, snapshot.additional)),
    line('Inbox', ctx.inboxName),
    line('Status', STATUS_LABELS[snapshot.status]),
    line('Priority', priority),
    line('Assignee', snapshot.assigneeName),
    line('Team', snapshot.teamName),
    line('Labels', snapshot.labels.join(', '), LABELS_MAX_CHARS),
    line('Subject', snapshot.additional.mail_subject),
    line('Started', `${displayTime(snapshot.createdAt, timeZone)} (${timeZone})`),
  ].filter((l): l is string => l !== null);
}

/** The customer's first words: the first incoming message with text (or its attachment names). */
function summaryHtml(transcript: readonly TranscriptMessage[] | null, maxChars: number): string {
  if (maxChars === 0 || transcript === null) return '';
  const first = transcript.find((m) => m.direction === 'incoming');
  if (first === undefined) return '';
  const words = first.content !== '' ? first.content : first.attachments.map((a) => `[${a.name}]`).join(' ');
  const oneLine = words.replace(/\s+/g, ' ').trim();
  return oneLine === '' ? '' : `<p><b>Customer wrote:</b> ${escapeHtml(clipChars(oneLine, maxChars))}</p>`;
}

/**
 * The activity for a conversation. `transcript` is the conversation's public messages
 * (toTranscriptMessages), used for the summary and, once the conversation is resolved, for a bounded
 * transcript; null when they were not loaded (the summary is then left out).
 */
export function renderConversationActivity(
  snapshot: ConversationSnapshot,
  transcript: readonly TranscriptMessage[] | null,
  settings: ConversationSettings,
  ctx: ActivityContext,
): RenderedActivity {
  const timeZone = ctx.timeZone ?? 'UTC';
  const type = activityTypeFor(snapshot, settings);
  const url = conversationUrl(ctx.chatwootUrl, ctx.accountId, snapshot.id);
  const heading = `<p><b>Chatwoot conversation #${snapshot.id}</b> · ${link(url, 'Open in Chatwoot')}</p>`;
  const header = `${heading}<p>${detailLines(snapshot, ctx, timeZone).join('<br>')}</p>${summaryHtml(
    transcript,
    settings.summaryMaxChars,
  )}`;

  let body = '';
  if (snapshot.status === 'resolved' && transcript !== null) {
    const room = TEXT_MAX_BYTES - COMMENT_MARGIN_BYTES - utf8ByteLength(header);
    body = renderTranscript(transcript, {
      ...settings.transcript,
      maxBytes: Math.min(settings.transcript.maxBytes, room),
      timeZone,
      moreOlderMessages: ctx.moreOlderMessages,
    }).html;
  }

  const activity: RenderedActivity = {
    type,
    title: titleFor(snapshot),
    comment: truncateHtmlBytes(`${header}${body}`, TEXT_MAX_BYTES),
    additional: conversationMarker(snapshot.id, ctx.accountId),
    location: locationFor(snapshot, settings, ctx),
    // A note is done by nature (Krayin stores every new note as done); other types when resolved.
    is_done: type === 'note' || snapshot.status === 'resolved' ? 1 : 0,
  };
  if (!UNSCHEDULED_ACTIVITY_TYPES.includes(type)) {
    const from = new Date(Date.parse(snapshot.createdAt));
    const to = new Date(Math.max(from.getTime(), Date.parse(snapshot.lastActivityAt)));
    activity.schedule_from = from;
    activity.schedule_to = to;
  }
  return activity;
}

/**
 * A note for one public message (settings.messageActivities), or null for anything that must not
 * reach the CRM or has nothing to show: private notes, activity messages, templates (bot prompts,
 * surveys), empty messages.
 */
export function renderMessageActivity(
  message: ChatwootApiMessage,
  snapshot: ConversationSnapshot,
  settings: ConversationSettings,
  ctx: ActivityContext,
): RenderedActivity | null {
  if (message.private !== false || (message.message_type !== 0 && message.message_type !== 1)) return null;
  const [public_] = toTranscriptMessages([message]);
  if (public_ === undefined) return null;
  const timeZone = ctx.timeZone ?? 'UTC';
  const channel = channelLabel(snapshot.channel, snapshot.additional);
  const direction = public_.direction === 'incoming' ? 'Incoming' : 'Outgoing';
  const url = conversationUrl(ctx.chatwootUrl, ctx.accountId, snapshot.id);
  const heading = `<p>${direction} message in Chatwoot conversation #${snapshot.id} · ${link(url, 'Open in Chatwoot')}</p>`;
  const room = Math.min(settings.transcript.maxBytes, TEXT_MAX_BYTES - COMMENT_MARGIN_BYTES - utf8ByteLength(heading));
  // One message is the whole point here: no per-message character cap, only the byte budget.
  const block = renderMessageBlock(public_, { maxMessageChars: Number.MAX_SAFE_INTEGER, timeZone }, room) ?? '';
  return {
    type: 'note',
    title: clipChars(
      `Chatwoot message (${public_.direction}), conversation #${snapshot.id} (${channel})`,
      VARCHAR_MAX_CHARS,
    ),
    comment: `${heading}${block}`,
    additional: messageMarker(snapshot.id, message.id, ctx.accountId),
    location: locationFor(snapshot, settings, ctx),
    is_done: 1,
  };
}

/**
 * Stable fingerprint of a rendered activity: equal renderings (any key order) give equal hashes, and
 * the render version is part of it. Pure JS sha256, so workflow code may call it.
 */
export function conversationActivityHash(rendered: RenderedActivity): string {
  return sha256Hex(canonicalJson({ version: ACTIVITY_RENDER_VERSION, activity: rendered }));
}
