/** A deployable config with two profiles and every option the stack reads, and a synthesized stack of it. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../../shared/config/load-config.ts';
import type { Config, ConfigInput } from '../../shared/config/schema.ts';
import { FollowbackStack } from '../../infra/followback-stack.ts';

export function testConfigInput(overrides: { deploy?: ConfigInput['deploy']; delivery?: ConfigInput['delivery'] } = {}): ConfigInput {
  return {
    profiles: [
      {
        id: 'ada',
        sources: [
          { type: 'mastodon', id: 'mastodon', instanceUrl: 'https://mastodon.example', accessToken: { env: 'MASTODON_TOKEN', secretName: 'followback/ada/mastodon' } },
          { type: 'bluesky', id: 'bluesky', handle: 'ada.bsky.social', appPassword: { secretName: 'followback/ada/bluesky' } },
        ],
        report: { recipients: ['ada@example.org'], sender: 'reports@mail.example.com' },
        schedule: { expression: 'cron(0 7 ? * MON *)', timezone: 'Europe/Rome' },
      },
      {
        id: 'bob',
        sources: [
          { type: 'demo', id: 'demo' },
          // Shares a secret with ada's: the stack must create it once.
          { type: 'mastodon', id: 'work', instanceUrl: 'https://work.example', accessToken: { secretName: 'followback/ada/mastodon' } },
        ],
        report: { recipients: ['bob@example.org'], sender: 'bob@mail.example.com' },
        schedule: { expression: 'rate(1 day)', timezone: 'UTC', enabled: false },
      },
    ],
    delivery: overrides.delivery ?? { type: 'ses', configurationSet: 'followback-events' },
    deploy: overrides.deploy ?? {
      stackName: 'FollowbackTest',
      sesIdentity: 'mail.example.com',
      alarmEmail: 'ops@example.org',
      logRetentionDays: 14,
      memoryMb: 512,
      timeoutSeconds: 300,
    },
  };
}

export function testConfig(overrides: Parameters<typeof testConfigInput>[0] = {}): Config {
  return parseConfig(testConfigInput(overrides), 'test config');
}

/**
 * Synthesizes without running esbuild (`aws:cdk:bundling-stacks: []`): the
 * template is the same, the asset is a placeholder. The real bundle is built
 * by the `cdk synth` test.
 */
export function synthStack(config: Config = testConfig()): { app: App; stack: FollowbackStack; template: Template } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FollowbackStack(app, config.deploy?.stackName ?? 'Followback', { config, configOrigin: 'test config' });
  return { app, stack, template: Template.fromStack(stack) };
}
