/**
 * The scenario of ../shared/chatwoot-fixtures (src/chatwoot/README.md §7): contact 1042 with a web-widget
 * conversation #87 and a WhatsApp conversation #91, so fixture webhooks resolve against the fake API.
 */
import type { FakeChatwoot } from './server';
import { DEFAULT_INBOXES } from './state';

export function seedFixtureScenario(fake: Pick<FakeChatwoot, 'upsertContact' | 'upsertConversation' | 'addMessage'>) {
  const [widget, whatsapp] = DEFAULT_INBOXES as [(typeof DEFAULT_INBOXES)[0], (typeof DEFAULT_INBOXES)[0]];
  fake.upsertContact({
    id: 1042,
    name: 'Jane Doe',
    email: 'jane.doe@example.com',
    phone_number: '+4915112345678',
    additional_attributes: {
      city: 'Berlin',
      country: 'Germany',
      description: 'Head of Operations',
      company_name: 'Acme Logistics GmbH',
      country_code: 'DE',
    },
    custom_attributes: { customer_tier: 'gold' },
    created_at: 1781946834,
    last_activity_at: 1782027902,
    contact_inboxes: [
      { source_id: '5c1b9d2e-7f3a-4e61-9b8d-0a4c6e2f1d37', inbox: widget },
      { source_id: '4915112345678', inbox: whatsapp },
    ],
  });
  fake.upsertConversation({
    id: 87,
    contactId: 1042,
    inboxId: widget.id,
    created_at: 1781946843,
    labels: ['upgrade', 'vip'],
  });
  fake.addMessage(87, {
    id: 58210,
    message_type: 'incoming',
    content: 'I would like to upgrade.',
    created_at: 1781946843,
  });
  fake.addMessage(87, {
    id: 58214,
    message_type: 'outgoing',
    private: true,
    content: 'Check the open deal.',
    created_at: 1781946940,
  });
  fake.addMessage(87, { id: 58217, message_type: 'outgoing', content: 'Happy to help!', created_at: 1781946965 });
  fake.addMessage(87, { id: 58231, message_type: 'incoming', content: 'Thank you!', created_at: 1781947787 });
  fake.upsertConversation({ id: 91, contactId: 1042, inboxId: whatsapp.id, created_at: 1782027715 });
  fake.addMessage(91, {
    id: 58302,
    message_type: 'incoming',
    content: 'Here is the photo of the invoice',
    created_at: 1782027739,
  });
  fake.addMessage(91, {
    id: 58305,
    message_type: 'outgoing',
    content: 'Thanks, forwarded.',
    status: 'read',
    created_at: 1782027902,
  });
}
