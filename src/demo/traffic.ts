/**
 * The demo's traffic: a few customers of a small business writing in, driven through the simulated
 * Chatwoot's REST API the way an agent (and, in an API inbox, a customer) would. Each call changes the
 * simulated Chatwoot's state and makes it send the signed webhook Chatwoot would send, to our own
 * ingest URL; the sync then reads the state back and writes the simulated Krayin.
 * Names and addresses are invented (example.* domains).
 */

export interface DemoCustomer {
  name: string;
  email: string;
  phone?: string;
  company: string;
  city: string;
  /** The customer's first message. */
  says: string;
  /** The agent's answer; none = still waiting. */
  reply?: string;
  /** The customer's last word before the agent resolves the conversation. */
  thanks?: string;
}

export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  {
    name: 'Jane Doe',
    email: 'jane.doe@example.com',
    phone: '+4915112345678',
    company: 'Acme Logistics GmbH',
    city: 'Berlin',
    says: 'Hi! We would like to upgrade our team of 12 to the business plan. Can you send an offer?',
    reply: 'Hi Jane, happy to help! I have prepared an offer for 12 seats, you will have it in a minute.',
    thanks: 'Got it, thank you! We will sign this week.',
  },
  {
    name: 'Ravi Kumar',
    email: 'ravi.kumar@example.in',
    company: 'Sunrise Textiles',
    city: 'Pune',
    says: 'Hello, does your product integrate with our warehouse system?',
    reply: 'Hello Ravi, yes: through our REST API. May I schedule a call with our integration team?',
  },
  {
    name: 'Lucía Fernández',
    email: 'lucia.fernandez@example.es',
    company: 'Iberia Foods SL',
    city: 'Valencia',
    says: 'Buenos días, what are your prices for a team of five?',
  },
];

/** An inbox of the simulated Chatwoot where the API may post customer messages (Channel::Api). */
const API_INBOX_ID = 6;

export interface TrafficSummary {
  contacts: number;
  conversations: number;
  replies: number;
  resolved: number;
  /** Chatwoot display ids of the resolved conversations. */
  resolvedConversations: number[];
}

export interface ChatwootEndpoint {
  url: string;
  accountId: number;
  apiToken: string;
}

/** Plays DEMO_CUSTOMERS against the simulated Chatwoot; resolves once every change was made (and announced). */
export async function playDemoTraffic(chatwoot: ChatwootEndpoint): Promise<TrafficSummary> {
  const call = chatwootCaller(chatwoot);
  const summary: TrafficSummary = { contacts: 0, conversations: 0, replies: 0, resolved: 0, resolvedConversations: [] };
  const started: { customer: DemoCustomer; contactId: number; conversationId: number }[] = [];

  for (const customer of DEMO_CUSTOMERS) {
    const created = await call('POST', '/contacts', {
      name: customer.name,
      email: customer.email,
      additional_attributes: { company_name: customer.company, city: customer.city },
    });
    const contactId = (created as { payload: { contact: { id: number } } }).payload.contact.id;
    summary.contacts += 1;
    const conversation = (await call('POST', '/conversations', { contact_id: contactId, inbox_id: API_INBOX_ID })) as {
      id: number;
    };
    summary.conversations += 1;
    await call('POST', `/conversations/${conversation.id}/messages`, {
      content: customer.says,
      message_type: 'incoming',
    });
    started.push({ customer, contactId, conversationId: conversation.id });
  }

  for (const { customer, contactId, conversationId } of started) {
    // A contact edited after the fact, as agents do: the phone number learnt in the conversation.
    if (customer.phone) await call('PUT', `/contacts/${contactId}`, { phone_number: customer.phone });
    if (!customer.reply) continue;
    await call('POST', `/conversations/${conversationId}/messages`, { content: customer.reply });
    summary.replies += 1;
    if (!customer.thanks) continue;
    await call('POST', `/conversations/${conversationId}/messages`, {
      content: customer.thanks,
      message_type: 'incoming',
    });
    await call('POST', `/conversations/${conversationId}/toggle_status`, { status: 'resolved' });
    summary.resolved += 1;
    summary.resolvedConversations.push(conversationId);
  }
  return summary;
}

function chatwootCaller(chatwoot: ChatwootEndpoint) {
  const base = `${chatwoot.url}/api/v1/accounts/${chatwoot.accountId}`;
  return async (method: 'POST' | 'PUT', route: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: { api_access_token: chatwoot.apiToken, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok)
      throw new Error(`simulated Chatwoot answered ${res.status} to ${method} ${route.replace(/\d+/g, ':id')}`);
    return res.json();
  };
}
