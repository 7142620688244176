import fc from 'fast-check';
import { truncateHtmlBytes, utf8ByteLength } from '../../src/conversations/html';
import type { TranscriptMessage } from '../../src/conversations/snapshot';
import { displayTime, renderTranscript, type TranscriptOptions } from '../../src/conversations/transcript';

const START = Date.UTC(2026, 5, 20, 9, 0, 0);

function message(i: number, fields: Partial<TranscriptMessage> = {}): TranscriptMessage {
  return {
    id: i,
    createdAt: new Date(START + i * 60_000).toISOString(),
    direction: i % 2 === 0 ? 'outgoing' : 'incoming',
    author: i % 2 === 0 ? 'Max Mustermann' : 'Customer',
    content: `Message number ${i}`,
    attachments: [],
    ...fields,
  };
}

const options = (o: Partial<TranscriptOptions> = {}): TranscriptOptions => ({
  maxMessages: 200,
  maxBytes: 48_000,
  maxMessageChars: 2000,
  timeZone: 'UTC',
  ...o,
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('renderTranscript', () => {
  it('keeps 2,000 messages within maxBytes, newest last, and states the exact omitted count', () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      message(i + 1, { content: `Nachricht ${i + 1}: 😀 ${'ä'.repeat(40)}` }),
    );
    const t = renderTranscript(many, options({ maxMessages: 1000, maxBytes: 20_000 }));
    expect(utf8ByteLength(t.html)).toBeLessThanOrEqual(20_000);
    expect(t.shown).toBeGreaterThan(50);
    expect(t.shown + t.omitted).toBe(2000);
    expect(t.html).toContain(`<p><i>${t.omitted} older messages are not shown.</i></p>`);
    expect(t.html.trimEnd().endsWith('Nachricht 2000: 😀 ' + 'ä'.repeat(40) + '</p>')).toBe(true);
    expect(t.html).toContain(`Nachricht ${2000 - t.shown + 1}:`);
    expect(t.html).not.toContain(`Nachricht ${2000 - t.shown}:`);
    // The budget is used, not wasted: another message would not have fitted.
    expect(utf8ByteLength(t.html)).toBeGreaterThan(20_000 - 200);
  });

  it('caps the number of messages at maxMessages', () => {
    const many = Array.from({ length: 2000 }, (_, i) => message(i + 1));
    const t = renderTranscript(many, options({ maxBytes: 60_000 }));
    expect([t.shown, t.omitted]).toEqual([200, 1800]);
    expect(t.html).toContain('1800 older messages are not shown.');
  });

  it('needs no notice when everything fits, and orders by time whatever the input order', () => {
    const t = renderTranscript([message(3), message(1), message(2)], options());
    expect([t.shown, t.omitted]).toEqual([3, 0]);
    expect(t.html).not.toContain('not shown');
    const positions = [1, 2, 3].map((i) => t.html.indexOf(`Message number ${i}<`));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions[0]).toBeGreaterThan(0);
  });

  it('escapes message text and author names', () => {
    const t = renderTranscript(
      [message(1, { author: '<b>Eve</b>', content: '<script>alert("x")</script> & \'quotes\'' })],
      options(),
    );
    expect(t.html).not.toContain('<script>');
    expect(t.html).not.toContain('<b>Eve</b>');
    expect(t.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    expect(t.html).toContain('<b>&lt;b&gt;Eve&lt;/b&gt;</b>');
  });

  it('renders line breaks and attachment links', () => {
    const t = renderTranscript(
      [
        message(1, {
          content: 'line one\nline two',
          attachments: [
            { name: 'invoice "final".pdf', url: 'https://chat.acme.example/f/1?a=1&b=2' },
            { name: 'pin', url: null },
          ],
        }),
      ],
      options(),
    );
    expect(t.html).toContain('line one<br>line two');
    expect(t.html).toContain(
      '<br>Attachment: <a href="https://chat.acme.example/f/1?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">invoice &quot;final&quot;.pdf</a>',
    );
    expect(t.html).toContain('<br>Attachment: pin</p>');
  });

  it('shortens a message longer than maxMessageChars with an ellipsis, on a code-point boundary', () => {
    const t = renderTranscript([message(1, { content: '😀'.repeat(500) })], options({ maxMessageChars: 100 }));
    expect(t.html).toContain(`${'😀'.repeat(99)}…</p>`);
    expect(t.html).not.toContain('😀'.repeat(100));
  });

  it('cuts the newest message when it alone exceeds the budget, leaving nothing dangling', () => {
    const huge = message(2, {
      content: `${'&<'.repeat(3000)}${'😀'.repeat(5000)}`,
      attachments: [{ name: 'a.pdf', url: 'https://x.example/a.pdf' }],
    });
    const t = renderTranscript([message(1), huge], options({ maxBytes: 5000, maxMessageChars: 60_000 }));
    expect(utf8ByteLength(t.html)).toBeLessThanOrEqual(5000);
    expect([t.shown, t.omitted]).toEqual([1, 1]);
    expect(t.html).toContain('1 older message is not shown.');
    expect(t.html).toContain('…<br><i>1 attachment not shown.</i></p>');
    expect(t.html).not.toMatch(/&[a-z#0-9]*…/);
    expect(t.html).not.toMatch(LONE_SURROGATE);
  });

  it('says so when older messages were never loaded', () => {
    expect(renderTranscript([message(1)], options({ moreOlderMessages: true })).html).toContain(
      'Older messages are not shown.',
    );
    const capped = renderTranscript(
      [message(1), message(2), message(3)],
      options({ maxMessages: 1, moreOlderMessages: true }),
    );
    expect(capped.html).toContain('More than 2 older messages are not shown.');
  });

  it('says when there is nothing to show', () => {
    expect(renderTranscript([], options()).html).toBe('<p><b>Transcript</b></p><p><i>No public messages.</i></p>');
  });

  it('shows times in the given zone', () => {
    expect(displayTime('2026-06-20T09:14:03.000Z', 'Asia/Kolkata')).toBe('2026-06-20 14:44');
    const t = renderTranscript([message(0)], options({ timeZone: 'America/New_York' }));
    expect(t.html).toContain('(2026-06-20 05:00)');
  });

  it('always fits the budget and accounts for every message (property)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 400 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ content: text, author: text }), { maxLength: 60 }),
        fc.integer({ min: 2000, max: 6000 }),
        fc.integer({ min: 1, max: 80 }),
        (raw, maxBytes, maxMessages) => {
          const messages = raw.map((r, i) => message(i + 1, { ...r, content: r.content || 'x' }));
          const t = renderTranscript(messages, options({ maxBytes, maxMessages, maxMessageChars: 300 }));
          expect(utf8ByteLength(t.html)).toBeLessThanOrEqual(maxBytes);
          expect(t.shown + t.omitted).toBe(messages.length);
          expect(t.shown).toBeLessThanOrEqual(maxMessages);
          expect(t.html).not.toMatch(LONE_SURROGATE);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('truncateHtmlBytes', () => {
  it('cuts on a code-point boundary and drops a half entity or tag at the end', () => {
    expect(truncateHtmlBytes('ab😀', 5)).toBe('ab');
    expect(truncateHtmlBytes('ab&amp;cd', 5)).toBe('ab');
    expect(truncateHtmlBytes('ab<br>cd', 4)).toBe('ab');
    expect(truncateHtmlBytes('short', 5)).toBe('short');
  });

  it('counts UTF-8 bytes', () => {
    expect(utf8ByteLength('aé€😀')).toBe(1 + 2 + 3 + 4);
  });
});
