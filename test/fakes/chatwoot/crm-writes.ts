/**
 * The fake Chatwoot's endpoints for CRM facts on contacts (src/chatwoot/README.md §5), as strict as the real ones:
 *
 *   GET   /custom_attribute_definitions?attribute_model=contact_attribute   bare array (all models without the param)
 *   POST  /custom_attribute_definitions   {attribute_display_name, attribute_display_type, attribute_key,
 *         attribute_model, attribute_description?, attribute_values?, regex_pattern?, regex_cue?, default_value?}
 *         (flat, or wrapped in `custom_attribute_definition` as Rails' wrap_parameters does): the created
 *         definition, unwrapped; 422 `{message, attributes}` from create! (key taken per account and model,
 *         key format, reserved contact keys, blanks); an unknown display type or model is an enum
 *         ArgumentError, which Chatwoot does not rescue: 500 (inferred)
 *   GET   /contacts/:id/labels            {payload: [labels]}
 *   POST  /contacts/:id/labels {labels}   REPLACES the whole set -> contact_updated (updated_at, label_list) when it changed
 *   POST  /contacts/:id/destroy_custom_attributes {custom_attributes: [keys]}  -> contact_updated when it changed
 *
 * Values written into custom attributes are not checked against the definitions: Chatwoot does not either.
 */
import express, { type Request, type Response } from 'express';
import { apiContact } from './render';
import {
  ATTRIBUTE_DISPLAY_TYPES,
  ATTRIBUTE_MODELS,
  type AttributeDisplayType,
  type AttributeModel,
  type FakeAttributeDefinition,
  type FakeChatwootState,
} from './state';
import type { WebhookSender } from './webhooks';

const NOT_FOUND = { error: 'Resource could not be found' };
const SERVER_ERROR = { status: 500, error: 'Internal Server Error' };
/** custom_attribute_definition.rb: `format: { with: /\A[\p{L}\p{N}_.\-]+\z/ }` */
const KEY_FORMAT = /^[\p{L}\p{N}_.-]+$/u;
/** CustomAttributeDefinition::STANDARD_ATTRIBUTES[:contact]: a contact definition may not use these keys. */
const STANDARD_CONTACT_KEYS = [
  'name',
  'email',
  'phone_number',
  'identifier',
  'country_code',
  'city',
  'company_name',
  'created_at',
  'last_activity_at',
  'referer',
  'blocked',
];
const STANDARD_CONVERSATION_KEYS = [
  'status',
  'priority',
  'assignee_id',
  'inbox_id',
  'team_id',
  'display_id',
  'campaign_id',
  'labels',
  'browser_language',
  'country_code',
  'referer',
  'created_at',
  'last_activity_at',
];

const nowSec = () => Math.floor(Date.now() / 1000);
const iso = (sec: number) => new Date(sec * 1000).toISOString();

export function crmWriteRoutes(state: FakeChatwootState, webhooks: WebhookSender): express.Router {
  const router = express.Router({ mergeParams: true });
  router.use(express.json());

  router.get('/custom_attribute_definitions', (req, res) => {
    const wanted = modelParam(req.query.attribute_model);
    const list = state.attributeDefinitions.filter((d) => wanted === 'all' || d.attribute_model === wanted);
    res.json(list.map(definitionJson));
  });

  router.post('/custom_attribute_definitions', (req, res) => {
    const body = asRecord(req.body);
    // wrap_parameters: a flat JSON body arrives as params[:custom_attribute_definition] too.
    const input = body.custom_attribute_definition === undefined ? body : asRecord(body.custom_attribute_definition);
    const displayType = input.attribute_display_type;
    const model = input.attribute_model;
    // Assigning an unknown enum value raises ArgumentError before any validation runs.
    if (present(displayType) && !isEnumValue(ATTRIBUTE_DISPLAY_TYPES, displayType))
      return res.status(500).json(SERVER_ERROR);
    if (present(model) && !isEnumValue(ATTRIBUTE_MODELS, model)) return res.status(500).json(SERVER_ERROR);

    const errors = definitionErrors(state, input);
    if (errors.length > 0) {
      return res.status(422).json({
        message: errors.map((e) => e.message).join(', '),
        attributes: [...new Set(errors.map((e) => e.attribute))],
      });
    }
    const now = nowSec();
    const definition: FakeAttributeDefinition = {
      id: Math.max(0, ...state.attributeDefinitions.map((d) => d.id)) + 1,
      attribute_display_name: String(input.attribute_display_name),
      attribute_display_type: enumValue(ATTRIBUTE_DISPLAY_TYPES, displayType) as AttributeDisplayType,
      attribute_description: typeof input.attribute_description === 'string' ? input.attribute_description : null,
      attribute_key: String(input.attribute_key),
      attribute_model: enumValue(ATTRIBUTE_MODELS, model) as AttributeModel,
      attribute_values: Array.isArray(input.attribute_values) ? input.attribute_values.map(String) : [],
      regex_pattern: typeof input.regex_pattern === 'string' ? input.regex_pattern : null,
      regex_cue: typeof input.regex_cue === 'string' ? input.regex_cue : null,
      default_value: input.default_value ?? null,
      created_at: now,
      updated_at: now,
    };
    state.attributeDefinitions.push(definition);
    res.json(definitionJson(definition));
  });

  router.get('/contacts/:id/labels', (req, res) => {
    const contact = state.contacts.get(numericParam(req.params.id));
    if (!contact) return res.status(404).json(NOT_FOUND);
    res.json({ payload: state.contactLabels.get(contact.id) ?? [] });
  });

  router.post('/contacts/:id/labels', async (req: Request, res: Response) => {
    const contact = state.contacts.get(numericParam(req.params.id));
    if (!contact) return res.status(404).json(NOT_FOUND);
    const previous = state.contactLabels.get(contact.id) ?? [];
    const next = tagList(asRecord(req.body).labels);
    const same = previous.length === next.length && previous.every((l) => next.includes(l));
    if (!same) {
      state.contactLabels.set(contact.id, next);
      const before = contact.updated_at;
      contact.updated_at = Math.max(nowSec(), before + 1);
      // The contact payload carries no labels: only changed_attributes says what changed.
      await webhooks.contactUpdated(contact, {
        updated_at: { previous_value: iso(before), current_value: iso(contact.updated_at) },
        label_list: { previous_value: previous, current_value: next },
      });
    }
    res.json({ payload: state.contactLabels.get(contact.id) ?? [] });
  });

  router.post('/contacts/:id/destroy_custom_attributes', async (req: Request, res: Response) => {
    const contact = state.contacts.get(numericParam(req.params.id));
    if (!contact) return res.status(404).json(NOT_FOUND);
    const raw = asRecord(req.body).custom_attributes;
    const keys = Array.isArray(raw) ? raw.map(String) : [];
    const before = contact.custom_attributes;
    const after = Object.fromEntries(Object.entries(before).filter(([k]) => !keys.includes(k)));
    if (Object.keys(after).length !== Object.keys(before).length) {
      const previousUpdatedAt = contact.updated_at;
      contact.custom_attributes = after;
      contact.updated_at = Math.max(nowSec(), previousUpdatedAt + 1);
      await webhooks.contactUpdated(contact, {
        updated_at: { previous_value: iso(previousUpdatedAt), current_value: iso(contact.updated_at) },
        custom_attributes: { previous_value: before, current_value: after },
      });
    }
    res.json({ payload: apiContact(contact) });
  });

  return router;
}

