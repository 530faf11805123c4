import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load-config.ts';
import { testConfigInput } from './stack-fixture.ts';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * The real thing, offline: `npx cdk synth` runs the app through cdk.json
 * (tsx), reads the config file, bundles the function with the local esbuild,
 * and runs cdk-nag as a validation plugin, which fails the synth on any
 * unacknowledged finding.
 */
describe('npx cdk synth', () => {
  it('synthesizes offline with the config given as context, bundling the function and passing cdk-nag', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'followback-synth-'));
    const configFile = join(dir, 'deploy.config.json');
    writeFileSync(configFile, JSON.stringify(testConfigInput()));
    const out = join(dir, 'cdk.out');

    const result = await run('npx', ['cdk', 'synth', '--quiet', '--output', out, '-c', `config=${configFile}`], {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
      timeout: 170_000,
    }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`cdk synth failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    });
    expect(result.stderr).not.toMatch(/AwsSolutions-/);

    const template = JSON.parse(readFileSync(join(out, 'FollowbackTest.template.json'), 'utf8')) as { Resources: Record<string, { Type: string }> };
    // The single-run function, the two steps of a firing and the decision page, each its own bundle.
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')).toHaveLength(4);
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toHaveLength(2);
    const validation = JSON.parse(readFileSync(join(out, 'validation-report.json'), 'utf8')) as { pluginReports: { conclusion: string }[] };
    expect(validation.pluginReports.filter((r) => r.conclusion !== 'success')).toEqual([]);

    const assetDirs = readdirSync(out)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => join(out, d))
      .filter((d) => existsSync(join(d, 'index.mjs')));
    expect(assetDirs).toHaveLength(4);
    // Every bundle loads on its own and exports its handler.
    for (const dir2 of assetDirs) {
      const loaded = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(join(dir2, 'index.mjs')).href)}); console.log(typeof m.handler);`], {
        cwd: dir,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      expect(loaded.stdout.trim(), dir2).toBe('function');
    }
    const assetDir = assetDirs[0];
    expect(assetDir, 'the bundled function asset').toBeDefined();
    const asset = assetDir as string;

    // The config shipped in the bundle is the validated one, and parses again with the same schema.
    const shipped = JSON.parse(readFileSync(join(asset, 'followback.config.json'), 'utf8')) as unknown;
    expect(parseConfig(shipped, 'bundled config')).toEqual(parseConfig(testConfigInput(), 'test config'));

    // Minified ESM with a source map, the SDK inside (no import of @aws-sdk left for the runtime).
    const code = readFileSync(join(asset, 'index.mjs'), 'utf8');
    // Minified: lines are thousands of characters long on average (template literals keep a few newlines).
    expect(code.length / code.split('\n').length).toBeGreaterThan(2000);
    expect(code).toMatch(/sourceMappingURL=index\.mjs\.map/);
    expect(existsSync(join(asset, 'index.mjs.map'))).toBe(true);
    expect(code).not.toMatch(/from\s*"@aws-sdk\//);

    // The bundle loads on its own and exports the handler.
    const probe = await run(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(join(asset, 'index.mjs')).href)}); console.log(typeof m.handler);`], {
      cwd: dir,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(probe.stdout.trim()).toBe('function');
  });
});
