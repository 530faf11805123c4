// StrykerJS over the pure core: the domain (judgement) and the report
// (rendering, escaping). Run with `npm run mutation`; the HTML report lands in
// reports/mutation/ (git-ignored).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'shared/domain/**/*.ts',
    'shared/report/**/*.ts',
    // Types only, or a script: nothing to mutate that a test could observe.
    '!shared/domain/rules/rule.ts',
    '!shared/report/print-schema.ts',
  ],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants: the i18n catalogs, zod schemas, the
  // escaping's regexes) cannot be traced to tests, so each one reruns the whole
  // selection: about half the time of a run for a tenth of the mutants. They are
  // reported as Ignored; run a file with `--mutate <file>` and this set to false
  // to judge its constants too.
  ignoreStatic: true,
  // Mutants whose code and tests did not change keep their result: a second run is minutes.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { logTests: false },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Stryker rewrites the tsconfig's extends/references for its sandbox through the
  // TypeScript 5 API, which TypeScript 7 no longer has. Ours has neither, so the
  // rewrite is skipped by pointing Stryker at a file that does not exist.
  tsconfigFile: 'test/mutation/no-tsconfig-rewrite.json',
  tempDirName: 'reports/stryker-tmp',
  // Two cores shared with other work: one test process unless told otherwise (--concurrency N).
  concurrency: 1,
  timeoutMS: 10_000,
  cleanTempDir: 'always',
};
