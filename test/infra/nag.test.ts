import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it, vi } from 'vitest';
import { FollowbackStack } from '../../infra/followback-stack.ts';
import { EXAMPLE_CONFIG_FILE } from '../../infra/stack-settings.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { synthStack } from './stack-fixture.ts';

/** Every acknowledgement recorded on the construct tree, with its reason. */
function acknowledgements(root: import('constructs').IConstruct): { path: string; id: string; reason: string }[] {
  const found: { path: string; id: string; reason: string }[] = [];
  const visit = (node: import('constructs').IConstruct): void => {
    for (const entry of node.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data) {
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.push({ path: node.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
    node.node.children.forEach(visit);
  };
  visit(root);
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  const { app } = synthStack();

  it('reports no unacknowledged finding, error or warning', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('would report a finding that was not acknowledged (the check is live)', () => {
    const { app: bare, stack } = synthStack();
    // Strip the acknowledgements: the same stack must then fail.
    for (const secret of stack.secrets) {
      (secret.node as unknown as { _metadata: unknown[] })._metadata = [];
    }
    const report = new AwsSolutionsChecks(bare).validateScope(bare);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SMG4');
  });

  it('stays clean on the example config, whose warning annotation is not a nag finding', async () => {
    const examplePath = fileURLToPath(new URL(`../../${EXAMPLE_CONFIG_FILE}`, import.meta.url));
    const config = await loadConfigFile(examplePath);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const example = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    let stack: FollowbackStack;
    let written = '';
    try {
      stack = new FollowbackStack(example, 'Example', { config, configOrigin: examplePath });
      written = stderr.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      stderr.mockRestore();
    }
    expect(written).toContain('copy it to followback.config.json before deploying');
    Annotations.fromStack(stack).hasWarning('/Example', Match.stringLikeRegexp('using followback\\.config\\.example\\.json'));
    const report = new AwsSolutionsChecks(example).validateScope(example);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges every finding with a written reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-/);
      expect(ack.reason.length, `${ack.id} on ${ack.path}`).toBeGreaterThan(60);
    }
  });
});
