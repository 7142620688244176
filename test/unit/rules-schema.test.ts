import { z } from 'zod';
import { issueMessage, jsonPath } from '../../src/config/errors';
import { stageRulesSchema } from '../../src/rules/schema';

/** Wrapped like the config will wire it, so paths read as they will in a ConfigError. */
const wrapped = z.object({ stageRules: stageRulesSchema });

function problems(stageRules: unknown): string[] {
  const result = wrapped.safeParse({ stageRules });
  return result.success ? [] : result.error.issues.map((i) => `${jsonPath(i.path)}: ${issueMessage(i)}`);
}

describe('stageRulesSchema', () => {
  it('defaults to no rules', () => {
    expect(wrapped.parse({}).stageRules).toEqual([]);
  });

  it('parses every trigger form, normalising labels and defaulting allowBackwards', () => {
    expect(
      stageRulesSchema.parse([
        { on: 'conversation_created', stage: 'follow-up' },
        { on: 'first_agent_reply', stage: 3, pipeline: 1 },
        { on: 'conversation_resolved', stage: 'won', pipeline: 'Default Pipeline' },
        { on: 'conversation_reopened', stage: 'new', allowBackwards: true },
        { on: 'assigned', stage: ' Prospect ' },
        { on: 'label_added:VIP', stage: 'negotiation' },
        { on: 'priority:urgent', stage: 'negotiation' },
      ]),
    ).toEqual([
      { on: 'conversation_created', stage: 'follow-up', allowBackwards: false },
      { on: 'first_agent_reply', stage: 3, pipeline: 1, allowBackwards: false },
      { on: 'conversation_resolved', stage: 'won', pipeline: 'Default Pipeline', allowBackwards: false },
      { on: 'conversation_reopened', stage: 'new', allowBackwards: true },
      { on: 'assigned', stage: 'Prospect', allowBackwards: false },
      { on: 'label_added:vip', stage: 'negotiation', allowBackwards: false },
      { on: 'priority:urgent', stage: 'negotiation', allowBackwards: false },
    ]);
  });

  const TRIGGERS =
    'must be one of conversation_created, first_agent_reply, conversation_resolved, conversation_reopened, assigned, label_added:<label>, priority:<low|medium|high|urgent>';

  it.each<[string, unknown, string[]]>([
    [
      'an unknown trigger',
      [
        { on: 'assigned', stage: 1 },
        { on: 'conversation_opened', stage: 1 },
      ],
      [`stageRules[1].on: ${TRIGGERS}`],
    ],
    ['an empty label', [{ on: 'label_added:', stage: 1 }], [`stageRules[0].on: ${TRIGGERS}`]],
    ['an unknown priority', [{ on: 'priority:critical', stage: 1 }], [`stageRules[0].on: ${TRIGGERS}`]],
    ['a missing trigger', [{ stage: 1 }], [`stageRules[0].on: ${TRIGGERS}`]],
    [
      'a missing stage',
      [{ on: 'assigned' }],
      ['stageRules[0].stage: must be a positive integer stage id or a non-empty stage code or name'],
    ],
    [
      'a zero stage id',
      [{ on: 'assigned', stage: 0 }],
      ['stageRules[0].stage: must be a positive integer stage id or a non-empty stage code or name'],
    ],
    [
      'a blank pipeline',
      [{ on: 'assigned', stage: 1, pipeline: '  ' }],
      ['stageRules[0].pipeline: must be a positive integer pipeline id or a non-empty pipeline code or name'],
    ],
    [
      'a string flag',
      [{ on: 'assigned', stage: 1, allowBackwards: 'yes' }],
      ['stageRules[0].allowBackwards: must be true or false'],
    ],
    [
      'an unknown key',
      [{ on: 'assigned', stage: 1, backwards: true }],
      ['stageRules[0]: unknown key "backwards": a rule has on, stage, pipeline and allowBackwards'],
    ],
    ['a rule that is not an object', ['assigned'], ['stageRules[0]: must be an object with "on" and "stage"']],
    ['not a list', { on: 'assigned', stage: 1 }, ['stageRules: must be a list of stage rules']],
  ])('rejects %s, naming the rule index and field', (_, input, expected) => {
    expect(problems(input)).toEqual(expected);
  });
});
