// One mocha run for the whole repository: every workspace's tests, TypeScript through tsx.
module.exports = {
  'node-option': ['import=tsx'],
  require: ['test/support/global.ts'],
  spec: [
    'test/**/*.test.ts',
    'app/test/**/*.test.ts',
    'web/test/**/*.test.ts',
    'web/e2e/**/*.e2e.ts',
    'helm/test/**/*.test.ts',
    'dagger/test/**/*.test.ts',
    // The generic modules' own unit tests (dagger/<module>/test).
    'dagger/*/test/**/*.test.ts',
  ],
  extension: ['ts'],
  timeout: 30000,
  reporter: 'spec',
  exit: true,
};
