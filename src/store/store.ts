/** Assembles the Store interface from the repositories over one Db. */
import type { Db } from './db';
import { migrate } from './migrate';
import { analyticsRepository } from './repositories/analytics';
import { auditLogRepository } from './repositories/audit-log';
import { connectionSettingsRepository } from './repositories/connection-settings';
import { consoleSessionsRepository } from './repositories/console-sessions';
import { contactLinksRepository } from './repositories/contact-links';
import { conversationLinksRepository, messageLinksRepository } from './repositories/conversation-links';
import { activityNotesRepository } from './repositories/activity-notes';
import { crmFactsRepository } from './repositories/crm-facts';
import { cursorsRepository } from './repositories/cursors';
import { deliveriesRepository } from './repositories/deliveries';
import { heldEventsRepository } from './repositories/held-events';
import { inboundEventsRepository } from './repositories/inbound-events';
import { krayinAuthBlocksRepository } from './repositories/krayin-auth-blocks';
import { krayinBudgetsRepository } from './repositories/krayin-budgets';
import { notificationStatesRepository } from './repositories/notification-states';
import { syncEventsRepository } from './repositories/sync-events';
import { syncStatesRepository } from './repositories/sync-states';
import { twoWayRepository } from './repositories/two-way';
import { writtenIdentitiesRepository } from './repositories/written-identities';
import type { Store } from './types';

export function createStore(db: Db): Store {
  return {
    migrate: async () => {
      await migrate(db);
    },
    ping: async () => {
      await db.query('SELECT 1');
    },
    close: () => db.close(),
    transaction: (fn) => db.transaction((tx) => fn(createStore(tx))),
    links: contactLinksRepository(db),
    syncState: syncStatesRepository(db),
    deliveries: deliveriesRepository(db),
    audit: auditLogRepository(db),
    conversations: conversationLinksRepository(db),
    messages: messageLinksRepository(db),
    heldEvents: heldEventsRepository(db),
    inbound: inboundEventsRepository(db),
    twoWay: twoWayRepository(db),
    cursors: cursorsRepository(db),
    writtenIdentities: writtenIdentitiesRepository(db),
    crmFacts: crmFactsRepository(db),
    activityNotes: activityNotesRepository(db),
    krayinBudgets: krayinBudgetsRepository(db),
    authBlocks: krayinAuthBlocksRepository(db),
    notificationStates: notificationStatesRepository(db),
    consoleSessions: consoleSessionsRepository(db),
    connectionSettings: connectionSettingsRepository(db),
    syncEvents: syncEventsRepository(db),
    analytics: analyticsRepository(db),
  };
}
