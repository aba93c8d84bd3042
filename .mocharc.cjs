// One mocha run for the whole repository: every workspace's tests, TypeScript through tsx.
module.exports = {
  'node-option': ['import=tsx'],
  require: ['test/support/global.ts'],
  spec: ['app/test/**/*.test.ts', 'test/**/*.test.ts'],
  extension: ['ts'],
  timeout: 30000,
  reporter: 'spec',
  exit: true,
};
