// Four projects: fast pure unit tests, the workflow tier (the contact workflow on the Temporal dev server
// with stub activities, seconds), integration tests that talk to real servers (Temporal dev
// server, Postgres, PGlite, fake Krayin/Chatwoot over HTTP), and the real-krayin tier (the real Krayin).
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      // Its own project so `--selectProjects workflows` runs the tier alone; it shares the integration
      // project's dev server (globalSetup starts one only when TEMPORAL_TEST_ADDRESS is not set yet).
      displayName: 'workflows',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/workflows/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: [
        '<rootDir>/test/integration/**/*.test.ts',
        '<rootDir>/test/contract/**/*.test.ts',
        '<rootDir>/test/e2e/**/*.test.ts',
        '<rootDir>/test/chaos/**/*.test.ts',
        '<rootDir>/test/browser/**/*.test.ts',
      ],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
    {
      // The product's main flows against the real Krayin 2.1.2 (../shared/krayin-real), installed and
      // started by its globalSetup; one test file, so its tests share that one Krayin one at a time.
      displayName: 'real-krayin',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/real-krayin/**/*.test.ts'],
      globalSetup: '<rootDir>/test/real-krayin/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
  // Integration tests start real servers (Temporal workers, PGlite, fakes); unit tests finish in ms anyway.
  testTimeout: 120000,
};
