/** "Move to stage" in the CRM panel is forward only (src/chatwoot-app/stages.ts). */
import { forwardStages } from '../../src/chatwoot-app/stages';
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
