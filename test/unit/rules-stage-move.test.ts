import type { KrayinPipeline } from '../../src/krayin/api';
import { stageRulesSchema, type StageRuleInput } from '../../src/rules/schema';
import { decideStageMove, validateStageRules, type StageMoveInput } from '../../src/rules/stage-move';
import { detectTriggers, type ConversationObservedState, type Trigger } from '../../src/rules/triggers';

/** Krayin's seeded default pipeline (src/krayin/README.md §9) and a second one with fresh stage ids. */
const DEFAULT: KrayinPipeline = {
  id: 1,
  name: 'Default Pipeline',
  is_default: 1,
  stages: [
    { id: 1, code: 'new', name: 'New' },
    { id: 2, code: 'follow-up', name: 'Follow Up' },
    { id: 3, code: 'prospect', name: 'Prospect' },
    { id: 4, code: 'negotiation', name: 'Negotiation' },
    { id: 5, code: 'won', name: 'Won' },
    { id: 6, code: 'lost', name: 'Lost' },
  ],
};
const PARTNERS: KrayinPipeline = {
  id: 2,
  name: 'Partners',
  is_default: 0,
  stages: [
    { id: 11, code: 'new', name: 'New' },
    { id: 12, code: 'qualified', name: 'Qualified' },
    { id: 13, code: 'won', name: 'Won' },
    { id: 14, code: 'lost', name: 'Lost' },
  ],
};
const pipelines = [DEFAULT, PARTNERS];

const rules = (input: StageRuleInput[]) => stageRulesSchema.parse(input);

function decide(currentStageId: number | null, triggers: Trigger[], ruleInput: StageRuleInput[]) {
  const input: StageMoveInput = { currentStageId, pipelines, triggers, rules: rules(ruleInput) };
  return decideStageMove(input);
}

