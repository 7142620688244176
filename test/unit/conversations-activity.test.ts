import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiMessage, type ChatwootApiMessage } from '../../src/chatwoot/api-schemas';
import {
  conversationActivityHash,
  conversationUrl,
  renderConversationActivity,
  renderMessageActivity,
  type ActivityContext,
  type RenderedActivity,
} from '../../src/conversations/activity';
import { utf8ByteLength } from '../../src/conversations/html';
import { isConversationMarker, isMessageMarker } from '../../src/conversations/marker';
import { conversationSettingsSchema, type ConversationSettings } from '../../src/conversations/settings';
import {
  toTranscriptMessages,
  type ConversationSnapshot,
  type TranscriptMessage,
} from '../../src/conversations/snapshot';
import type { ActivityInput } from '../../src/krayin/api';
import { TEXT_MAX_BYTES } from '../../src/mapping/text';

const FIXTURES = process.env.CHATWOOT_FIXTURES_DIR ?? path.resolve(__dirname, '../../../shared/chatwoot-fixtures');
const privateNoteFixture = JSON.parse(
  readFileSync(path.join(FIXTURES, 'message_created.private_note.json'), 'utf8'),
) as { id: number; content: string; created_at: string; sender: unknown };

const settings = (input: object = {}): ConversationSettings => conversationSettingsSchema.parse(input);

const ctx: ActivityContext = {
  chatwootUrl: 'https://chat.acme.example/',
  accountId: 1,
  inboxName: 'Acme Website',
  timeZone: 'UTC',
};

function snapshot(overrides: Partial<ConversationSnapshot> = {}): ConversationSnapshot {
  return {
    id: 87,
    inboxId: 3,
    channel: 'Channel::WebWidget',
    status: 'open',
    priority: 'high',
    labels: ['upgrade', 'vip'],
    assigneeId: 7,
    assigneeName: 'Max Mustermann',
    assigneeEmail: 'max.mustermann@acme.example',
    teamName: 'Sales',
    createdAt: '2026-06-20T09:14:03.000Z',
    lastActivityAt: '2026-06-20T09:29:47.000Z',
    firstReplyAt: '2026-06-20T09:16:05.000Z',
    contactId: 1042,
    contactCity: 'Berlin',
    contactCountry: 'Germany',
    additional: {},
    ...overrides,
  };
}

function restMessage(id: number, fields: Partial<Record<keyof ChatwootApiMessage, unknown>> = {}): ChatwootApiMessage {
  return apiMessage.parse({
    id,
    content: `message ${id}`,
    inbox_id: 3,
    conversation_id: 87,
    message_type: 0,
    content_type: 'text',
    status: 'sent',
    content_attributes: {},
    created_at: 1781946843 + id,
    private: false,
    source_id: null,
    ...fields,
  });
}

/** The fixture's private note in the REST message shape. */
const privateNote = restMessage(privateNoteFixture.id, {
  content: privateNoteFixture.content,
  message_type: 1,
  private: true,
  created_at: Math.floor(Date.parse(privateNoteFixture.created_at) / 1000),
  sender: privateNoteFixture.sender,
});

const max = { id: 7, name: 'Max Mustermann', type: 'user' };
const chat: ChatwootApiMessage[] = [
  restMessage(58210, {
    content: "Hi! I'd like to upgrade our team to the Business plan. Can you send me an offer?",
    created_at: 1781946843,
  }),
  privateNote,
  restMessage(58220, { message_type: 1, content: 'Sure, sending it now.', sender: max, created_at: 1781946965 }),
  restMessage(58230, {
    message_type: 2,
    content: 'Conversation was marked resolved by Max Mustermann',
    created_at: 1781947787,
  }),
];
const transcript = toTranscriptMessages(chat);

