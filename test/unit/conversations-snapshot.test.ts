import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiConversation, apiMessage, type ChatwootApiMessage } from '../../src/chatwoot/api-schemas';
import {
  observedStateOf,
  toConversationSnapshot,
  toTranscriptMessages,
  type ConversationSnapshot,
} from '../../src/conversations/snapshot';

const FIXTURES = process.env.CHATWOOT_FIXTURES_DIR ?? path.resolve(__dirname, '../../../shared/chatwoot-fixtures');
const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** A message webhook body in the REST `_message.json.jbuilder` shape, checked by the real schema. */
function restMessageFromWebhook(body: Record<string, unknown>): ChatwootApiMessage {
  const b = body as Record<string, unknown> & { conversation: { id: number }; inbox: { id: number } };
  return apiMessage.parse({
    id: b.id,
    content: b.content,
    inbox_id: b.inbox.id,
    conversation_id: b.conversation.id,
    message_type: { incoming: 0, outgoing: 1, template: 3 }[b.message_type as string],
    content_type: b.content_type,
    status: 'sent',
    content_attributes: b.content_attributes,
    created_at: epoch(b.created_at as string),
    private: b.private,
    source_id: b.source_id,
    ...(b.sender && (b.sender as { type?: string }).type === 'user' ? { sender: b.sender } : {}),
    ...(b.attachments ? { attachments: b.attachments } : {}),
  });
}

/** Conversation #87 of the fixture scenario as GET /conversations/87 returns it (REST shape). */
function restConversation(overrides: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) {
  return apiConversation.parse({
    id: 87,
    account_id: 1,
    uuid: '3f1c2b9e-0000-4000-8000-000000000087',
    inbox_id: 3,
    status: 'open',
    labels: ['vip', 'upgrade', 'vip', ' '],
    custom_attributes: {},
    additional_attributes: {
      browser: { browser_name: 'Chrome' },
      referer: 'https://www.acme.example/pricing?token=secret',
      mail_subject: 'Upgrade   offer',
    },
    meta: {
      sender: {
        id: 1042,
        name: 'Jane Doe',
        email: 'jane.doe@example.com',
        phone_number: '+4915112345678',
        identifier: null,
        additional_attributes: { city: 'Berlin', country: 'Germany', company_name: 'Acme Logistics GmbH' },
        custom_attributes: {},
        created_at: 1781946800,
      },
      channel: 'Channel::WebWidget',
      assignee: { id: 7, name: 'Max Mustermann', available_name: 'Max', email: 'Max.Mustermann@Acme.example' },
      team: { id: 2, name: 'Sales' },
      hmac_verified: false,
      ...meta,
    },
    created_at: 1781946843,
    timestamp: 1781947787,
    last_activity_at: 1781947787,
    first_reply_created_at: 0,
    priority: 'high',
    updated_at: 1781947872.004551,
    ...overrides,
  });
}

describe('toConversationSnapshot', () => {
  it('maps the REST conversation to a compact snapshot', () => {
    const s = toConversationSnapshot(restConversation());
    expect(s).toEqual<ConversationSnapshot>({
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
      firstReplyAt: null,
      contactId: 1042,
      contactCity: 'Berlin',
      contactCountry: 'Germany',
      additional: { mail_subject: 'Upgrade offer' },
    });
  });

  it('keeps the contact name, email, phone and visitor tracking data out', () => {
    const json = JSON.stringify(toConversationSnapshot(restConversation()));
    for (const pii of ['Jane', 'jane.doe', '4915112345678', 'Chrome', 'token=secret', 'Acme Logistics']) {
      expect(json).not.toContain(pii);
    }
  });

  it('reads first_reply_created_at as an epoch (0 = none) and falls back to timestamp', () => {
    const s = toConversationSnapshot(
      restConversation({ first_reply_created_at: 1781946965, last_activity_at: undefined }),
    );
    expect(s.firstReplyAt).toBe('2026-06-20T09:16:05.000Z');
    expect(s.lastActivityAt).toBe('2026-06-20T09:29:47.000Z');
  });

  it('never reports a last activity before the start', () => {
    const s = toConversationSnapshot(restConversation({ last_activity_at: 1781946000, timestamp: 1781946000 }));
    expect(s.lastActivityAt).toBe(s.createdAt);
  });

  it('treats an unassigned or bot-assigned conversation as having no owner candidate', () => {
    expect(toConversationSnapshot(restConversation({}, { assignee: null })).assigneeId).toBeNull();
    const bot = toConversationSnapshot(
      restConversation({}, { assignee: { id: 3, name: 'Captain' }, assignee_type: 'AgentBot' }),
    );
    expect([bot.assigneeId, bot.assigneeName, bot.assigneeEmail]).toEqual([null, null, null]);
  });

  it('ignores an unknown priority and takes the channel from the options when meta has none', () => {
    const s = toConversationSnapshot(restConversation({ priority: 'critical' }, { channel: undefined }), {
      channel: 'Channel::Whatsapp',
    });
    expect(s.priority).toBeNull();
    expect(s.channel).toBe('Channel::Whatsapp');
    expect(toConversationSnapshot(restConversation({}, { channel: undefined })).channel).toBeNull();
  });

  it('keeps only the additional attribute keys asked for', () => {
    const s = toConversationSnapshot(restConversation(), { additionalKeys: ['referer'] });
    expect(s.additional).toEqual({ referer: 'https://www.acme.example/pricing?token=secret' });
  });

  it('gives stage rules the observed state', () => {
    expect(observedStateOf(toConversationSnapshot(restConversation()))).toEqual({
      status: 'open',
      labels: ['upgrade', 'vip'],
      assigneeId: 7,
      firstReplyAt: null,
      priority: 'high',
    });
  });
});

