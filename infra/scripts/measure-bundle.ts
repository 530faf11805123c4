/**
 * Prints the size of the function bundle and its cold import time.
 *
 *   npx tsx infra/scripts/measure-bundle.ts [--runs 7] [--json]
 *
 * It bundles functions/handler.ts with esbuild exactly as the stack does
 * (infra/bundling.ts), and, for comparison, with the AWS SDK left to the
 * runtime. Each import runs in a fresh `node` process (a cold start without
 * the Lambda init around it); the median of the runs is reported. The
 * bundles go to cdk.out/measure/ so the external-SDK variant resolves the
 * SDK from node_modules, as the runtime would from its own copy.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUNDLE, HANDLER_ENTRY } from '../bundling.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BundleFigures {
  variant: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  importMs: number[];
  medianImportMs: number;
  largestInputs: { pkg: string; bytes: number }[];
}

export async function measure(variant: 'sdk-bundled' | 'sdk-from-runtime', runs: number): Promise<BundleFigures> {
  const outdir = join(ROOT, 'cdk.out', 'measure', variant);
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [join(ROOT, HANDLER_ENTRY)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    external: variant === 'sdk-bundled' ? [] : ['@aws-sdk/*'],
    outfile,
    metafile: true,
    logLevel: 'warning',
  });
  const code = readFileSync(outfile);
  const byPackage = new Map<string, number>();
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('index.mjs'))?.[1];
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const pkg = match?.[1] ?? '(followback)';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
  }
  const importMs: number[] = [];
  const url = pathToFileURL(outfile).href;
  const probe = `const t = performance.now(); const m = await import(${JSON.stringify(url)}); if (typeof m.handler !== 'function') throw new Error('no handler export'); console.log(performance.now() - t);`;
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', probe], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
    });
    importMs.push(Number(out.trim()));
  }
  const sorted = [...importMs].sort((a, b) => a - b);
  return {
    variant,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    mapBytes: statSync(`${outfile}.map`).size,
    importMs,
    medianImportMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    largestInputs: [...byPackage.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([pkg, bytes]) => ({ pkg, bytes })),
  };
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`--runs must be an integer from 1 to 50, got "${values.runs}"`);
  const figures = [await measure('sdk-bundled', runs), await measure('sdk-from-runtime', runs)];
  if (values.json) {
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    return;
  }
  process.stdout.write(`Bundle of ${HANDLER_ENTRY} (esbuild, ${BUNDLE.target}, ESM, minified; node ${process.version}, ${runs} cold imports each)\n\n`);
  for (const f of figures) {
    const deployed = (f.variant === 'sdk-bundled') === BUNDLE.bundleAwsSdk ? '  <- deployed' : '';
    process.stdout.write(`${f.variant}${deployed}\n`);
    process.stdout.write(`  index.mjs      ${kb(f.bytes)} (gzip ${kb(f.gzipBytes)}), source map ${kb(f.mapBytes)}\n`);
    process.stdout.write(`  cold import    median ${f.medianImportMs.toFixed(0)} ms (runs: ${f.importMs.map((m) => m.toFixed(0)).join(', ')})\n`);
    process.stdout.write(`  largest parts  ${f.largestInputs.map((i) => `${i.pkg} ${kb(i.bytes)}`).join(', ')}\n\n`);
  }
  process.stdout.write(
    `The stack ${BUNDLE.bundleAwsSdk ? 'bundles' : 'does not bundle'} the AWS SDK (infra/bundling.ts): a bundled SDK is the version the tests ran against, not whatever the runtime ships that month.\n` +
      'The sdk-from-runtime import time here uses this machine\'s node_modules; in Lambda the runtime\'s SDK is also unminified and spread over many files.\n',
  );
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`measure-bundle: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
