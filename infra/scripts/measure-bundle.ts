/**
 * Prints each function bundle's size and its cold import time.
 *
 *   npm run bundle:measure [-- --runs 15] [--json] [--only handler,decide] [--variants]
 *
 * Each function the stack deploys (infra/bundling.ts FUNCTION_ENTRIES) is
 * bundled with esbuild exactly as the stack's NodejsFunction does it (same
 * options, same externals, the same hook commands for the side modules), into
 * cdk.out/measure/<function>/. Then each sample is a fresh `node` process
 * (with the functions' `--enable-source-maps`) that imports index.mjs and
 * nothing else: no handler call, so this is the module graph's parse and
 * evaluation, a cold start without the Lambda init around it. The median and
 * p90 of the samples are printed, in wall time and in the process's CPU time
 * (user + system, all threads), which moves much less than wall time when the
 * machine is busy. The load average is printed before and after: figures
 * taken at a load near the core count are not cold-start figures.
 *
 * `--variants` also measures the handler with the AWS SDK left to the
 * runtime (the comparison behind BUNDLE.bundleAwsSdk).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { BUNDLE, EXTERNAL_MODULES, FUNCTION_ENTRIES, HANDLER_ENTRY, SIDE_MODULES, sideModuleCommands, type FunctionName } from '../bundling.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BundleFigures {
  /** The function's name (FUNCTION_ENTRIES), or the handler's variant for the SDK comparison. */
  variant: string;
  entry: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  /** The side modules shipped beside index.mjs (not parsed at import). */
  sideBytes: number;
  importMs: number[];
  medianImportMs: number;
  p90ImportMs: number;
  importCpuMs: number[];
  medianImportCpuMs: number;
  largestInputs: { pkg: string; bytes: number }[];
}

export interface BundleBuildOptions {
  /** Where index.mjs (and the side modules) go. */
  outdir: string;
  /** Leave the AWS SDK to the runtime instead of bundling it (the comparison only). */
  sdkFromRuntime?: boolean;
  /** Write the files (default); false only computes the metafile. */
  write?: boolean;
}

/** Bundles one entry as the stack does; returns esbuild's metafile and the output's path. */
export async function bundleFunction(entry: string, options: BundleBuildOptions): Promise<{ metafile: Metafile; outfile: string }> {
  const write = options.write ?? true;
  if (write) {
    rmSync(options.outdir, { recursive: true, force: true });
    mkdirSync(options.outdir, { recursive: true });
  }
  const outfile = join(options.outdir, 'index.mjs');
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    external: [...EXTERNAL_MODULES, ...(options.sdkFromRuntime === true ? ['@aws-sdk/*'] : [])],
    outfile,
    metafile: true,
    write,
    logLevel: 'warning',
  });
  // The stack runs these as afterBundling hooks, from the project root.
  if (write) for (const command of sideModuleCommands(ROOT, options.outdir)) execFileSync('bash', ['-c', command], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { metafile: result.metafile, outfile };
}

/** Bytes in the output per package (`(followback)` for this repository's own files). */
export function bytesByPackage(metafile: Metafile): Map<string, number> {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const pkg = match?.[1] ?? '(followback)';
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
    }
  }
  return byPackage;
}

/** One cold import in a fresh process: wall and CPU milliseconds. */
function coldImport(outfile: string): { wallMs: number; cpuMs: number } {
  const url = pathToFileURL(outfile).href;
  const probe =
    `const c = process.cpuUsage(); const t = performance.now(); const m = await import(${JSON.stringify(url)}); const wall = performance.now() - t; const u = process.cpuUsage(c);` +
    `if (typeof m.handler !== 'function') throw new Error('no handler export'); console.log(JSON.stringify({ wallMs: wall, cpuMs: (u.user + u.system) / 1000 }));`;
  const out = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', probe], {
    // Outside the repository, so nothing resolves from its node_modules by accident.
    cwd: '/',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim()) as { wallMs: number; cpuMs: number };
}

