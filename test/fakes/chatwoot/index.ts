export { startFakeChatwoot, type FakeChatwoot, type FakeChatwootOptions, type RecordedRequest } from './server';
export type { FakeFault } from './faults';
export { seedFixtureScenario } from './seed';
export type {
  ContactInput,
  ConversationInput,
  FakeContact,
  FakeConversation,
  FakeMessage,
  MessageInput,
} from './state';
export type { WebhookDelivery, WebhookTarget } from './webhooks';
