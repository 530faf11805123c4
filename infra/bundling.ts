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

/** The entry point, relative to the repository root. */
export const HANDLER_ENTRY = 'functions/handler.ts';

/** The Step Functions tasks' entry points: one pull pass, and the report. */
export const PULL_STEP_ENTRY = 'functions/pull-step.ts';
export const REPORT_STEP_ENTRY = 'functions/report-step.ts';

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