/** The value at quantile q (0..1) of the samples, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Bundles one function and imports it `runs` times, each in a fresh process. */
export async function measureFunction(variant: string, entry: string, runs: number, options: { sdkFromRuntime?: boolean } = {}): Promise<BundleFigures> {
  const outdir = join(ROOT, 'cdk.out', 'measure', variant);
  const { metafile, outfile } = await bundleFunction(entry, { outdir, ...options });
  const code = readFileSync(outfile);
  const sideBytes = sideSize(outdir);
  const samples = Array.from({ length: runs }, () => coldImport(outfile));
  const importMs = samples.map((s) => s.wallMs);
  const importCpuMs = samples.map((s) => s.cpuMs);
  return {
    variant,
    entry,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    mapBytes: statSync(`${outfile}.map`).size,
    sideBytes,
    importMs,
    medianImportMs: quantile(importMs, 0.5),
    p90ImportMs: quantile(importMs, 0.9),
    importCpuMs,
    medianImportCpuMs: quantile(importCpuMs, 0.5),
    largestInputs: [...bytesByPackage(metafile).entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([pkg, bytes]) => ({ pkg, bytes })),
  };
}

/** Bytes of the side modules built beside index.mjs. */
function sideSize(outdir: string): number {
  return SIDE_MODULES.reduce((total, m) => total + statSync(join(outdir, 'node_modules', m.pkg, m.file)).size, 0);
}

/**
 * The single-run handler, as `npm run bench` reports it (`bundleKiB`, `coldImportMs`):
 * 'sdk-bundled' is the deployed bundle, 'sdk-from-runtime' the comparison.
 */
export async function measure(variant: 'sdk-bundled' | 'sdk-from-runtime', runs: number): Promise<BundleFigures> {
  return measureFunction(variant, HANDLER_ENTRY, runs, { sdkFromRuntime: variant === 'sdk-from-runtime' });
}

/** The machine a figure was taken on. */
export function machine(): { nproc: number; cpu: string; node: string; loadAverage: string } {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverage: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
const ms = (n: number): string => `${n.toFixed(0)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '11' },
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      variants: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new Error(`--runs must be an integer from 1 to 100, got "${values.runs}"`);
  const names = Object.keys(FUNCTION_ENTRIES) as FunctionName[];
  const only = values.only === undefined ? names : values.only.split(',').map((n) => n.trim());
  for (const n of only) if (!names.includes(n as FunctionName)) throw new Error(`--only: no function "${n}" (the functions: ${names.join(', ')})`);

  const before = machine();
  const figures: BundleFigures[] = [];
  for (const name of only as FunctionName[]) figures.push(await measureFunction(name, FUNCTION_ENTRIES[name], runs));
  if (values.variants) figures.push(await measure('sdk-from-runtime', runs));
  const after = machine();

  if (values.json) {
    const byFunction = (key: (f: BundleFigures) => number): Record<string, number> => Object.fromEntries(figures.map((f) => [f.variant, Math.round(key(f))]));
    process.stdout.write(
      `${JSON.stringify(
        {
          bundleBytes: byFunction((f) => f.bytes),
          sideModuleBytes: byFunction((f) => f.sideBytes),
          coldImportMs: byFunction((f) => f.medianImportMs),
          coldImportP90Ms: byFunction((f) => f.p90ImportMs),
          coldImportCpuMs: byFunction((f) => f.medianImportCpuMs),
          runs,
          machine: { ...before, loadAverageAtEnd: after.loadAverage },
          functions: figures,
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  process.stdout.write(
    `Function bundles (esbuild, ${BUNDLE.target}, ESM, minified, as the stack builds them); ${runs} cold imports each, a fresh node per import\n` +
      `machine: ${before.nproc} cores (${before.cpu}), node ${before.node}, load average ${before.loadAverage} before, ${after.loadAverage} after\n\n`,
  );
  for (const f of figures) {
    process.stdout.write(`${f.variant} (${f.entry})\n`);
    process.stdout.write(`  index.mjs      ${kb(f.bytes)} (gzip ${kb(f.gzipBytes)}), source map ${kb(f.mapBytes)}, side modules ${kb(f.sideBytes)} (loaded on first use)\n`);
    process.stdout.write(`  cold import    median ${ms(f.medianImportMs)}, p90 ${ms(f.p90ImportMs)}; CPU median ${ms(f.medianImportCpuMs)}\n`);
    process.stdout.write(`  largest parts  ${f.largestInputs.map((i) => `${i.pkg} ${kb(i.bytes)}`).join(', ')}\n\n`);
  }
  if (Number(after.loadAverage.split(' ')[0]) > before.nproc / 2) {
    process.stdout.write(`The load average (${after.loadAverage}) is high for ${before.nproc} cores: wall times are inflated; the CPU times less so. Measure again on a quiet machine.\n`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`measure-bundle: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