describe('renderConversationActivity', () => {
  it('writes a note by default: no schedule, done, our marker, the contact location', () => {
    const a = renderConversationActivity(snapshot(), transcript, settings(), ctx);
    expect(a).toMatchObject({
      type: 'note',
      title: 'Chatwoot conversation #87 (Website)',
      additional: { chatwoot: { conversation: 87, account: 1 } },
      location: 'Berlin, Germany',
      is_done: 1,
    });
    expect(a).not.toHaveProperty('schedule_from');
    expect(a).not.toHaveProperty('schedule_to');
    expect(isConversationMarker(a.additional, 87, 1)).toBe(true);
  });

  it('fits ActivityInput once the caller adds the link', () => {
    const a = renderConversationActivity(snapshot(), transcript, settings(), ctx);
    const input: ActivityInput = { ...a, lead_id: 12 };
    expect(input.lead_id).toBe(12);
  });

  it('summarises channel, inbox, assignee, labels, priority, status, link and the first customer message', () => {
    const { comment } = renderConversationActivity(snapshot(), transcript, settings(), ctx);
    const link = conversationUrl(ctx.chatwootUrl, 1, 87);
    expect(link).toBe('https://chat.acme.example/app/accounts/1/conversations/87');
    expect(comment).toContain(`<a href="${link}" target="_blank" rel="noopener noreferrer">Open in Chatwoot</a>`);
    for (const line of [
      'Channel: Website',
      'Inbox: Acme Website',
      'Status: Open',
      'Priority: High',
      'Assignee: Max Mustermann',
      'Team: Sales',
      'Labels: upgrade, vip',
      'Started: 2026-06-20 09:14 (UTC)',
    ]) {
      expect(comment).toContain(line);
    }
    expect(comment).toContain(
      '<p><b>Customer wrote:</b> Hi! I&#39;d like to upgrade our team to the Business plan. Can you send me an offer?</p>',
    );
  });

  it('leaves out what is unknown and truncates the summary to summaryMaxChars', () => {
    const bare = snapshot({ priority: null, labels: [], assigneeName: null, teamName: null });
    const { comment } = renderConversationActivity(bare, transcript, settings({ summaryMaxChars: 20 }), {
      ...ctx,
      inboxName: null,
    });
    for (const absent of ['Priority:', 'Labels:', 'Assignee:', 'Team:', 'Inbox:'])
      expect(comment).not.toContain(absent);
    expect(comment).toContain('<b>Customer wrote:</b> Hi! I&#39;d like to upg…</p>');
    const noSummary = renderConversationActivity(bare, transcript, settings({ summaryMaxChars: 0 }), ctx).comment;
    expect(noSummary).not.toContain('Customer wrote');
    expect(renderConversationActivity(bare, null, settings(), ctx).comment).not.toContain('Customer wrote');
  });

  it('adds the transcript only once the conversation is resolved', () => {
    const open = renderConversationActivity(snapshot(), transcript, settings(), ctx).comment;
    expect(open).not.toContain('Transcript');
    expect(open).not.toContain('Sure, sending it now.');
    const resolved = renderConversationActivity(snapshot({ status: 'resolved' }), transcript, settings(), ctx);
    expect(resolved.comment).toContain('Status: Resolved');
    expect(resolved.comment).toContain('<p><b>Transcript</b></p>');
    expect(resolved.comment).toContain('<p><b>Max Mustermann</b> (2026-06-20 09:16)<br>Sure, sending it now.</p>');
    expect(resolved.comment).not.toContain('marked resolved');
  });

  it('never lets the private note fixture into any activity', () => {
    expect(privateNote.private).toBe(true);
    const secret = 'check the open deal';
    expect(privateNoteFixture.content).toContain(secret);
    for (const status of ['open', 'resolved'] as const) {
      const a = renderConversationActivity(snapshot({ status }), toTranscriptMessages(chat), settings(), ctx);
      expect(JSON.stringify(a)).not.toContain(secret);
    }
    expect(renderMessageActivity(privateNote, snapshot(), settings(), ctx)).toBeNull();
  });

  it('escapes every piece of Chatwoot text', () => {
    const evil = '<script>alert(1)</script>';
    const a = renderConversationActivity(
      snapshot({
        status: 'resolved',
        labels: [evil],
        assigneeName: evil,
        teamName: evil,
        additional: { mail_subject: evil },
      }),
      toTranscriptMessages([
        restMessage(1, { content: evil }),
        restMessage(2, { message_type: 1, sender: { ...max, name: evil } }),
      ]),
      settings(),
      { ...ctx, inboxName: evil },
    );
    expect(a.comment).not.toContain('<script>');
    expect(a.comment.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)?.length).toBe(8);
  });

  it('replaces lone surrogates so Krayin can decode the request', () => {
    const a = renderConversationActivity(snapshot({ teamName: 'Sales \uD83D' }), null, settings(), ctx);
    expect(a.comment).toContain('Team: Sales \uFFFD');
  });

  it('maps channels to activity types, scheduling everything but notes from start to last activity', () => {
    const s = settings({ activityTypes: { 'Channel::Whatsapp': 'call' } });
    const wa = snapshot({ channel: 'Channel::Whatsapp' });
    const call = renderConversationActivity(wa, transcript, s, ctx);
    expect(call.type).toBe('call');
    expect(call.title).toBe('Chatwoot conversation #87 (WhatsApp)');
    expect(call.schedule_from).toEqual(new Date('2026-06-20T09:14:03.000Z'));
    expect(call.schedule_to).toEqual(new Date('2026-06-20T09:29:47.000Z'));
    expect(call.is_done).toBe(0);
    expect(renderConversationActivity({ ...wa, status: 'resolved' }, transcript, s, ctx).is_done).toBe(1);
    expect(renderConversationActivity(snapshot(), transcript, s, ctx).type).toBe('note');
    expect(
      renderConversationActivity(snapshot(), transcript, settings({ defaultActivityType: 'meeting' }), ctx).type,
    ).toBe('meeting');
  });

  it('never schedules the end before the start', () => {
    const s = settings({ defaultActivityType: 'call' });
    const a = renderConversationActivity(snapshot({ lastActivityAt: '2026-06-20T08:00:00.000Z' }), null, s, ctx);
    expect(a.schedule_to?.getTime()).toBe(a.schedule_from?.getTime());
  });

  it('takes the location from the contact, the inbox, or nowhere', () => {
    expect(renderConversationActivity(snapshot({ contactCountry: null }), null, settings(), ctx).location).toBe(
      'Berlin',
    );
    expect(
      renderConversationActivity(snapshot({ contactCity: null, contactCountry: null }), null, settings(), ctx).location,
    ).toBeNull();
    expect(renderConversationActivity(snapshot(), null, settings({ location: 'inbox' }), ctx).location).toBe(
      'Acme Website',
    );
    expect(renderConversationActivity(snapshot(), null, settings({ location: 'none' }), ctx).location).toBeNull();
    const long = renderConversationActivity(snapshot({ contactCity: '😀'.repeat(300) }), null, settings(), ctx);
    expect(Array.from(long.location ?? '')).toHaveLength(255);
  });

  it('stays within Krayin TEXT column for huge conversations and headers', () => {
    const huge = 'Ü😀<&'.repeat(2000);
    const messages: TranscriptMessage[] = Array.from({ length: 2000 }, (_, i) => ({
      id: i + 1,
      createdAt: new Date(Date.UTC(2026, 5, 20) + i * 1000).toISOString(),
      direction: 'incoming',
      author: huge,
      content: huge,
      attachments: [{ name: huge, url: `https://x.example/${i}` }],
    }));
    const a = renderConversationActivity(
      snapshot({ status: 'resolved', labels: Array.from({ length: 500 }, (_, i) => `${huge}${i}`), teamName: huge }),
      messages,
      settings({ transcript: { maxBytes: 60_000, maxMessageChars: 60_000, maxMessages: 1000 } }),
      { ...ctx, inboxName: huge },
    );
    expect(utf8ByteLength(a.comment)).toBeLessThanOrEqual(TEXT_MAX_BYTES);
    expect(a.comment).toMatch(/\d+ older messages are not shown\./);
    expect(Array.from(a.title).length).toBeLessThanOrEqual(255);
  });

  it('keeps the default transcript budget well inside the column', () => {
    const messages = toTranscriptMessages(
      Array.from({ length: 2000 }, (_, i) => restMessage(i + 1, { content: `Nachricht ${i} 😀 ${'x'.repeat(200)}` })),
    );
    const a = renderConversationActivity(snapshot({ status: 'resolved' }), messages, settings(), ctx);
    const bytes = utf8ByteLength(a.comment);
    expect(bytes).toBeLessThanOrEqual(48_000 + 2_000);
    expect(bytes).toBeGreaterThan(40_000);
    // 200 messages of ~230 bytes exceed 48 KB: the byte budget, not the count, decides here.
    const omitted = Number(/<i>(\d+) older messages are not shown\.<\/i>/.exec(a.comment)?.[1]);
    expect(omitted).toBeGreaterThan(1800);
    expect(a.comment).toContain(`Nachricht ${omitted} 😀`);
    expect(a.comment).not.toContain(`Nachricht ${omitted - 1} 😀`);
  });
});

