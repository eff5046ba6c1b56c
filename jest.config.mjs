// Jest runs the TypeScript sources as native ES modules (NestJS 12 ships ESM only), so it must be
// started with NODE_OPTIONS=--experimental-vm-modules; `npm test` does that.
// Type errors are caught by `npm run typecheck`; ts-jest only transpiles (isolatedModules).
const transform = { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] };
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  moduleNameMapper: {
    '^#kafka-eos$': '<rootDir>/libs/kafka-eos/src/index.ts',
    '^#contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^#config$': '<rootDir>/libs/config/src/index.ts',
    '^#logging$': '<rootDir>/libs/logging/src/index.ts',
    '^#health$': '<rootDir>/libs/health/src/index.ts',
    '^#http-errors$': '<rootDir>/libs/http-errors/src/index.ts',
    '^#postgres$': '<rootDir>/libs/postgres/src/index.ts',
    '^#test-infra$': '<rootDir>/test/infra/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  verbose: true,
  reporters: ['default', '<rootDir>/test/summary-reporter.mjs'],
  // Integration tests start consumers and wait for rebalances; a test's own waitFor deadlines
  // are shorter than this, so they fail first with a message that says what was awaited.
  testTimeout: 120_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,test,scripts}/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // One Kafka broker and one PostgreSQL server for the whole run; each test file makes its
      // own topics and its own database.
      globalSetup: '<rootDir>/test/infra/jest-global-setup.mjs',
      globalTeardown: '<rootDir>/test/infra/jest-global-teardown.mjs',
    },
  ],
};
