/** The main queue worker's workflow cache, from WORKER_MAX_CACHED_WORKFLOWS (src/temporal/workers.ts). */
import { loadConfigFromEnv } from '../../src/config/env';
import { workflowCacheOptions } from '../../src/temporal/workers';

const env = {
  KRAYIN_URL: 'http://127.0.0.1:8000/api/v1',
  KRAYIN_TOKEN: '1|abcdefghij',
  CHATWOOT_URL: 'https://chat.example.com',
  CHATWOOT_ACCOUNT_ID: '1',
  CHATWOOT_API_TOKEN: 'x',
  CHATWOOT_WEBHOOK_SECRET: 'whsec',
};
const optionsFor = (value?: string) =>
  workflowCacheOptions(
    loadConfigFromEnv(value === undefined ? env : { ...env, WORKER_MAX_CACHED_WORKFLOWS: value }).worker,
  );

describe('workflowCacheOptions', () => {
  it('caps the cache by default, leaving the concurrent workflow tasks to the SDK', () => {
    expect(optionsFor()).toEqual({ maxCachedWorkflows: 50 });
  });

  it('passes a larger cap through', () => {
    expect(optionsFor('5000')).toEqual({ maxCachedWorkflows: 5000 });
  });

  it('below the SDK default of 40 concurrent workflow tasks, lowers those to the cache size (the SDK requires it)', () => {
    expect(optionsFor('10')).toEqual({ maxCachedWorkflows: 10, maxConcurrentWorkflowTaskExecutions: 10 });
  });

  it('0 turns the cache off and keeps the SDK default of concurrent tasks', () => {
    expect(optionsFor('0')).toEqual({ maxCachedWorkflows: 0 });
  });
});
