/**
 * A Chatwoot contact as the sync needs it: the common subset of the REST API contact
 * (GET /contacts/{id} payload) and the webhook `Contact#webhook_data`. `""` and null are both
 * possible for email / phone_number / identifier (src/chatwoot/README.md §2): treat them alike.
 */
export interface ChatwootContact {
  id: number;
  name: string | null;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  blocked?: boolean;
  additional_attributes: Record<string, unknown>;
  custom_attributes: Record<string, unknown>;
}

/** The Chatwoot REST operations the sync uses (implemented in api-client.ts). */
export interface ChatwootApi {
  /** null when the contact is gone (404: deleted or merged away). */
  getContact(contactId: number): Promise<ChatwootContact | null>;
}
