/**
 * Configuration of automatic lead stage moves (to be wired in as `sync.stageRules`). Each rule says:
 * when this trigger fires for one of the contact's conversations, move the contact's lead to this stage.
 *
 *   [{ "on": "conversation_created", "stage": "follow-up" },
 *    { "on": "label_added:vip", "stage": "negotiation", "pipeline": "Default Pipeline" },
 *    { "on": "conversation_reopened", "stage": 2, "allowBackwards": true }]
 *
 * Fields of a rule:
 * - `on` (required): conversation_created | first_agent_reply | conversation_resolved |
 *   conversation_reopened | assigned | label_added:<label> | priority:<low|medium|high|urgent>.
 *   Labels are compared case-insensitively.
 * - `stage` (required): Krayin stage id, or stage code or name (case-insensitive), looked up in the
 *   lead's current pipeline. A rule whose stage is not in that pipeline does nothing.
 * - `pipeline` (optional): pipeline id or name (case-insensitive); the rule then only applies to leads
 *   in that pipeline. Rules never move a lead to another pipeline.
 * - `allowBackwards` (optional, default false): rules only move leads forward in the pipeline's stage
 *   order unless this is true. Leads in a won or lost stage are never moved by a rule.
 * Errors are reported at `<path>[index].<field>`, e.g. `sync.stageRules[2].on`.
 */
import { z } from 'zod';
import { parseTrigger, PRIORITIES, SIMPLE_TRIGGERS, type Trigger } from './triggers';

const TRIGGER_FORMS = [...SIMPLE_TRIGGERS, 'label_added:<label>', `priority:<${PRIORITIES.join('|')}>`].join(', ');
const triggerMessage = `must be one of ${TRIGGER_FORMS}`;

const trigger = z.string({ error: triggerMessage }).transform((text, ctx): Trigger => {
  const parsed = parseTrigger(text.trim());
  if (parsed === null) {
    ctx.addIssue({ code: 'custom', message: triggerMessage });
    return z.NEVER;
  }
  return parsed;
});

function idOrName(what: string) {
  const message = `must be a positive integer ${what} id or a non-empty ${what} code or name`;
  return z.union(
    [
      z.number({ error: message }).int({ error: message }).positive({ error: message }),
      z
        .string({ error: message })
        .trim()
        .min(1, { error: message })
        .max(255, { error: `must be at most 255 characters` }),
    ],
    { error: message },
  );
}

export const stageRuleSchema = z.strictObject(
  {
    on: trigger,
    stage: idOrName('stage'),
    pipeline: idOrName('pipeline').optional(),
    allowBackwards: z.boolean({ error: 'must be true or false' }).default(false),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}: a rule has on, stage, pipeline and allowBackwards`
        : issue.code === 'invalid_type'
          ? 'must be an object with "on" and "stage"'
          : undefined,
  },
);

export const stageRulesSchema = z.array(stageRuleSchema, { error: 'must be a list of stage rules' }).default([]);

export type StageRule = z.infer<typeof stageRuleSchema>;
/** A rule as written in the configuration (allowBackwards may be omitted). */
export type StageRuleInput = z.input<typeof stageRuleSchema>;
