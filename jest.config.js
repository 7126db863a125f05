/**
 * The whole suite runs twice, once per build of the one source (issue 14): `cdktf` (CDK for
 * Terraform, `dist/`) and `cdktn` (CDK Terrain: the imports of `cdktf` and `@cdktf/…` renamed, as
 * scripts/build-cdktn.js renames them for the cdktn package in `build/cdktn/`). In the cdktn
 * project Jest maps those imports for the tests and lib/ alike, and CLICKPIPES_FRAMEWORK=cdktn
 * (__tests__/framework-env.ts) makes the processes the tests start (the app, its bins, the CLI)
 * use the cdktn build and CLI.
 */
/** @type {import('jest').Config} */
const project = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // @swc/jest strips types only (tsc checks them in `npm test`); ts-jest took 1.5x as long on this
  // suite and cannot use TypeScript 7, which has no JavaScript compiler API.
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/cdktf.out/', '<rootDir>/build/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Jest's default is cores - 1, one worker on a 2-core machine; the tests mostly wait on child processes.
  maxWorkers: 2,
  // A safety limit for tests that run the app and the cdktf CLI on a busy machine, not a speed check.
  testTimeout: 60_000,
  // PostgreSQL and MariaDB for the SQL tests, started once per run (scripts/test-databases.sh), and
  // a Node.js for cdktn-cli (scripts/node22.js).
  globalSetup: '<rootDir>/scripts/jest-global-setup.js',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  projects: [
    {
      ...project,
      displayName: 'cdktf',
      setupFiles: ['<rootDir>/__tests__/framework-env.ts'],
      snapshotResolver: '<rootDir>/scripts/jest-snapshots-cdktf.js',
    },
    {
      ...project,
      displayName: 'cdktn',
      setupFiles: ['<rootDir>/__tests__/framework-env.ts'],
      // The renames of the cdktn package's build, the same table.
      moduleNameMapper: require('./scripts/build-cdktn').moduleNameMapper(),
      snapshotResolver: '<rootDir>/scripts/jest-snapshots-cdktn.js',
    },
  ],
};
