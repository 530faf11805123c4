/**
 * What keeps each function's cold start short, checked without timing
 * anything: the bundle each function deploys (built as the stack builds it,
 * infra/scripts/measure-bundle.ts) stays under a size budget, eld's language
 * tables are never in it (they ship beside it and load on first use), and the
 * pull step carries none of the report's parts. `npm run bundle:measure`
 * prints the sizes and the cold import times themselves.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL_MODULES, FUNCTION_ENTRIES, HANDLER_ENTRY, SIDE_MODULES, type FunctionName } from '../../infra/bundling.ts';
import { bundleFunction } from '../../infra/scripts/measure-bundle.ts';

const run = promisify(execFile);

/**
 * KiB of index.mjs per function, about 10 % above what they were when the
 * tables moved out (handler 1,825, pull step 1,337, report step 1,817,
 * decision page 994). Raising one is a decision: measure the cold import first.
 */
const BUDGET_KIB: Record<FunctionName, number> = { handler: 2000, pullStep: 1500, reportStep: 2000, decide: 1100 };

/**
 * Only a report needs these (the mail, the tone classifiers and their tables, the language
 * detector, the single-run orchestrator); the pull step must not carry them.
 */
const REPORT_ONLY = [
  /node_modules\/nodemailer\//,
  /node_modules\/@aws-sdk\/client-(ses|bedrock-runtime|comprehend)\//,
  /^shared\/classify\/(build-classifiers|bedrock\/|comprehend\/|language\/detect-language|tone\/(lexicon|learned|score))/,
  /^shared\/mail\//,
  /^shared\/app\/run-report\.ts$/,
];

const metafiles = new Map<FunctionName, Metafile>();
const names = Object.keys(FUNCTION_ENTRIES) as FunctionName[];

beforeAll(async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'followback-budget-'));
  for (const name of names) metafiles.set(name, (await bundleFunction(FUNCTION_ENTRIES[name], { outdir: join(outdir, name), write: false })).metafile);
}, 120_000);

function indexOf(name: FunctionName): Metafile['outputs'][string] {
  const output = Object.entries(metafiles.get(name)?.outputs ?? {}).find(([path]) => path.endsWith('index.mjs'))?.[1];
  if (output === undefined) throw new Error(`no index.mjs in ${name}'s metafile`);
  return output;
}

describe('the function bundles', () => {
  it('are the functions the stack deploys', async () => {
    const { DECIDE_ENTRY } = await import('../../infra/constructs/decision-endpoint.ts');
    expect(FUNCTION_ENTRIES.decide).toBe(DECIDE_ENTRY);
  });

  it.each(names)('%s stays under its size budget', (name) => {
    expect(indexOf(name).bytes / 1024).toBeLessThan(BUDGET_KIB[name]);
  });

  it.each(names)("%s does not carry eld's language tables, and loads them only through import() on first use", (name) => {
    const output = indexOf(name);
    expect(Object.keys(output.inputs).filter((path) => path.includes('node_modules/eld/'))).toEqual([]);
    // A static import of a side module would load it at every cold start.
    const sideImports = output.imports.filter((i) => EXTERNAL_MODULES.includes(i.path));
    for (const i of sideImports) expect(i, `${name} imports ${i.path}`).toMatchObject({ external: true, kind: 'dynamic-import' });
    // Only what the functions import is left out: nothing else is external (the AWS SDK is bundled).
    expect(output.imports.filter((i) => i.external && !isBuiltin(i.path) && !EXTERNAL_MODULES.includes(i.path))).toEqual([]);
  });

  it('the functions that report do reach the language tables (so the side module must ship with them)', () => {
    for (const name of ['handler', 'reportStep'] as const) expect(indexOf(name).imports.map((i) => i.path), name).toContain('eld/small');
  });

  it("the pull step carries none of the report's parts", () => {
    const inputs = Object.keys(indexOf('pullStep').inputs);
    expect(inputs.filter((path) => REPORT_ONLY.some((re) => re.test(path)))).toEqual([]);
    // The check can fail: the single-run handler does carry them.
    expect(Object.keys(indexOf('handler').inputs).filter((path) => REPORT_ONLY.some((re) => re.test(path))).length).toBeGreaterThan(3);
  });
});

describe('the side modules beside index.mjs', () => {
  // Outside the repository, as in the Lambda's /var/task: nothing resolves from the repository's node_modules.
  const dir = mkdtempSync(join(tmpdir(), 'followback-asset-'));
  const nodeIn = (script: string) =>
    run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });

  beforeAll(async () => {
    await bundleFunction(HANDLER_ENTRY, { outdir: dir });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("resolve from the function's folder as the code imports them, and detect a language", async () => {
    expect(SIDE_MODULES.map((m) => m.specifier)).toEqual(['eld/small']);
    writeFileSync(join(dir, 'probe.mjs'), "const { eld } = await import('eld/small'); console.log(eld.detect('Buongiorno a tutti, come state oggi? Qui tutto bene').language);\n");
    const { stdout } = await run(process.execPath, [join(dir, 'probe.mjs')], { cwd: dir });
    expect(stdout.trim()).toBe('it');
  });

  it('are not evaluated when the function is imported (a cold start), only when a run asks for them', async () => {
    const marker = join(dir, 'node_modules', 'eld', 'small.mjs');
    writeFileSync(marker, "globalThis.sideModuleEvaluated = true;\nexport const eld = {};\n");
    const importIndex = `await import(${JSON.stringify(join(dir, 'index.mjs'))}); console.log(String(globalThis.sideModuleEvaluated === true));`;
    expect((await nodeIn(importIndex)).stdout.trim()).toBe('false');
    // The probe can see an evaluation: importing the side module itself sets the marker.
    expect((await nodeIn(`${importIndex.replace('console.log', "await import('eld/small'); console.log")}`)).stdout.trim()).toBe('true');
  });
});