describe('conversationActivityHash', () => {
  const base = renderConversationActivity(snapshot(), transcript, settings(), ctx);

  it('is a stable sha256 hex independent of key order', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as RenderedActivity;
    expect(conversationActivityHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(conversationActivityHash(reordered)).toBe(conversationActivityHash(base));
    expect(conversationActivityHash(renderConversationActivity(snapshot(), transcript, settings(), ctx))).toBe(
      conversationActivityHash(base),
    );
  });

  it('does not change when a new message arrives in an open conversation written as a note', () => {
    const later = toTranscriptMessages([...chat, restMessage(58240, { content: 'Thanks!' })]);
    const next = renderConversationActivity(
      snapshot({ lastActivityAt: '2026-06-20T10:00:00.000Z' }),
      later,
      settings(),
      ctx,
    );
    expect(conversationActivityHash(next)).toBe(conversationActivityHash(base));
  });

  it.each<[string, Partial<ConversationSnapshot>]>([
    ['status', { status: 'pending' }],
    ['labels', { labels: ['upgrade'] }],
    ['assignee', { assigneeName: 'Ana' }],
    ['priority', { priority: 'urgent' }],
  ])('changes when the %s changes', (_, change) => {
    const next = renderConversationActivity(snapshot(change), transcript, settings(), ctx);
    expect(conversationActivityHash(next)).not.toBe(conversationActivityHash(base));
  });

  it('changes with the schedule of a scheduled type', () => {
    const s = settings({ defaultActivityType: 'call' });
    const a = renderConversationActivity(snapshot(), null, s, ctx);
    const b = renderConversationActivity(snapshot({ lastActivityAt: '2026-06-20T10:00:00.000Z' }), null, s, ctx);
    expect(conversationActivityHash(a)).not.toBe(conversationActivityHash(b));
  });
});

