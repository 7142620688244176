/**
 * Chatwoot's account webhooks and dashboard apps through its API (admin token), for `connect`
 * (src/chatwoot/README.md §5; Chatwoot's app/views/api/v1/accounts/webhooks and dashboard_apps):
 *
 *   GET /webhooks -> {payload: {webhooks: [...]}}; POST, PATCH /webhooks/{id} -> {payload: {webhook}}
 *   GET /dashboard_apps -> [app]; POST, PATCH /dashboard_apps/{id} -> app
 *
 * Bodies are sent wrapped ({webhook: ...}, {dashboard_app: ...}): what the controllers `require`, with or
 * without Rails' parameter wrapping. Errors are the API client's (route templates, statuses; no token).
 */
import { request } from 'undici';
import { z } from 'zod';
import type { ConnectionConfig } from '../config/schema';
import { describeNetworkError, errorForStatus } from '../chatwoot/api-client';
import { ChatwootTransientError, ChatwootUnexpectedResponseError } from '../chatwoot/errors';

const webhookSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().nullable().optional(),
  url: z.string(),
  subscriptions: z.array(z.string()).nullable().optional(),
  /** Since Chatwoot 4.11.2: the signing secret. */
  secret: z.string().nullable().optional(),
});
export type ChatwootWebhook = z.infer<typeof webhookSchema>;

const dashboardAppSchema = z.looseObject({
  id: z.number().int(),
  title: z.string(),
  content: z
    .array(z.looseObject({ type: z.string().optional(), url: z.string().optional() }))
    .nullable()
    .optional(),
});
export type ChatwootDashboardApp = z.infer<typeof dashboardAppSchema>;

export interface WebhookInput {
  url: string;
  name: string;
  subscriptions: string[];
}

export interface DashboardAppInput {
  title: string;
  content: { type: 'frame'; url: string }[];
}

export class ChatwootIntegrations {
  private readonly base: string;

  constructor(private readonly connection: ConnectionConfig) {
    this.base = `${connection.chatwoot.url}/api/v1/accounts/${connection.chatwoot.accountId}`;
  }

  async listWebhooks(): Promise<ChatwootWebhook[]> {
    const body = await this.call('GET', 'GET /webhooks', '/webhooks');
    return parse('GET /webhooks', z.looseObject({ payload: z.looseObject({ webhooks: z.array(webhookSchema) }) }), body)
      .payload.webhooks;
  }

  async createWebhook(input: WebhookInput): Promise<ChatwootWebhook> {
    const body = await this.call('POST', 'POST /webhooks', '/webhooks', { webhook: input });
    return parse('POST /webhooks', webhookEnvelope, body).payload.webhook;
  }

  async updateWebhook(id: number, input: Partial<WebhookInput>): Promise<ChatwootWebhook> {
    const body = await this.call('PATCH', 'PATCH /webhooks/{id}', `/webhooks/${id}`, { webhook: input });
    return parse('PATCH /webhooks/{id}', webhookEnvelope, body).payload.webhook;
  }

  async listDashboardApps(): Promise<ChatwootDashboardApp[]> {
    const body = await this.call('GET', 'GET /dashboard_apps', '/dashboard_apps');
    return parse('GET /dashboard_apps', z.array(dashboardAppSchema), body);
  }

  async createDashboardApp(input: DashboardAppInput): Promise<ChatwootDashboardApp> {
    const body = await this.call('POST', 'POST /dashboard_apps', '/dashboard_apps', { dashboard_app: input });
    return parse('POST /dashboard_apps', dashboardAppSchema, body);
  }

  async updateDashboardApp(id: number, input: Partial<DashboardAppInput>): Promise<ChatwootDashboardApp> {
    const endpoint = 'PATCH /dashboard_apps/{id}';
    const body = await this.call('PATCH', endpoint, `/dashboard_apps/${id}`, { dashboard_app: input });
    return parse(endpoint, dashboardAppSchema, body);
  }

  private async call(method: 'GET' | 'POST' | 'PATCH', endpoint: string, path: string, body?: unknown) {
    let status: number;
    let text: string;
    let retryAfter: unknown;
    try {
      const headers: Record<string, string> = {
        api_access_token: this.connection.chatwoot.apiToken,
        accept: 'application/json',
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await request(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.connection.chatwoot.timeoutMs),
      });
      status = res.statusCode;
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (err) {
      throw new ChatwootTransientError(endpoint, null, `Chatwoot request failed: ${describeNetworkError(err)}`);
    }
    if (status < 200 || status >= 300) throw errorForStatus(endpoint, status, text, retryAfter);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ChatwootUnexpectedResponseError(endpoint, status, `Chatwoot answered ${status} with a non-JSON body`);
    }
  }
}

const webhookEnvelope = z.looseObject({ payload: z.looseObject({ webhook: webhookSchema }) });

function parse<T extends z.ZodType>(endpoint: string, schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const paths = result.error.issues.slice(0, 5).map((i) => i.path.map(String).join('.') || '(root)');
  throw new ChatwootUnexpectedResponseError(endpoint, 200, `unexpected response shape at ${paths.join(', ')}`);
}
