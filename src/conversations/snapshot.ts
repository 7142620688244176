/**
 * Compact, PII-minimal views of a Chatwoot conversation (REST `GET /conversations/{display_id}`) and
 * of its messages (`GET .../messages`), as the activity renderer and the stage rules need them. The
 * contact's name, email and phone stay out: the Krayin person already holds them. Pure.
 *
 * REST shapes (src/chatwoot/README.md §5, _conversation/_message jbuilder views): timestamps are epoch seconds,
 * `first_reply_created_at` is 0 when null, `message_type` is an int (0 incoming, 1 outgoing,
 * 2 activity, 3 template), `meta.assignee` is the agent partial (id, name, available_name, email).
 */
import type { ChatwootApiConversation, ChatwootApiMessage } from '../chatwoot/api-schemas';
import { multiLine, singleLine } from '../mapping/text';
import type { ConversationObservedState, ConversationPriority } from '../rules/triggers';

export interface ConversationSnapshot {
  /** display_id: the number in the UI and in every REST URL. */
  id: number;
  inboxId: number;
  /** `Channel::Whatsapp` etc.; null when Chatwoot did not say. */
  channel: string | null;
  status: 'open' | 'resolved' | 'pending' | 'snoozed';
  priority: ConversationPriority | null;
  /** Trimmed, de-duplicated, sorted. */
  labels: string[];
  /** A human agent (bots are not owners). */
  assigneeId: number | null;
  assigneeName: string | null;
  /** Lower-cased, for matching the Krayin owner. */
  assigneeEmail: string | null;
  teamName: string | null;
  /** ISO instants (UTC). */
  createdAt: string;
  lastActivityAt: string;
  firstReplyAt: string | null;
  contactId: number;
  /** The contact's `additional_attributes.city` / `.country`, for the activity location. */
  contactCity: string | null;
  contactCountry: string | null;
  /** Selected conversation `additional_attributes` (string values only), e.g. `mail_subject`. */
  additional: Record<string, string>;
}

export interface SnapshotOptions {
  /** Used when the conversation's `meta.channel` is missing (e.g. from the contact's inbox list). */
  channel?: string | null;
  /**
   * Conversation `additional_attributes` keys to keep. Default: `mail_subject` (email subject) and
   * `type` (tells Instagram DMs apart inside a Facebook page inbox). Others (browser, referer, IPs)
   * are visitor tracking data with no place in a CRM activity.
   */
  additionalKeys?: readonly string[];
}

export const DEFAULT_ADDITIONAL_KEYS: readonly string[] = ['mail_subject', 'type'];

