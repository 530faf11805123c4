/**
 * How the function is bundled, in one place: the stack's NodejsFunction and
 * `infra/scripts/measure-bundle.ts` both read it, so the measured bundle is
 * the deployed one.
 *
 * The AWS SDK is bundled (not taken from the runtime): it pins the SDK to the
 * version in package-lock.json that the tests ran against, and esbuild keeps
 * only the clients we use, so the cold start loads one minified file instead
 * of resolving hundreds of runtime modules. Figures: see the README.
 */
export const BUNDLE = {
  target: 'node24',
  minify: true,
  sourceMap: true,
  // Stack traces keep file/line through the map; the sources themselves are left out to keep it small.
  sourcesContent: false,
  mainFields: ['module', 'main'],
  bundleAwsSdk: true,
  // CommonJS dependencies bundled into an ESM file still call `require` for Node built-ins.
  banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
} as const;

/**
 * Left out of index.mjs and shipped beside it, each as one minified file of
 * its own in the asset's node_modules/, where the function's `import()` of
 * the same specifier finds it (Node resolves /var/task/node_modules). A cold
 * start then does not parse it; a run that needs it loads it on first use.
 * eld's `small` n-gram tables are 1.6 MB of object literal: parsing them was
 * ~75 ms of each cold import, and only runs whose profiles set audience
 * languages (or Comprehend) use them (shared/classify/build-classifiers.ts).
 * The stack's NodejsFunction (`externalModules`, an afterBundling hook) and
 * `npm run bundle:measure` both build them with `sideModuleCommands`.
 */
export const SIDE_MODULES = [{ specifier: 'eld/small', pkg: 'eld', subpath: './small', file: 'small.mjs' }] as const;

/** esbuild's `--external` list for the function bundles: the side modules, nothing else (the AWS SDK is bundled). */
export const EXTERNAL_MODULES: readonly string[] = SIDE_MODULES.map((m) => m.specifier);

/**
 * Shell commands (the stack's afterBundling hook runs them) that build each
 * side module into `outputDir/node_modules/<pkg>/` with a package.json whose
 * `exports` maps the specifier's subpath to it. esbuild resolves the package
 * from `inputDir` (the project root), so the version is the lock file's.
 */
export function sideModuleCommands(inputDir: string, outputDir: string): string[] {
  return SIDE_MODULES.flatMap((m) => {
    const dir = `${outputDir}/node_modules/${m.pkg}`;
    const manifest = JSON.stringify({ name: m.pkg, private: true, type: 'module', exports: { [m.subpath]: `./${m.file}` } });
    return [
      `cd ${JSON.stringify(inputDir)} && npx --no-install esbuild ${m.specifier} --bundle --platform=node --format=esm --target=${BUNDLE.target}${BUNDLE.minify ? ' --minify' : ''} --log-level=warning --outfile=${JSON.stringify(`${dir}/${m.file}`)}`,
      `node -e "require('node:fs').writeFileSync(process.argv[1], process.argv[2])" ${JSON.stringify(`${dir}/package.json`)} ${JSON.stringify(manifest)}`,
    ];
  });
}

/** The entry point, relative to the repository root. */
export const HANDLER_ENTRY = 'functions/handler.ts';

/** The Step Functions tasks' entry points: one pull pass, and the report. */
export const PULL_STEP_ENTRY = 'functions/pull-step.ts';
export const REPORT_STEP_ENTRY = 'functions/report-step.ts';

/**
 * Every function the stack deploys, by the name the measurements print. The
 * decision page's entry is DECIDE_ENTRY in infra/constructs/decision-endpoint.ts
 * (a test checks the two agree; importing it here would load aws-cdk-lib).
 */
export const FUNCTION_ENTRIES = {
  handler: HANDLER_ENTRY,
  pullStep: PULL_STEP_ENTRY,
  reportStep: REPORT_STEP_ENTRY,
  decide: 'functions/decide.ts',
} as const;
export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/** The report step's least memory: it holds the whole history (and memory buys CPU). */
export const REPORT_STEP_MIN_MEMORY_MB = 2048;

/**
 * The V8 heap limit a job function runs with: half of its memory. Left to
 * itself V8 sizes the heap from what it takes for the machine's memory and
 * collects garbage lazily below that, so a run's resident size ran far above
 * what it keeps alive (1.15 GB for 100,000 contacts, whose live set is under
 * 400 MB). With the limit the collector works before the function nears its
 * memory; the other half is for code, buffers and the young generation.
 * `npm run bench` runs the whole-run figures with the limit of a 1 GB function.
 */
export function heapLimitMb(memoryMb: number): number {
  return Math.floor(memoryMb / 2);
}

/** NODE_OPTIONS of a job function of this memory size. */
export function nodeOptions(memoryMb: number): string {
  return `--enable-source-maps --max-old-space-size=${heapLimitMb(memoryMb)}`;
}
