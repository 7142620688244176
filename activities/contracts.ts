/**
 * Activity inputs and outputs shared with workflow code (type-only imports there). The activities
 * themselves are grouped by the task queue they run on (activities/krayin, chatwoot, store); their
 * types are the sets' types (activities/index.ts). Everything passed here lands in Temporal history:
 * ids, hashes, the mapped desired state and the rendered Krayin activities only.
 */
import type {
  ContactIdentity,
  DesiredLead,
  DesiredOrganization,
  DesiredPerson,
  MappingProblem,
} from '../src/mapping/types';
import type { ActivityInput } from '../src/krayin/api';
import type { AttributeCatalog } from '../src/mapping/contact';
import type { ConflictView, ParkReason } from '../workflows/api';
import type { TwoWayPerson } from './two-way-person-contracts';

export interface ContactRef {
  connectionId: string;
  contactId: number;
  /** 'background': a round made only of backfill events; its Krayin calls leave live traffic the budget's reserve. */
  priority?: 'background';
}

/** Which parts of the mapped state differ from what was last written. */
export interface ChangedSections {
  organization: boolean;
  person: boolean;
  lead: boolean;
}

export type PlanResult =
  | { kind: 'gone' }
  /** The field map has custom attributes: plan again with the catalog (read on the Krayin queue). */
  | { kind: 'needs_catalog' }
  | { kind: 'skip'; note: string }
  | { kind: 'invalid'; problems: MappingProblem[] }
  | {
      kind: 'unchanged';
      links: { personId: number; organizationId: number | null; leadId: number | null };
      unsyncedConversations: number[];
    }
  | {
      kind: 'sync';
      /** Section hashes of the desired state; stored after a successful write. */
      hash: string;
      changed: ChangedSections;
      /** What the store already links this contact to (ids only). */
      links: { personId: number | null; organizationId: number | null; leadId: number | null };
      /** Conversations known for this contact that have no Krayin activity yet (seen before it could sync). */
      unsyncedConversations: number[];
      identity: ContactIdentity;
      person: DesiredPerson;
      organization: DesiredOrganization | null;
      lead: DesiredLead | null;
    };

export interface PlanInput extends ContactRef {
  /** Ignore the stored hash (retry/replay): write even if nothing changed. */
  force: boolean;
  /** The workflow has conversation events for this contact (lead policy "first_conversation"). */
  conversationStarted?: boolean;
  /** Krayin's attribute catalog (the field map's attributes only), when the plan asked for it. */
  catalog?: AttributeCatalog;
}

export interface SyncOrganizationInput extends ContactRef {
  organization: DesiredOrganization;
}

export interface SyncPersonInput extends ContactRef {
  identity: ContactIdentity;
  person: DesiredPerson;
  organizationId: number | null;
  /** When set and the person is new, the person is created inside the lead create (one call for both). */
  lead: DesiredLead | null;
  /** The conversations of this round: a lead created now starts in the stage they would move it to. */
  conversationIds?: number[];
  /** Two-way sync: when the contact last changed in Chatwoot (the round's latest webhook), for `newest`. */
  chatwootChangedAt?: string;
  /**
   * Two-way sync: the contact's company as the forward mapping reads it (null: none), compared with the
   * person's organization. Absent in rounds scheduled before the organization was compared.
   */
  companyName?: string | null;
  /**
   * Set when `organizationId` is the stored link, not verified by this round: the person read verifies
   * it (Krayin embeds the person's organization), else the organization is synced here first.
   */
  organization?: DesiredOrganization;
}

export interface SyncPersonResult {
  personId: number;
  /** The organization the person was written with, when `organization` was given (verified or synced here). */
  organizationId?: number | null;
  /** Set when the lead was created together with the person. */
  leadId: number | null;
  created: boolean;
  /** What this round learnt about `leadId` (absent from results recorded before the call cuts). */
  leadSeen?: LeadSeen;
  /**
   * Two-way sync: fields of the person Krayin won (kept as Krayin has them) that Chatwoot does not show
   * yet; the workflow brings them to the contact (applyKrayinPerson). Absent when there are none.
   */
  chatwootBehind?: { personId: number; person: TwoWayPerson; updatedAt: string };
  /** Two-way sync: conflicts this write decided for Chatwoot (absent when none). */
  conflicts?: ConflictView[];
}

export interface EnsureLeadInput extends ContactRef {
  personId: number;
  lead: DesiredLead;
  /** The conversations of this round: a lead created now starts in the stage they would move it to. */
  conversationIds?: number[];
}

export interface EnsureLeadResult {
  leadId: number;
  leadSeen?: LeadSeen;
}

/**
 * What a sync round already knows about the contact's lead, so the conversation steps after it do not
 * read Krayin again for it: the lead was verified (read and found the contact's) or created by us
 * moments ago.
 */
export interface LeadSeen {
  /** Created by this round: its timeline cannot hold anything of ours yet. */
  created: boolean;
  /** Its stage as this round created or read it. */
  stageId: number | null;
}

/** When the sync began (workflow time, ISO), for the sync-duration metric. */
export interface Timed {
  startedAt?: string;
}

export interface RecordSyncedInput extends ContactRef, Timed {
  hash: string;
  personId: number;
  leadId: number | null;
  organizationId: number | null;
}

export interface RecordParkedInput extends ContactRef, Timed {
  reason: ParkReason;
  /** failed = an unexpected error (not a known non-retryable class). */
  status: 'parked' | 'failed';
}

// ---- conversations (issue: conversations, messages and stage progression)

