// Jest runs the unit, integration, engine and browser suites; each test file gets its own
// database through the same code path as the app (src/db), so no mocks of Mongoose.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/esbuild-transform.js' },
  testTimeout: 30000,
  // CI has 2 cores and the suite is CPU-bound (its CPU time exceeds its wall time in band): two
  // workers run two files at once. Jest's default (cores − 1) runs everything in one process there.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
