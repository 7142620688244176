/**
 * How conversations become Krayin activities (to be wired in as `sync.conversations`).
 *
 * - `activityTypes` (default `{}`): Chatwoot channel -> Krayin activity type, e.g.
 *   `{ "Channel::Whatsapp": "call", "Channel::Email": "meeting" }`. Keys are `Channel::<Type>` names as
 *   Chatwoot reports them (`Channel::WebWidget`, `Channel::Api`, `Channel::Email`, `Channel::Whatsapp`,
 *   `Channel::FacebookPage`, `Channel::Instagram`, `Channel::TwitterProfile`, `Channel::TwilioSms`,
 *   `Channel::Sms`, `Channel::Telegram`, `Channel::Line`, `Channel::Tiktok`). Channels not listed use
 *   `defaultActivityType`. Types: `note`, `call`, `meeting`, `lunch`. Every type but `note` is
 *   scheduled from the conversation's start to its last activity (Krayin requires a schedule for them)
 *   and marked done when the conversation is resolved. `file` is not offered (it needs an upload), nor
 *   Krayin's internal `system`.
 * - `defaultActivityType` (default `note`): type for channels not in `activityTypes`. A note is always
 *   valid and needs no schedule.
 * - `location` (default `contact`): the activity's location: `contact` = the contact's city and
 *   country (empty when Chatwoot has neither), `inbox` = the Chatwoot inbox name, `none` = empty.
 * - `messageActivities` (default false): also write one Krayin note per public incoming/outgoing
 *   message. Private notes and activity messages are never written.
 * - `transcript.maxMessages` (default 200, 1-1000): at most this many of the newest public messages
 *   go into the transcript written when a conversation is resolved.
 * - `transcript.maxBytes` (default 48000, 2000-60000): size budget of the transcript's HTML in bytes
 *   of UTF-8. Krayin's comment column holds 65,535 bytes; the summary above the transcript needs the
 *   rest. Older messages that do not fit are left out and the transcript says how many.
 * - `transcript.maxMessageChars` (default 2000, 100-60000): a single message longer than this many
 *   characters is shortened in the transcript (long emails would otherwise crowd out the rest).
 * - `summaryMaxChars` (default 280, 0-2000): length of the excerpt of the customer's first message in
 *   the activity; 0 leaves the excerpt out.
 */
import { z } from 'zod';

/** Krayin activity types we write. Krayin accepts any string, but its UI knows only these (and file). */
export const CONVERSATION_ACTIVITY_TYPES = ['note', 'call', 'meeting', 'lunch'] as const;
export type ConversationActivityType = (typeof CONVERSATION_ACTIVITY_TYPES)[number];

/** Types Krayin validates without a schedule (src/krayin/README.md §10: required unless note or file). */
export const UNSCHEDULED_ACTIVITY_TYPES: readonly string[] = ['note', 'file'];

function int(min: number, max: number) {
  const error = `must be an integer between ${min} and ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const activityType = z.enum(CONVERSATION_ACTIVITY_TYPES, {
  error: `must be one of ${CONVERSATION_ACTIVITY_TYPES.join(', ')}`,
});

const channelName = z.string().regex(/^Channel::\w+$/, 'must be a Chatwoot channel name such as Channel::Whatsapp');

const transcriptSchema = z.object({
  maxMessages: int(1, 1000).default(200),
  maxBytes: int(2000, 60_000).default(48_000),
  maxMessageChars: int(100, 60_000).default(2000),
});

export const conversationSettingsSchema = z.object({
  activityTypes: z
    .record(channelName, activityType, {
      error: (issue) =>
        issue.code === 'invalid_type' ? 'must be an object of Chatwoot channel -> Krayin activity type' : undefined,
    })
    .default({}),
  defaultActivityType: activityType.default('note'),
  location: z.enum(['contact', 'inbox', 'none'], { error: 'must be one of contact, inbox, none' }).default('contact'),
  messageActivities: z.boolean({ error: 'must be true or false' }).default(false),
  transcript: transcriptSchema.default(() => transcriptSchema.parse({})),
  summaryMaxChars: int(0, 2000).default(280),
});

export type ConversationSettings = z.infer<typeof conversationSettingsSchema>;
export type TranscriptSettings = ConversationSettings['transcript'];