export interface ConversationRef extends ContactRef {
  conversationId: number;
}

/** The part of a conversation stage rules and owner mapping look at (no message text, no contact data). */
export interface ObservedConversation {
  status: 'open' | 'resolved' | 'pending' | 'snoozed';
  labels: string[];
  assigneeId: number | null;
  firstReplyAt: string | null;
  priority: 'low' | 'medium' | 'high' | 'urgent' | null;
}

export interface SyncConversationInput extends ConversationRef {
  leadId: number | null;
  personId: number;
}

export type SyncConversationResult =
  /** Deleted in Chatwoot: nothing to write. */
  | { kind: 'gone' }
  /** Belongs to another contact now (a merge): that contact's workflow owns it. */
  | { kind: 'moved'; contactId: number }
  /**
   * The linked lead (or, without a lead, the person) was deleted in Krayin or is no longer the contact's
   * (Krayin restored): the link is forgotten; sync the contact again, then this.
   */
  | { kind: 'lead_gone' }
  | {
      kind: 'synced';
      activityId: number;
      /** What we saw last time (null: first time) and now; the workflow derives stage triggers from the pair. */
      previous: ObservedConversation | null;
      observed: ObservedConversation;
      /** Whether the activity had to be written (false: its content was unchanged). */
      written: boolean;
      /** Connection settings the workflow needs to decide what follows. */
      follow: { stageRules: boolean; assigneeOwner: boolean; messageActivities: boolean };
    };

export interface LeadStageContext {
  currentStageId: number | null;
  /** The lead was read now and is the contact's (or its stage is known from this round): move without re-reading. */
  checked?: boolean;
  pipelines: import('../src/krayin/api').KrayinPipeline[];
  rules: import('../src/rules/stage-move').StageRuleLike[];
}

export interface MoveLeadStageInput extends ContactRef {
  leadId: number;
  stageId: number;
  fromStageId: number | null;
  /**
   * `fromStageId` was read (and the lead found the contact's) by leadStageContext a moment ago, or set
   * by our own create: the move does not read the lead again. Absent: read and check first.
   */
  checked?: boolean;
  /** Why (for the audit trail): the trigger and the rule index. */
  trigger: string;
  ruleIndex: number;
}

export interface AssignLeadOwnerInput extends ConversationRef {
  leadId: number;
  assigneeId: number | null;
}

export interface RecordConversationInput extends ConversationRef {
  observed: ObservedConversation;
}

/**
 * A rendered Krayin activity as it crosses Temporal history: its schedule as ISO strings (payloads are
 * JSON, a Date would arrive as a string anyway); the Krayin side turns it back into an ActivityInput.
 */
export type ActivityBody = Omit<ActivityInput, 'schedule_from' | 'schedule_to'> & {
  schedule_from?: string;
  schedule_to?: string;
};

/** The ActivityInput a Krayin write sends for an ActivityBody. */
export function activityInputOf(body: ActivityBody): ActivityInput {
  const { schedule_from, schedule_to, ...rest } = body;
  return {
    ...rest,
    ...(schedule_from === undefined ? {} : { schedule_from: new Date(schedule_from) }),
    ...(schedule_to === undefined ? {} : { schedule_to: new Date(schedule_to) }),
  };
}

/** What the Krayin write of a conversation needs from Chatwoot; read on the main queue. */
export type ReadConversationResult =
  | { kind: 'gone' }
  | { kind: 'moved'; contactId: number }
  | (ConversationObservation & {
      /** The activity in Krayin is up to date (same content, same target): nothing to write. */
      kind: 'unchanged';
      activityId: number;
    })
  | (ConversationObservation & {
      kind: 'changed';
      /** The rendered Krayin activity (summary, transcript on resolve) and its content hash. */
      activity: ActivityBody;
      hash: string;
      /** Salted hashes of the contact's email and phone now (never the values): the person check's evidence. */
      contactHashes: string[];
    });

export interface ConversationObservation {
  /** What we saw last time (null: first time) and now; the workflow derives stage triggers from the pair. */
  previous: ObservedConversation | null;
  observed: ObservedConversation;
  /** Connection settings the workflow needs to decide what follows. */
  follow: {
    stageRules: boolean;
    assigneeOwner: boolean;
    messageActivities: boolean;
    /** The triggers the stage rules react to (absent from results recorded before the call cuts). */
    stageTriggers?: string[];
  };
  /** The assignee's email, when the lead owner follows the assignee and the assignee changed (else null). */
  assigneeEmail: string | null;
}

export interface WriteConversationInput extends SyncConversationInput {
  activity: ActivityBody;
  hash: string;
  contactHashes: string[];
  /** This round verified or created `leadId`: no second check before writing to it. */
  leadSeen?: LeadSeen;
}

export type WriteConversationResult = { kind: 'lead_gone' } | { kind: 'written'; activityId: number };

/** One message of a batch: its rendered activity, or null for what is not written (private notes). */
export interface RenderedMessage {
  messageId: number;
  activity: ActivityBody | null;
}

export interface MessageBatch {
  messages: RenderedMessage[];
  /** More messages wait after this batch. */
  more: boolean;
  /** As in ReadConversationResult (only filled when the messages go to the person). */
  contactHashes: string[];
}

export interface WriteMessagesInput extends SyncConversationInput {
  messages: RenderedMessage[];
  contactHashes: string[];
}

export interface SetLeadOwnerInput extends ConversationRef {
  leadId: number;
  assigneeEmail: string | null;
}
