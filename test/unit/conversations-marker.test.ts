import {
  conversationMarker,
  isConversationMarker,
  isMessageMarker,
  messageMarker,
} from '../../src/conversations/marker';

describe('conversationMarker / isConversationMarker', () => {
  const marker = conversationMarker(87, 1);

  it('has the documented shape', () => {
    expect(marker).toEqual({ chatwoot: { conversation: 87, account: 1 } });
  });

  it.each<[string, unknown]>([
    ['an object', marker],
    ['a JSON string', JSON.stringify(marker)],
    ['a JSON string encoded twice', JSON.stringify(JSON.stringify(marker))],
    ['an object with other keys around it', { source: 'x', chatwoot: { ...marker.chatwoot, extra: true } }],
    ['ids as numeric strings', { chatwoot: { conversation: '87', account: '1' } }],
  ])('matches %s', (_, additional) => {
    expect(isConversationMarker(additional, 87, 1)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['an empty string', ''],
    ['a string that is not JSON', '{chatwoot'],
    ['a JSON array', '[{"chatwoot":{"conversation":87,"account":1}}]'],
    ['a Krayin system row', { attribute: 'Stage', new: { value: 1, label: 'New' }, old: { value: null } }],
    ['another conversation', conversationMarker(88, 1)],
    ['another account', conversationMarker(87, 2)],
    ['a marker without the account', { chatwoot: { conversation: 87 } }],
    ['a message marker of the same conversation', messageMarker(87, 58210, 1)],
    ['a non-numeric id string', { chatwoot: { conversation: '87abc', account: 1 } }],
    ['a fractional id', { chatwoot: { conversation: 87.5, account: 1 } }],
  ])('does not match %s', (_, additional) => {
    expect(isConversationMarker(additional, 87, 1)).toBe(false);
  });
});

describe('messageMarker / isMessageMarker', () => {
  const marker = messageMarker(87, 58210, 1);

  it('has the documented shape', () => {
    expect(marker).toEqual({ chatwoot: { conversation: 87, message: 58210, account: 1 } });
  });

  it('matches as object and as JSON string, and only the same message, conversation and account', () => {
    expect(isMessageMarker(marker, 87, 58210, 1)).toBe(true);
    expect(isMessageMarker(JSON.stringify(marker), 87, 58210, 1)).toBe(true);
    expect(isMessageMarker(null, 87, 58210, 1)).toBe(false);
    expect(isMessageMarker(marker, 87, 58211, 1)).toBe(false);
    expect(isMessageMarker(marker, 88, 58210, 1)).toBe(false);
    expect(isMessageMarker(marker, 87, 58210, 2)).toBe(false);
    expect(isMessageMarker(conversationMarker(87, 1), 87, 58210, 1)).toBe(false);
  });
});