describe('renderMessageActivity', () => {
  it('writes a note per public message with its own marker', () => {
    const a = renderMessageActivity(chat[0] as ChatwootApiMessage, snapshot(), settings(), ctx);
    expect(a).toMatchObject({
      type: 'note',
      title: 'Chatwoot message (incoming), conversation #87 (Website)',
      additional: { chatwoot: { conversation: 87, message: 58210, account: 1 } },
      is_done: 1,
      location: 'Berlin, Germany',
    });
    expect(a?.comment).toContain('Incoming message in Chatwoot conversation #87');
    expect(a?.comment).toContain('<b>Customer</b> (2026-06-20 ');
    expect(isMessageMarker(a?.additional, 87, 58210, 1)).toBe(true);
    expect(isConversationMarker(a?.additional, 87, 1)).toBe(false);
  });

  it('lists attachments by name and link and escapes the text', () => {
    const m = restMessage(5, {
      message_type: 1,
      sender: max,
      content: 'see <img src=x onerror=alert(1)>',
      attachments: [{ id: 1, file_type: 'file', data_url: 'https://chat.acme.example/blobs/redirect/k/Offer.pdf' }],
    });
    const a = renderMessageActivity(m, snapshot(), settings(), ctx);
    expect(a?.title).toBe('Chatwoot message (outgoing), conversation #87 (Website)');
    expect(a?.comment).toContain('see &lt;img src=x onerror=alert(1)&gt;');
    expect(a?.comment).toContain(
      'Attachment: <a href="https://chat.acme.example/blobs/redirect/k/Offer.pdf" target="_blank" rel="noopener noreferrer">Offer.pdf</a>',
    );
  });

  it('returns null for private notes, activity and template messages, and empty messages', () => {
    const s = snapshot();
    expect(renderMessageActivity(privateNote, s, settings(), ctx)).toBeNull();
    expect(renderMessageActivity(restMessage(1, { message_type: 2 }), s, settings(), ctx)).toBeNull();
    expect(renderMessageActivity(restMessage(2, { message_type: 3 }), s, settings(), ctx)).toBeNull();
    expect(renderMessageActivity(restMessage(3, { content: null }), s, settings(), ctx)).toBeNull();
  });

  it('bounds a huge message by the transcript byte budget', () => {
    const m = restMessage(9, { content: '😀'.repeat(40_000) });
    const a = renderMessageActivity(m, snapshot(), settings({ transcript: { maxBytes: 10_000 } }), ctx);
    expect(utf8ByteLength(a?.comment ?? '')).toBeLessThanOrEqual(10_000 + 300);
    expect(a?.comment).toMatch(/😀…<\/p>$/);
  });
});
