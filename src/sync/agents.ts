/**
 * Chatwoot agents by id, cached per connection. Conversation payloads name the assignee without an
 * email; the owner mapping needs it to find the matching Krayin user.
 */
import type { ChatwootReadApi } from '../chatwoot/api-client';

export class ChatwootAgents {
  private cache: { at: number; emails: Map<number, string> } | null = null;

  constructor(
    private readonly chatwoot: Pick<ChatwootReadApi, 'listAgents'>,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The agent's email (lower-cased), or null when Chatwoot has no such agent (refreshed once on a miss). */
  async emailOf(agentId: number): Promise<string | null> {
    const fresh = this.cache !== null && this.now() - this.cache.at < this.ttlMs;
    if (fresh) {
      const hit = this.cache!.emails.get(agentId);
      if (hit !== undefined) return hit;
    }
    const agents = await this.chatwoot.listAgents();
    this.cache = { at: this.now(), emails: new Map(agents.map((a) => [a.id, a.email.trim().toLowerCase()])) };
    return this.cache.emails.get(agentId) ?? null;
  }
}
