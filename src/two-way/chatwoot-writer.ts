/**
 * The one Chatwoot write of the two-way sync: PUT /contacts/{id} with the fields Krayin won. Errors are
 * classified like the read client's (src/chatwoot/api-client.ts): 422 (an email or phone another
 * contact has) is a ChatwootValidationError, 404 a ChatwootNotFoundError. Messages hold the route
 * template and status only.
 */
import { request } from 'undici';
import type { ConnectionConfig } from '../config/schema';
import { describeNetworkError, errorForStatus } from '../chatwoot/api-client';
import { ChatwootTransientError } from '../chatwoot/errors';
import type { ChatwootContactPatch } from './chatwoot-patch';

const ENDPOINT = 'PUT /contacts/{id}';

export class ChatwootContactWriter {
  private readonly accountBase: string;

  constructor(
    private readonly chatwoot: Pick<ConnectionConfig['chatwoot'], 'url' | 'accountId' | 'apiToken' | 'timeoutMs'>,
  ) {
    this.accountBase = `${chatwoot.url.replace(/\/+$/, '')}/api/v1/accounts/${chatwoot.accountId}`;
  }

  async updateContact(contactId: number, patch: ChatwootContactPatch): Promise<void> {
    if (!Number.isInteger(contactId) || contactId <= 0) throw new RangeError('contact id must be a positive integer');
    let status: number;
    let text: string;
    let retryAfter: unknown;
    try {
      const res = await request(`${this.accountBase}/contacts/${contactId}`, {
        method: 'PUT',
        headers: {
          api_access_token: this.chatwoot.apiToken,
          accept: 'application/json',
          'content-type': 'application/json',
        },
        body: JSON.stringify(patch),
        signal: AbortSignal.timeout(this.chatwoot.timeoutMs),
      });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (err) {
      throw new ChatwootTransientError(ENDPOINT, null, `Chatwoot request failed: ${describeNetworkError(err)}`);
    }
    if (status >= 200 && status < 300) return;
    throw errorForStatus(ENDPOINT, status, text, retryAfter);
  }
}
