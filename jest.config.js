import { availableParallelism } from 'node:os';

/**
 * `npm test` runs both projects: unit specs beside the code, and e2e specs against a real PostgreSQL
 * and a real Redis. NestJS 12 ships ES modules only, so Jest runs in its native ESM mode
 * (node --experimental-vm-modules, see package.json) and ts-jest emits ESM.
 */
const common = {
  rootDir: import.meta.dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // an ES module that @fastify/static require()s: Jest cannot load it that way before Node 24.9 (Node can)
    '^content-disposition$': '<rootDir>/test/support/content-disposition.cjs',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.jest.json' }] },
};

export default {
  // Global options (Jest reads testTimeout from here, not from a project): e2e hooks boot an app and
  // clone a database, which takes more than the default 5 s on a busy 2-core machine.
  testTimeout: 60000,
  // e2e files mostly wait on PostgreSQL, Redis and child processes: run two at once even on 2 cores.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  // How long Jest waits for a worker process to end before killing it and printing "A worker process
  // has failed to exit gracefully" (default 500 ms). Measured on a busy 2-core machine: the workers
  // received the end message and emitted 'exit' within 5 ms, yet their processes were gone only 730-760
  // ms later (a worker holds a large heap after the e2e files). A real leak (a handle that keeps a
  // worker alive) still shows after 5 s.
  workerGracefulExitTimeout: 5000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/timing/'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
      // fails a test that provoked a problem code its operation's OpenAPI description does not list
      setupFilesAfterEnv: ['<rootDir>/test/support/problem-codes-setup.ts'],
      slowTestThreshold: 20,
    },
    {
      // Tests that assert on latency (what a request costs the event loop): `npm test` runs them after the
      // rest, one file at a time (--runInBand), so no other test file competes with them for the CPU.
      ...common,
      displayName: 'timing',
      testMatch: ['<rootDir>/test/timing/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.js',
      globalTeardown: '<rootDir>/test/support/global-teardown.js',
    },
  ],
};
