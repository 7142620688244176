/** The pure half of `krayin-hooks install`: what it wants in Krayin and how it gets there. */
import type { KrayinWebhook, KrayinWorkflow } from '../../src/krayin/automation-schemas';
import {
  desiredWebhook,
  desiredWebhooks,
  desiredWorkflows,
  hintUrl,
  hookStatus,
  maskedUrl,
  planObjects,
  webhookMatches,
} from '../../src/krayin-hooks/plan';

const TOKEN = 'hT5kW9qR2mX7vL3nB8sD4fJ6';
const URL = hintUrl('https://sync.example.com/', 'default', TOKEN);

function stored(id: number, entity: 'leads' | 'persons', over: Partial<KrayinWebhook> = {}): KrayinWebhook {
  const want = desiredWebhook('default', entity, URL);
  return { id, ...want, query_params: null, ...over };
}

describe('desired objects', () => {
  it('hint URL and its printable form', () => {
    expect(URL).toBe(`https://sync.example.com/webhooks/krayin/default/${TOKEN}`);
    expect(maskedUrl(URL, TOKEN)).toBe('https://sync.example.com/webhooks/krayin/default/***');
  });

  it('webhooks carry headers [] (never null) and a non-empty payload without contact data', () => {
    for (const w of desiredWebhooks('default', URL)) {
      expect(w.headers).toEqual([]);
      expect(w.payload).toEqual([{ key: 'entity', value: w.entity_type }]);
      expect(JSON.stringify(w)).not.toContain('{%');
    }
  });

  it('six workflows, each triggering its entity webhook', () => {
    const flows = desiredWorkflows('default', { leads: 11, persons: 12 });
    expect(flows.map((f) => [f.event, f.entity_type, f.actions])).toEqual([
      ['lead.create.after', 'leads', [{ id: 'trigger_webhook', value: 11 }]],
      ['lead.update.after', 'leads', [{ id: 'trigger_webhook', value: 11 }]],
      ['lead.delete.before', 'leads', [{ id: 'trigger_webhook', value: 11 }]],
      ['contacts.person.create.after', 'persons', [{ id: 'trigger_webhook', value: 12 }]],
      ['contacts.person.update.after', 'persons', [{ id: 'trigger_webhook', value: 12 }]],
      ['contacts.person.delete.before', 'persons', [{ id: 'trigger_webhook', value: 12 }]],
    ]);
  });
});

describe('planObjects', () => {
  const wanted = desiredWebhooks('default', URL);

  it('creates what is missing and keeps what matches', () => {
    const steps = planObjects('chatwoot-krayin-sync:default:', [stored(3, 'leads')], wanted, webhookMatches);
    expect(steps.map((s) => [s.kind, s.name])).toEqual([
      ['unchanged', 'chatwoot-krayin-sync:default:leads'],
      ['create', 'chatwoot-krayin-sync:default:persons'],
    ]);
  });

  it('updates a drifted one (null headers, another URL), deletes duplicates and stale ones, ignores others', () => {
    const existing = [
      stored(7, 'leads', { headers: null }),
      stored(9, 'leads'),
      stored(4, 'persons', { end_point: 'https://old.example.com/x' }),
      { ...stored(5, 'persons'), name: 'chatwoot-krayin-sync:default:activities' },
      { ...stored(6, 'persons'), name: 'chatwoot-krayin-sync:other:persons' },
      { ...stored(8, 'persons'), name: 'Operator hook' },
    ];
    const steps = planObjects('chatwoot-krayin-sync:default:', existing, wanted, webhookMatches);
    expect(steps.map((s) => [s.kind, 'id' in s ? s.id : null])).toEqual([
      ['update', 7],
      ['update', 4],
      ['delete', 5],
      ['delete', 9],
    ]);
  });
});

describe('hookStatus', () => {
  const flow = (id: number, name: string, entity: string, target: number): KrayinWorkflow => ({
    id,
    name: `chatwoot-krayin-sync:default:${name}`,
    description: null,
    entity_type: entity,
    event: entity,
    condition_type: 'and',
    conditions: [],
    actions: [{ id: 'trigger_webhook', value: target }],
  });
  const allFlows = [
    flow(1, 'lead.create.after', 'leads', 1),
    flow(2, 'lead.update.after', 'leads', 1),
    flow(3, 'lead.delete.before', 'leads', 1),
    flow(4, 'contacts.person.create.after', 'persons', 2),
    flow(5, 'contacts.person.update.after', 'persons', 2),
    flow(6, 'contacts.person.delete.before', 'persons', 2),
  ];

  it('ok when everything is there and points at our webhooks', () => {
    const s = hookStatus('default', URL, [stored(1, 'leads'), stored(2, 'persons')], allFlows);
    expect([...s.webhooks, ...s.workflows].every((r) => r.state === 'ok')).toBe(true);
    expect(s.nullHeaders).toEqual([]);
  });

  it('names what is missing, what points elsewhere, and any webhook with null headers', () => {
    const foreign = { ...stored(9, 'leads', { headers: null }), name: 'Operator hook' };
    const s = hookStatus(
      'default',
      URL,
      [stored(1, 'leads'), foreign],
      [...allFlows.slice(0, 5), flow(6, 'contacts.person.delete.before', 'persons', 99)],
    );
    expect(s.webhooks.map((r) => r.state)).toEqual(['ok', 'missing']);
    expect(s.workflows.map((r) => r.state)).toEqual(['ok', 'ok', 'ok', 'differs', 'differs', 'differs']);
    expect(s.nullHeaders).toEqual([{ id: 9, name: 'Operator hook' }]);
  });
});
