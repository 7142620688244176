/**
 * The product's main flows against the real Krayin 2.1.2 (../shared/krayin-real) over real HTTP, with
 * the real Temporal dev server and the fake Chatwoot. Each flow runs on the fake Krayin first, then on
 * the real one (reset first); both must reach the same end state with the same Krayin calls.
 *
 * One file on purpose: its tests share one real Krayin and run one at a time, grouped by Krayin mode
 * (APP_DEBUG, APP_TIMEZONE) so that php restarts only when the group changes; the installed mode
 * (debug on, UTC) is restored at the end.
 */
import {
  contactWithCompany,
  caseVariantPersonLinked,
  emailOrPhoneSearchLinks,
  existingPersonLinked,
  uniqueAttributeParksOnlyThatContact,
  updateKeepsSalesAdditions,
} from './flows/contacts';
import { callInKrayinTimeZone, conversationLifecycle, STAGE_RULES, wonLeadLeftAlone } from './flows/conversations';
import { panelActions } from './flows/panel-actions';
import { throttleHitOnPurpose } from './flows/throttle';
import { runOnBoth, type FlowSetup } from './helpers/flows';
import { RealKrayin } from './helpers/krayin-real';

const krayin = new RealKrayin();

const contacts = (appDebug: boolean): FlowSetup => ({
  timezone: 'UTC',
  appDebug,
  sync: { leadPolicy: 'contact_created' },
});
const customMap = (appDebug: boolean): FlowSetup => ({
  timezone: 'UTC',
  appDebug,
  sync: { leadPolicy: 'never', fieldMap: { person: { cw_member_no: 'custom_attributes.member_no' } } },
});
const conversations = (appDebug: boolean, leadPolicy: string): FlowSetup => ({
  timezone: 'UTC',
  appDebug,
  sync: { leadPolicy, stageRules: STAGE_RULES },
});

// A flow runs twice (fake, then real) and waits for Temporal syncs: minutes, not seconds, on 2 shared cores.
jest.setTimeout(600_000);

afterAll(async () => {
  await krayin.setMode({ debug: true, tz: 'UTC' });
});

describe('real Krayin, APP_DEBUG=true, UTC', () => {
  it('a contact with a company becomes one organization, one person and one lead', async () => {
    await runOnBoth(krayin, contactWithCompany, contacts(true));
  });

  it('a person sales created with the same email is linked, never duplicated', async () => {
    await runOnBoth(krayin, existingPersonLinked, contacts(true));
  });

  it('a person sales created with the email in other case is linked, never duplicated', async () => {
    await runOnBoth(krayin, caseVariantPersonLinked, contacts(true));
  });

  it('one search for email or phone links the person matching either, never duplicated', async () => {
    await runOnBoth(krayin, emailOrPhoneSearchLinks, contacts(true));
  });

  it('an update keeps what sales added: owner, extra emails and phones', async () => {
    await runOnBoth(krayin, updateKeepsSalesAdditions, contacts(true));
  });

  it("a unique custom attribute's 422 parks only that contact", async () => {
    await runOnBoth(krayin, uniqueAttributeParksOnlyThatContact, customMap(true));
  });

  it('a conversation: one activity on the lead, stage rules forward only, the transcript on resolve', async () => {
    await runOnBoth(krayin, conversationLifecycle, conversations(true, 'first_conversation'));
  });

  it('a won lead is left alone by the stage rules', async () => {
    await runOnBoth(krayin, wonLeadLeftAlone, conversations(true, 'contact_created'));
  });

  it("the CRM panel's actions: one note on the lead, a forward stage move, no move back", async () => {
    await runOnBoth(krayin, panelActions, contacts(true));
  });

  it("Krayin's throttle hit on purpose: no request inside the announced window, nothing lost", async () => {
    const { real } = await runOnBoth(
      krayin,
      throttleHitOnPurpose,
      { ...contacts(true), requestsPerMinute: 6000 },
      'writes',
    );
    expect(real.some((c) => c.status === 429)).toBe(true);
  });
});

describe('real Krayin in its default time zone (Asia/Kolkata)', () => {
  it('a call is scheduled in Krayin wall time', async () => {
    await runOnBoth(krayin, callInKrayinTimeZone, {
      timezone: 'Asia/Kolkata',
      appDebug: true,
      sync: { leadPolicy: 'first_conversation', conversations: { activityTypes: { 'Channel::Whatsapp': 'call' } } },
    });
  });
});

describe('real Krayin in production mode (APP_DEBUG=false): generic error bodies', () => {
  it('a contact with a company still ends right', async () => {
    await runOnBoth(krayin, contactWithCompany, contacts(false));
  });

  it("a unique custom attribute's 422 still parks only that contact", async () => {
    await runOnBoth(krayin, uniqueAttributeParksOnlyThatContact, customMap(false));
  });

  it('a conversation still ends with its transcript on the lead', async () => {
    await runOnBoth(krayin, conversationLifecycle, conversations(false, 'first_conversation'));
  });
});
