import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load-config.ts';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Annotations as AssertAnnotations, Match } from 'aws-cdk-lib/assertions';
import { EXAMPLE_CONFIG_WARNING_ID, resolveConfigPath, stackSettings, warnIfExampleConfig } from '../../infra/stack-settings.ts';
import { testConfigInput } from './stack-fixture.ts';

const settingsOf = (input: ReturnType<typeof testConfigInput>) => stackSettings(parseConfig(input, 'test'), 'test.json');

describe('stack settings from the config', () => {
  it('collect each referenced secret name once and the configured retention', () => {
    const s = settingsOf(testConfigInput());
    expect(s.secretNames).toEqual(['followback/ada/bluesky', 'followback/ada/mastodon']);
    expect(s.logRetention).toBe(RetentionDays.TWO_WEEKS);
    expect(s.sesConfigurationSet).toBe('followback-events');
    expect(s.recipients).toEqual(['ada@example.org', 'bob@example.org']);
    expect(s.sesRegion).toBeUndefined();
  });

  it('carry delivery.region for SES', () => {
    expect(settingsOf(testConfigInput({ delivery: { type: 'ses', region: 'eu-west-1' } })).sesRegion).toBe('eu-west-1');
  });

  it('refuse a config without a deploy section, saying what to add', () => {
    const input = testConfigInput();
    delete input.deploy;
    expect(() => settingsOf(input)).toThrow(/test\.json: a "deploy" section is needed.*sesIdentity/);
  });

  it('name every field that cannot be deployed, with its path', () => {
    const input = testConfigInput({ deploy: { sesIdentity: 'other.example', logRetentionDays: 10 } });
    const first = input.profiles[0];
    if (!first) throw new Error('fixture has profiles');
    first.schedule = { expression: 'cron(0 7 * * ? *)', timezone: 'Mars/Olympus' };
    first.sources = [{ type: 'mastodon', instanceUrl: 'https://m.example', accessToken: { env: 'ONLY_LOCAL' } }];
    let message = '';
    try {
      settingsOf(input);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('deploy.logRetentionDays: 10 is not a CloudWatch Logs retention');
    expect(message).toContain('profiles[0].report.sender: "reports@mail.example.com" is not covered by deploy.sesIdentity "other.example"');
    expect(message).toContain('profiles[1].report.sender');
    expect(message).toContain('profiles[0].schedule.timezone: "Mars/Olympus"');
    expect(message).toContain('profiles[0].sources[0]: the secret reference needs "secretName"');
  });

  it('accept an address identity only for that exact sender', () => {
    const input = testConfigInput({ deploy: { sesIdentity: 'reports@mail.example.com' } });
    expect(() => settingsOf(input)).toThrow(/profiles\[1\]\.report\.sender: "bob@mail\.example\.com"/);
  });
});

describe('the config file the CDK app reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'followback-cfgpath-'));

  it('is the -c config=FILE context when given, relative to the working directory', () => {
    expect(resolveConfigPath('configs/prod.json', dir)).toBe(join(dir, 'configs/prod.json'));
  });

  it('falls back to the example when there is no followback.config.json, and prefers the real one', () => {
    expect(resolveConfigPath(undefined, dir)).toBe(join(dir, 'followback.config.example.json'));
    writeFileSync(join(dir, 'followback.config.json'), '{}');
    expect(resolveConfigPath(undefined, dir)).toBe(join(dir, 'followback.config.json'));
  });
});

describe('the example config', () => {
  const stackWith = (configPath: string) => {
    const stack = new Stack(new App(), 'S');
    new CfnWaitConditionHandle(stack, 'AnyResource');
    const written: string[] = [];
    const warned = warnIfExampleConfig(stack, configPath, (text) => written.push(text));
    return { stack, written, warned };
  };

  it('is announced on stderr and as a CDK warning annotation on the stack', () => {
    const { stack, written, warned } = stackWith('/repo/followback.config.example.json');
    expect(warned).toBe(true);
    expect(written.join('')).toContain('using followback.config.example.json: copy it to followback.config.json before deploying');
    AssertAnnotations.fromStack(stack).hasWarning('/S', Match.stringLikeRegexp('using followback\\.config\\.example\\.json: copy it to followback\\.config\\.json before deploying'));
    const ids = stack.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(ids.join('\n')).toContain(`[ack: ${EXAMPLE_CONFIG_WARNING_ID}]`);
  });

  it('is not mentioned for the real config', () => {
    const { stack, written, warned } = stackWith('/repo/followback.config.json');
    expect(warned).toBe(false);
    expect(written).toEqual([]);
    AssertAnnotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
