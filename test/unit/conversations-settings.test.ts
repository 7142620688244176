import { jsonPath } from '../../src/config/errors';
import { conversationSettingsSchema } from '../../src/conversations/settings';

function issues(input: unknown): string[] {
  const result = conversationSettingsSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => {
    const inner = i.code === 'invalid_key' ? (i.issues[0]?.message ?? i.message) : i.message;
    return `${jsonPath(i.path)}: ${inner}`;
  });
}

describe('conversationSettingsSchema', () => {
  it('has the documented defaults', () => {
    expect(conversationSettingsSchema.parse({})).toEqual({
      activityTypes: {},
      defaultActivityType: 'note',
      location: 'contact',
      messageActivities: false,
      transcript: { maxMessages: 200, maxBytes: 48_000, maxMessageChars: 2000 },
      summaryMaxChars: 280,
    });
  });

  it('fills transcript defaults when only some are given', () => {
    expect(conversationSettingsSchema.parse({ transcript: { maxBytes: 10_000 } }).transcript).toEqual({
      maxMessages: 200,
      maxBytes: 10_000,
      maxMessageChars: 2000,
    });
  });

  it('accepts a channel -> type map', () => {
    const s = conversationSettingsSchema.parse({
      activityTypes: { 'Channel::Whatsapp': 'call', 'Channel::Email': 'meeting' },
    });
    expect(s.activityTypes).toEqual({ 'Channel::Whatsapp': 'call', 'Channel::Email': 'meeting' });
  });

  it.each<[string, unknown, string]>([
    [
      'file (needs an upload)',
      { defaultActivityType: 'file' },
      'defaultActivityType: must be one of note, call, meeting, lunch',
    ],
    [
      'system (Krayin audit rows)',
      { activityTypes: { 'Channel::Sms': 'system' } },
      'activityTypes["Channel::Sms"]: must be one of note, call, meeting, lunch',
    ],
    [
      'a bare channel name',
      { activityTypes: { whatsapp: 'call' } },
      'activityTypes.whatsapp: must be a Chatwoot channel name such as Channel::Whatsapp',
    ],
    [
      'a non-object map',
      { activityTypes: 'call' },
      'activityTypes: must be an object of Chatwoot channel -> Krayin activity type',
    ],
    ['an unknown location', { location: 'city' }, 'location: must be one of contact, inbox, none'],
    [
      'a transcript budget over the column',
      { transcript: { maxBytes: 65_535 } },
      'transcript.maxBytes: must be an integer between 2000 and 60000',
    ],
    [
      'a fractional message count',
      { transcript: { maxMessages: 1.5 } },
      'transcript.maxMessages: must be an integer between 1 and 1000',
    ],
    ['a negative summary', { summaryMaxChars: -1 }, 'summaryMaxChars: must be an integer between 0 and 2000'],
    ['a string flag', { messageActivities: 'yes' }, 'messageActivities: must be true or false'],
  ])('rejects %s', (_, input, message) => {
    expect(issues(input)).toEqual([message]);
  });
});
