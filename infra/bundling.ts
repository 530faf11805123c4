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