describe('decideStageMove', () => {
  it('moves forward to a stage named by code, name (any case) or id', () => {
    expect(decide(1, ['conversation_created'], [{ on: 'conversation_created', stage: 'follow-up' }])).toEqual({
      stageId: 2,
      ruleIndex: 0,
      trigger: 'conversation_created',
    });
    expect(decide(1, ['assigned'], [{ on: 'assigned', stage: 'NEGOTIATION' }])?.stageId).toBe(4);
    expect(decide(1, ['assigned'], [{ on: 'assigned', stage: 'follow up' }])?.stageId).toBe(2);
    expect(decide(1, ['assigned'], [{ on: 'assigned', stage: 3 }])?.stageId).toBe(3);
  });

  it('ignores rules whose trigger did not fire', () => {
    expect(decide(1, ['assigned'], [{ on: 'conversation_resolved', stage: 'prospect' }])).toBeNull();
    expect(decide(1, [], [{ on: 'assigned', stage: 'prospect' }])).toBeNull();
  });

  it('never moves backwards unless the rule allows it', () => {
    const rule: StageRuleInput = { on: 'conversation_reopened', stage: 'follow-up' };
    expect(decide(4, ['conversation_reopened'], [rule])).toBeNull();
    expect(decide(4, ['conversation_reopened'], [{ ...rule, allowBackwards: true }])?.stageId).toBe(2);
  });

  it('treats moving to the current stage as no move', () => {
    expect(decide(3, ['assigned'], [{ on: 'assigned', stage: 'prospect', allowBackwards: true }])).toBeNull();
  });

  it.each([5, 6, 13, 14])('never moves a lead in a won or lost stage (stage %i), even backwards-allowed', (stage) => {
    expect(
      decide(
        stage,
        ['conversation_reopened', 'assigned'],
        [
          { on: 'conversation_reopened', stage: 'new', allowBackwards: true },
          { on: 'assigned', stage: 'lost', allowBackwards: true },
        ],
      ),
    ).toBeNull();
  });

  it('identifies closed stages by code, not by name or position', () => {
    const renamed: KrayinPipeline = {
      id: 3,
      name: 'Renamed',
      is_default: 0,
      stages: [
        { id: 21, code: 'won', name: 'Signed' },
        { id: 22, code: 'open-deal', name: 'Won' },
        { id: 23, code: 'later', name: 'Later' },
      ],
    };
    const rule = rules([{ on: 'assigned', stage: 'later' }]);
    const at = (currentStageId: number) =>
      decideStageMove({ currentStageId, pipelines: [renamed], triggers: ['assigned'], rules: rule });
    expect(at(21)).toBeNull();
    expect(at(22)?.stageId).toBe(23);
  });

  it('may move a lead into won by a rule (a forward move)', () => {
    expect(decide(4, ['conversation_resolved'], [{ on: 'conversation_resolved', stage: 'won' }])?.stageId).toBe(5);
  });

  it('resolves targets in the lead’s own pipeline only', () => {
    // "qualified" exists only in Partners; stage id 12 likewise.
    expect(decide(1, ['assigned'], [{ on: 'assigned', stage: 'qualified' }])).toBeNull();
    expect(decide(1, ['assigned'], [{ on: 'assigned', stage: 12 }])).toBeNull();
    // The same code resolves per pipeline.
    expect(decide(11, ['assigned'], [{ on: 'assigned', stage: 'won' }])?.stageId).toBe(13);
  });

  it('applies a rule with a pipeline only to leads in that pipeline (id or name, any case)', () => {
    const byName: StageRuleInput = { on: 'assigned', stage: 'qualified', pipeline: 'partners' };
    expect(decide(11, ['assigned'], [byName])?.stageId).toBe(12);
    expect(decide(11, ['assigned'], [{ ...byName, pipeline: 2 }])?.stageId).toBe(12);
    expect(decide(1, ['assigned'], [{ on: 'assigned', stage: 'prospect', pipeline: 'Partners' }])).toBeNull();
    expect(decide(1, ['assigned'], [{ on: 'assigned', stage: 'prospect', pipeline: 'No such pipeline' }])).toBeNull();
  });

  it('picks the furthest-forward target when several rules fire, whatever the order', () => {
    const ruleInput: StageRuleInput[] = [
      { on: 'conversation_created', stage: 'follow-up' },
      { on: 'label_added:vip', stage: 'negotiation' },
      { on: 'first_agent_reply', stage: 'prospect' },
    ];
    const triggers: Trigger[] = ['conversation_created', 'first_agent_reply', 'label_added:vip'];
    expect(decide(1, triggers, ruleInput)).toEqual({ stageId: 4, ruleIndex: 1, trigger: 'label_added:vip' });
    expect(decide(1, [...triggers].reverse(), ruleInput)?.ruleIndex).toBe(1);
  });

  it('breaks ties in favour of the rule listed first', () => {
    const ruleInput: StageRuleInput[] = [
      { on: 'assigned', stage: 'prospect' },
      { on: 'first_agent_reply', stage: 3 },
    ];
    expect(decide(1, ['first_agent_reply', 'assigned'], ruleInput)).toEqual({
      stageId: 3,
      ruleIndex: 0,
      trigger: 'assigned',
    });
  });

  it('prefers a forward target over an allowed backward one', () => {
    const ruleInput: StageRuleInput[] = [
      { on: 'conversation_reopened', stage: 'new', allowBackwards: true },
      { on: 'label_added:vip', stage: 'negotiation' },
    ];
    expect(decide(3, ['conversation_reopened', 'label_added:vip'], ruleInput)?.stageId).toBe(4);
  });

  it('cannot decide without a known current stage', () => {
    const r: StageRuleInput[] = [{ on: 'assigned', stage: 'prospect' }];
    expect(decide(null, ['assigned'], r)).toBeNull();
    expect(decide(99, ['assigned'], r)).toBeNull();
  });

  it('walks the fixture lifecycle forward and then holds on won', () => {
    const ruleInput = rules([
      { on: 'conversation_created', stage: 'follow-up' },
      { on: 'first_agent_reply', stage: 'prospect' },
      { on: 'label_added:upgrade', stage: 'negotiation' },
      { on: 'conversation_resolved', stage: 'won' },
      { on: 'conversation_reopened', stage: 'new', allowBackwards: true },
    ]);
    const history: ConversationObservedState[] = [
      { status: 'open', labels: [], assigneeId: null, firstReplyAt: null, priority: null },
      { status: 'open', labels: [], assigneeId: 7, firstReplyAt: '2026-06-20T09:16:05.902Z', priority: null },
      { status: 'open', labels: ['upgrade'], assigneeId: 7, firstReplyAt: '2026-06-20T09:16:05.902Z', priority: null },
      {
        status: 'resolved',
        labels: ['upgrade'],
        assigneeId: 7,
        firstReplyAt: '2026-06-20T09:16:05.902Z',
        priority: null,
      },
      { status: 'open', labels: ['upgrade'], assigneeId: 7, firstReplyAt: '2026-06-20T09:16:05.902Z', priority: null },
    ];
    let stage = 1;
    let prev: ConversationObservedState | null = null;
    const stages: number[] = [];
    for (const next of history) {
      const move = decideStageMove({
        currentStageId: stage,
        pipelines,
        triggers: detectTriggers(prev, next),
        rules: ruleInput,
      });
      if (move) stage = move.stageId;
      stages.push(stage);
      prev = next;
    }
    expect(stages).toEqual([2, 3, 4, 5, 5]);
  });
});

describe('validateStageRules', () => {
  it('accepts rules that resolve against the live pipelines', () => {
    expect(
      validateStageRules(
        rules([
          { on: 'assigned', stage: 'prospect' },
          { on: 'assigned', stage: 'Qualified', pipeline: 'Partners' },
          { on: 'assigned', stage: 12, pipeline: 2 },
        ]),
        pipelines,
      ),
    ).toEqual([]);
  });

  it('names the rule and field of each problem', () => {
    expect(
      validateStageRules(
        rules([
          { on: 'assigned', stage: 'prospect' },
          { on: 'assigned', stage: 'closing' },
          { on: 'assigned', stage: 'new', pipeline: 'Resellers' },
          { on: 'assigned', stage: 'prospect', pipeline: 'Partners' },
          { on: 'assigned', stage: 99 },
          { on: 'assigned', stage: 'x', pipeline: 7 },
        ]),
        pipelines,
      ),
    ).toEqual([
      { ruleIndex: 1, field: 'stage', message: 'Krayin has no stage "closing" in any pipeline' },
      { ruleIndex: 2, field: 'pipeline', message: 'Krayin has no pipeline "Resellers"' },
      { ruleIndex: 3, field: 'stage', message: 'Krayin has no stage "prospect" in pipeline "Partners"' },
      { ruleIndex: 4, field: 'stage', message: 'Krayin has no stage id 99 in any pipeline' },
      { ruleIndex: 5, field: 'pipeline', message: 'Krayin has no pipeline id 7' },
    ]);
  });
});