/** app/views/api/v1/models/_custom_attribute_definition.json.jbuilder; timestamps ISO here. */
function definitionJson(d: FakeAttributeDefinition): Record<string, unknown> {
  return {
    id: d.id,
    attribute_display_name: d.attribute_display_name,
    attribute_display_type: d.attribute_display_type,
    attribute_description: d.attribute_description,
    attribute_key: d.attribute_key,
    regex_pattern: d.regex_pattern,
    regex_cue: d.regex_cue,
    attribute_values: d.attribute_values,
    attribute_model: d.attribute_model,
    default_value: d.default_value,
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
  };
}

/** ActiveRecord validations of custom_attribute_definition.rb, in declaration order, as full messages. */
function definitionErrors(
  state: FakeChatwootState,
  input: Record<string, unknown>,
): { attribute: string; message: string }[] {
  const errors: { attribute: string; message: string }[] = [];
  const add = (attribute: string, message: string) => errors.push({ attribute, message });
  const key = present(input.attribute_key) ? String(input.attribute_key) : null;
  const model = enumValue(ATTRIBUTE_MODELS, input.attribute_model);
  if (!present(input.attribute_display_name)) add('attribute_display_name', "Attribute display name can't be blank");
  if (key === null) add('attribute_key', "Attribute key can't be blank");
  else {
    if (state.attributeDefinitions.some((d) => d.attribute_key === key && d.attribute_model === model))
      add('attribute_key', 'Attribute key has already been taken');
    if (!KEY_FORMAT.test(key)) add('attribute_key', 'Attribute key is invalid');
  }
  if (!present(input.attribute_display_type)) add('attribute_display_type', "Attribute display type can't be blank");
  if (model === null) add('attribute_model', "Attribute model can't be blank");
  const standard = model === 'conversation_attribute' ? STANDARD_CONVERSATION_KEYS : STANDARD_CONTACT_KEYS;
  if (key !== null && standard.includes(key)) {
    // errors.custom_attribute_definition.key_conflict (wording inferred)
    add('attribute_key', 'Attribute key The provided key is not allowed as it might conflict with default attributes.');
  }
  return errors;
}

/** Rails enums take the name or the integer (as a number or numeric string). */
function enumValue<T extends readonly string[]>(values: T, raw: unknown): T[number] | null {
  if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 0 && n < values.length ? (values[n] ?? null) : null;
}

function isEnumValue(values: readonly string[], raw: unknown): boolean {
  return enumValue(values, raw) !== null;
}

/** The list filter: a known model, "all" without the param, null (matches nothing) for an unknown one. */
function modelParam(raw: unknown): AttributeModel | 'all' | null {
  if (raw === undefined || raw === '') return 'all';
  return enumValue(ATTRIBUTE_MODELS, raw);
}

/** acts_as_taggable_on's TagList: strings stripped, blanks dropped, duplicates once, order kept. */
function tagList(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : [];
  return [...new Set(list.map((l) => String(l).trim()).filter((l) => l !== ''))];
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && String(v).trim() !== '';
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function numericParam(raw: unknown): number {
  return typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : -1;
}
