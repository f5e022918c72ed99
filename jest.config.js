// ESM + ts-jest, as actions/typescript-action does. Run with
// NODE_OPTIONS=--experimental-vm-modules (the npm scripts set it).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: ['TS151001'] } }
    ]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/build/'],
  // End-to-end tests run real processes against the emulator for a few seconds each,
  // mostly waiting: one worker a core keeps the machine busy.
  testTimeout: 30_000,
  maxWorkers: '100%',
  // dist/ is built from today's src/ before any test runs it (tools/jest-setup.mjs).
  globalSetup: './tools/jest-setup.mjs',
  collectCoverageFrom: ['src/**/*.ts', '!src/stubs/**', '!src/index.ts', '!src/post.ts'],
  verbose: false
}
