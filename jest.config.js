/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Jest's default is cores - 1, one worker on a 2-core machine; the tests mostly wait on child processes.
  maxWorkers: 2,
  // A safety limit for tests that run the app and the cdktf CLI on a busy machine, not a speed check.
  testTimeout: 60_000,
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // @swc/jest strips types only (tsc checks them in `npm test`); ts-jest took 1.5x as long on this
  // suite and cannot use TypeScript 7, which has no JavaScript compiler API.
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  // PostgreSQL and MariaDB for the SQL tests, started once per run (scripts/test-databases.sh).
  globalSetup: '<rootDir>/scripts/jest-global-setup.js',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/cdktf.out/'],
};
