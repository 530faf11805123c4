/**
 * The whole-run script (./run-once.ts) bundled as the functions are deployed (esbuild with
 * infra/bundling.ts's settings: ESM, minified, the AWS SDK inside, source maps), so the bench
 * measures the memory of the code a Lambda runs, not of tsx compiling TypeScript on the fly.
 *
 *   tsx test/bench/bundle-run-once.ts   (prints the bundle's path)
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE } from '../../infra/bundling.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles run-once.ts into cdk.out/bench/run-once.mjs; returns that path. */
export async function bundleRunOnce(outdir = join(ROOT, 'cdk.out', 'bench')): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'run-once.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./run-once.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${await bundleRunOnce()}\n`);
}