function msg(id: number, fields: Partial<Record<keyof ChatwootApiMessage, unknown>> = {}): ChatwootApiMessage {
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

const max = { id: 7, name: 'Max Mustermann', type: 'user' };

describe('toTranscriptMessages', () => {
  const incoming = restMessageFromWebhook(fixture('message_created.json'));
  const note = restMessageFromWebhook(fixture('message_created.private_note.json'));
  const reply = restMessageFromWebhook(fixture('message_created.outgoing.json'));

  it('drops the real private note fixture and keeps the public messages around it', () => {
    expect(note.private).toBe(true);
    expect(note.message_type).toBe(1);
    const transcript = toTranscriptMessages([incoming, note, reply]);
    expect(transcript.map((m) => m.id)).toEqual([incoming.id, reply.id]);
    expect(JSON.stringify(transcript)).not.toContain('discount');
  });

  it('drops activity messages and keeps incoming, outgoing and template messages', () => {
    const transcript = toTranscriptMessages([
      msg(1),
      msg(2, { message_type: 2, content: 'Max self-assigned this conversation' }),
      msg(3, { message_type: 1, sender: max }),
      msg(4, { message_type: 3, content: 'Please rate the conversation' }),
    ]);
    expect(transcript.map((m) => [m.id, m.direction, m.author])).toEqual([
      [1, 'incoming', 'Customer'],
      [3, 'outgoing', 'Max Mustermann'],
      [4, 'outgoing', 'Bot'],
    ]);
  });

  it('labels authors by message type first, then sender type', () => {
    const [bot, echo, automation, unnamed] = toTranscriptMessages([
      msg(1, { message_type: 1, sender: { id: 2, name: 'Helper', type: 'agent_bot' } }),
      msg(2, { message_type: 1, content_attributes: { external_echo: true } }),
      msg(3, { message_type: 1 }),
      msg(4, { message_type: 1, sender: { id: 8, name: null, type: 'user', available_name: 'Ana' } }),
    ]);
    expect([bot?.author, echo?.author, automation?.author, unnamed?.author]).toEqual(['Bot', 'Agent', 'Bot', 'Ana']);
    expect(toTranscriptMessages([incoming])[0]?.author).toBe('Customer');
  });

  it('lists attachments by name and link, never copying them', () => {
    const photo = restMessageFromWebhook(fixture('message_created.attachment.json'));
    const [m] = toTranscriptMessages([photo]);
    expect(m?.content).toBe('Here is the photo of the invoice');
    expect(m?.attachments).toEqual([
      {
        name: '1409512376514128.jpeg',
        url: expect.stringMatching(/^https:\/\/chat\.acme\.example\/rails\/active_storage\/blobs\/redirect\/.+\.jpeg$/),
      },
    ]);
  });

  it('names attachments without a file name from the fallback title or type and extension', () => {
    const [m] = toTranscriptMessages([
      msg(1, {
        content: null,
        attachments: [
          { id: 1, file_type: 'location', fallback_title: 'Alexanderplatz', data_url: null },
          { id: 2, file_type: 'audio', extension: 'ogg', data_url: 'https://chat.acme.example/blobs/redirect/abc' },
          { id: 3, file_type: 'file', data_url: 'javascript:alert(1)' },
          { id: 4, file_type: 'file', data_url: 'https://x.example/a/Offer%20v2.pdf?disposition=inline' },
        ],
      }),
    ]);
    expect(m?.attachments).toEqual([
      { name: 'Alexanderplatz', url: null },
      { name: 'audio.ogg', url: 'https://chat.acme.example/blobs/redirect/abc' },
      { name: 'file', url: null },
      { name: 'Offer v2.pdf', url: 'https://x.example/a/Offer%20v2.pdf?disposition=inline' },
    ]);
  });

  it('sorts by time, removes duplicate ids and drops messages with nothing to show', () => {
    const transcript = toTranscriptMessages([
      msg(5),
      msg(2),
      msg(5),
      msg(3, { content: null }),
      msg(4, { content: '  \n ' }),
      msg(1, { created_at: 1781946999 }),
    ]);
    expect(transcript.map((m) => m.id)).toEqual([2, 5, 1]);
  });

  it('keeps line breaks and multibyte text, dropping control characters', () => {
    const [m] = toTranscriptMessages([msg(1, { content: 'Grüße 😀\r\nzweite\u0007 Zeile\n\n\n\nEnde' })]);
    expect(m?.content).toBe('Grüße 😀\nzweite Zeile\n\nEnde');
    expect(m?.createdAt).toBe('2026-06-20T09:14:04.000Z');
  });
});
