/**
 * The fresh post-install state of the recorded corpus this fake replays (../shared/krayin-contract/README.md
 * §1): user 1 "Example", the default pipeline with its six stages, sources, types and the seeded
 * attributes, and the installer's two activity workflows (seen on the real Krayin 2.1.2). Next ids: person 1,
 * organization 1, lead 1, activity 1, pipeline 2, stage 7, attribute 61, webhook 1, workflow 3.
 */
import { createHash } from 'node:crypto';
import { seedAutomation } from './automation';
import { SEED_ATTRIBUTES } from './seed-attributes';
import { State } from './state';
import { wallNow } from './time';

/** Password of the seeded admin (krayin-samples/01-login.json). */
export const ADMIN_PASSWORD = 'admin123';

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Splits a Sanctum token "<id>|<plaintext>" the way Sanctum's findToken does. */
export function splitToken(token: string): { id: number | null; plain: string } {
  const bar = token.indexOf('|');
  if (bar < 0) return { id: null, plain: token };
  const id = Number(token.slice(0, bar));
  return { id: Number.isInteger(id) ? id : null, plain: token.slice(bar + 1) };
}

export function seedState(tz: string, token: string): State {
  const now = wallNow(tz);
  const s = new State(tz, now);
  s.roles.push({
    id: 1,
    name: 'Administrator',
    description: 'Administrator Role',
    permission_type: 'all',
    permissions: null,
  });
  s.users.push({
    id: s.nextId('users'),
    name: 'Example',
    email: 'admin@example.com',
    password: ADMIN_PASSWORD,
    status: 1,
    view_permission: 'global',
    role_id: 1,
    image: null,
    created_at: now,
    updated_at: now,
  });
  s.pipelines.push({
    id: s.nextId('pipelines'),
    name: 'Default Pipeline',
    is_default: 1,
    rotten_days: 30,
    created_at: now,
    updated_at: now,
  });
  const stages: Array<[string, string, number]> = [
    ['new', 'New', 100],
    ['follow-up', 'Follow Up', 100],
    ['prospect', 'Prospect', 100],
    ['negotiation', 'Negotiation', 100],
    ['won', 'Won', 100],
    ['lost', 'Lost', 0],
  ];
  stages.forEach(([code, name, probability], i) =>
    s.stages.push({ id: s.nextId('stages'), code, name, probability, sort_order: i + 1, lead_pipeline_id: 1 }),
  );
  for (const name of ['Email', 'Web', 'Web Form', 'Phone', 'Direct']) {
    s.sources.push({ id: s.nextId('sources'), name, created_at: now, updated_at: now });
  }
  for (const name of ['New Business', 'Existing Business']) {
    s.types.push({ id: s.nextId('types'), name, created_at: now, updated_at: now });
  }
  for (const [
    id,
    entity_type,
    code,
    name,
    type,
    lookup_type,
    sort_order,
    validation,
    req,
    uniq,
    quick,
  ] of SEED_ATTRIBUTES) {
    s.attributes.push({
      id,
      code,
      name,
      type,
      lookup_type,
      entity_type,
      sort_order,
      validation,
      is_required: req,
      is_unique: uniq,
      quick_add: quick,
      is_user_defined: 0,
      created_at: now,
      updated_at: now,
    });
  }
  s.setNextId('attributes', 61);
  seedAutomation(s, now);
  const { id, plain } = splitToken(token);
  const tokenId = id ?? s.nextId('tokens');
  s.tokens.push({ id: tokenId, user_id: 1, hash: sha256(id === null ? token : plain), name: 'fake-krayin' });
  s.setNextId('tokens', tokenId + 1);
  return s;
}
