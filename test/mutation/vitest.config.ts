import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Mutation testing runs the suite once per mutant, so it uses only the unit
// tests that exercise shared/domain and shared/report: no DynamoDB Local
// globalSetup, no servers, nothing slower than pure functions.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: [
      'test/unit/domain/**/*.test.ts',
      'test/unit/report/**/*.test.ts',
      'test/unit/classify/**/*.test.ts',
      'test/unit/app/**/*.test.ts',
      'test/unit/mutation/**/*.test.ts',
    ],
    // The tone classifier's throughput check measures the machine, and a mutation
    // run loads it: it would fail the initial run while proving nothing about
    // shared/domain or shared/report, which it does not import.
    exclude: ['test/unit/classify/tone.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
  },
});