const PRIORITIES: readonly string[] = ['low', 'medium', 'high', 'urgent'];

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const clean = singleLine(value);
  return clean === '' ? null : clean;
}

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** Epoch seconds -> ISO; null for 0/absent (Chatwoot's "null" for these columns). */
export function epochToIso(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  return new Date(Math.round(value * 1000)).toISOString();
}

export function toConversationSnapshot(
  conv: ChatwootApiConversation,
  opts: SnapshotOptions = {},
): ConversationSnapshot {
  const meta = conv.meta;
  const assignee = record(meta.assignee);
  // Newer Chatwoot reports bot assignees here too (assignee_type "AgentBot"); only agents own leads.
  const assigneeIsBot = meta.assignee_type === 'AgentBot' || assignee.type === 'agent_bot';
  const assigneeId = assigneeIsBot ? null : positiveInt(assignee.id);
  const contactAttributes = record(meta.sender.additional_attributes);
  const createdAt = epochToIso(conv.created_at) ?? new Date(0).toISOString();
  const lastActivity = epochToIso(conv.last_activity_at) ?? epochToIso(conv.timestamp) ?? createdAt;

  const additional: Record<string, string> = {};
  for (const key of opts.additionalKeys ?? DEFAULT_ADDITIONAL_KEYS) {
    const value = text(conv.additional_attributes[key]);
    if (value !== null) additional[key] = value;
  }

  return {
    id: conv.id,
    inboxId: conv.inbox_id,
    channel: text(meta.channel) ?? text(opts.channel) ?? null,
    status: conv.status,
    priority:
      typeof conv.priority === 'string' && PRIORITIES.includes(conv.priority)
        ? (conv.priority as ConversationPriority)
        : null,
    labels: [...new Set(conv.labels.map((l) => l.trim()).filter((l) => l !== ''))].sort(),
    assigneeId,
    assigneeName: assigneeId === null ? null : (text(assignee.name) ?? text(assignee.available_name)),
    assigneeEmail: assigneeId === null ? null : (text(assignee.email)?.toLowerCase() ?? null),
    teamName: text(record(meta.team).name),
    createdAt,
    // Never before the start: schedules built from these must not run backwards.
    lastActivityAt: lastActivity < createdAt ? createdAt : lastActivity,
    firstReplyAt: epochToIso(conv.first_reply_created_at),
    contactId: meta.sender.id,
    contactCity: text(contactAttributes.city),
    contactCountry: text(contactAttributes.country),
    additional,
  };
}

/** The part of a snapshot that stage rules compare between observations. */
export function observedStateOf(snapshot: ConversationSnapshot): ConversationObservedState {
  return {
    status: snapshot.status,
    labels: snapshot.labels,
    assigneeId: snapshot.assigneeId,
    firstReplyAt: snapshot.firstReplyAt,
    priority: snapshot.priority,
  };
}

export interface TranscriptAttachment {
  name: string;
  /** Chatwoot's link to the file (http(s) only), or null. The file itself is never copied. */
  url: string | null;
}

export interface TranscriptMessage {
  id: number;
  /** ISO instant. */
  createdAt: string;
  direction: 'incoming' | 'outgoing';
  /** `Customer`, the agent's name, `Agent` (sent from the phone app) or `Bot`. */
  author: string;
  /** Plain text (line breaks kept); not escaped yet. */
  content: string;
  attachments: TranscriptAttachment[];
}

const INCOMING = 0;
const OUTGOING = 1;
const TEMPLATE = 3;

/**
 * The public chat of a conversation, oldest first: private notes (`private: true`, which Chatwoot also
 * uses for outgoing agent notes) and activity messages (type 2: "assigned to", "resolved"...) dropped;
 * incoming, outgoing and template messages kept; messages with neither text nor attachments dropped.
 * Duplicates (overlapping pages) are removed by id.
 */
export function toTranscriptMessages(messages: readonly ChatwootApiMessage[]): TranscriptMessage[] {
  const seen = new Set<number>();
  const out: TranscriptMessage[] = [];
  for (const m of messages) {
    if (m.private !== false || seen.has(m.id)) continue;
    if (m.message_type !== INCOMING && m.message_type !== OUTGOING && m.message_type !== TEMPLATE) continue;
    seen.add(m.id);
    const content = multiLine(m.content ?? '').replace(/\n{3,}/g, '\n\n');
    const attachments = (m.attachments ?? []).map(toAttachment);
    // Nothing a reader could see (e.g. a deleted message whose files are gone).
    if (content === '' && attachments.length === 0) continue;
    out.push({
      id: m.id,
      createdAt: epochToIso(m.created_at) ?? new Date(0).toISOString(),
      direction: m.message_type === INCOMING ? 'incoming' : 'outgoing',
      author: authorLabel(m),
      content,
      attachments,
    });
  }
  // Chatwoot answers ascending already; sorting keeps the order stable whatever the caller merged.
  return out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id));
}

function authorLabel(m: ChatwootApiMessage): string {
  if (m.message_type === INCOMING) return 'Customer';
  const sender = record(m.sender);
  if (sender.type === 'user') return text(sender.name) ?? text(sender.available_name) ?? 'Agent';
  // No sender: automations and campaigns, or a reply typed in the phone's own WhatsApp/Instagram app.
  if (m.sender === undefined && record(m.content_attributes).external_echo === true) return 'Agent';
  return 'Bot';
}

function toAttachment(raw: Record<string, unknown>): TranscriptAttachment {
  const dataUrl = typeof raw.data_url === 'string' && /^https?:\/\//i.test(raw.data_url) ? raw.data_url : null;
  return { name: attachmentName(raw, dataUrl), url: dataUrl };
}

/**
 * A readable name: the file name at the end of the ActiveStorage URL, else the fallback title
 * (locations, shares), else `<file_type>.<extension>`.
 */
function attachmentName(raw: Record<string, unknown>, dataUrl: string | null): string {
  const fromUrl = dataUrl === null ? null : fileNameOf(dataUrl);
  if (fromUrl !== null) return fromUrl;
  const title = text(raw.fallback_title);
  if (title !== null) return title;
  const type = text(raw.file_type) ?? 'file';
  const extension = text(raw.extension);
  return extension === null ? type : `${type}.${extension.replace(/^\.+/, '')}`;
}

function fileNameOf(url: string): string | null {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // A malformed escape: keep the raw segment.
  }
  const clean = text(name);
  // Only a segment that looks like a file name; `redirect` or a blob key says nothing to a reader.
  return clean !== null && /\.[A-Za-z0-9]{1,10}$/.test(clean) ? clean : null;
}
