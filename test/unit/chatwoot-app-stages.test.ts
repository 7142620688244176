/** "Move to stage" in the CRM panel is forward only (src/chatwoot-app/stages.ts). */
import { anyOtherStages, forwardStages, mayMoveBackwards } from '../../src/chatwoot-app/stages';
import type { KrayinPipeline } from '../../src/krayin/api';

const PIPELINES: KrayinPipeline[] = [
  {
    id: 1,
    name: 'Default Pipeline',
    is_default: 1,
    stages: [
      { id: 1, code: 'new', name: 'New' },
      { id: 2, code: 'follow-up', name: 'Follow Up' },
      { id: 3, code: 'prospect', name: 'Prospect' },
      { id: 5, code: 'won', name: 'Won' },
      { id: 6, code: 'lost', name: 'Lost' },
    ],
  },
  { id: 2, name: 'Partners', is_default: 0, stages: [{ id: 7, code: 'new', name: 'New' }] },
];

describe('forwardStages', () => {
  it('offers the stages after the current one, in its own pipeline', () => {
    expect(forwardStages(PIPELINES, 2).map((s) => s.id)).toEqual([3, 5, 6]);
    expect(forwardStages(PIPELINES, 7)).toEqual([]);
  });

  it('offers nothing for a won or lost lead, an unknown stage or none', () => {
    expect(forwardStages(PIPELINES, 5)).toEqual([]);
    expect(forwardStages(PIPELINES, 6)).toEqual([]);
    expect(forwardStages(PIPELINES, 99)).toEqual([]);
    expect(forwardStages(PIPELINES, null)).toEqual([]);
  });
});

describe('moving backwards (CHATWOOT_DASHBOARD_APP_BACKWARD_MOVES)', () => {
  it('offers every other stage of the lead’s pipeline, won and lost included', () => {
    expect(anyOtherStages(PIPELINES, 5).map((s) => s.id)).toEqual([1, 2, 3, 6]);
    expect(anyOtherStages(PIPELINES, 7)).toEqual([]);
    expect(anyOtherStages(PIPELINES, 99)).toEqual([]);
    expect(anyOtherStages(PIPELINES, null)).toEqual([]);
  });

  it('allows an agent named by email (any case) or by role, nobody when the list is empty', () => {
    const allowed = ['lead@example.com', 'administrator'];
    expect(mayMoveBackwards({ email: ' Lead@Example.COM ', role: 'agent' }, allowed)).toBe(true);
    expect(mayMoveBackwards({ email: 'boss@example.com', role: 'administrator' }, allowed)).toBe(true);
    expect(mayMoveBackwards({ email: 'agent@example.com', role: 'agent' }, allowed)).toBe(false);
    expect(mayMoveBackwards({ email: 'agent@example.com' }, allowed)).toBe(false);
    expect(mayMoveBackwards(null, allowed)).toBe(false);
    expect(mayMoveBackwards({ email: 'lead@example.com', role: 'administrator' }, [])).toBe(false);
  });
});
