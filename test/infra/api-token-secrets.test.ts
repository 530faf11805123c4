/**
 * The official APIs' token secrets: created and read like the other tokens, and the ones a pull
 * refreshes (Instagram, Threads, X with a refresh token) writable by the functions that pull, with
 * `secretsmanager:PutSecretValue` on exactly those secrets.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/load-config.ts';
import type { ConfigInput } from '../../shared/config/schema.ts';
import { stackSettings } from '../../infra/stack-settings.ts';
import { synthStack, testConfigInput } from './stack-fixture.ts';

const IG = 'followback/ada/instagram';
const THREADS = 'followback/ada/threads';
const PAGE = 'followback/ada/facebook-page';
const X_ACCESS = 'followback/ada/x-access';
const X_REFRESH = 'followback/ada/x-refresh';

function apiConfigInput(): ConfigInput {
  const input = testConfigInput();
  const ada = input.profiles[0];
  if (ada === undefined) throw new Error('the fixture has a first profile');
  ada.sources = [
    ...ada.sources,
    { type: 'instagram', id: 'instagram', exports: 'exports/instagram', api: { accessToken: { file: 'secrets/instagram-token', secretName: IG } } },
    { type: 'threads', id: 'threads', exports: 'exports/threads', api: { accessToken: { env: 'THREADS_TOKEN', secretName: THREADS } } },
    { type: 'facebook', id: 'facebook', exports: 'exports/facebook', api: { accessToken: { secretName: PAGE }, pageId: '1234567890' } },
    { type: 'x', id: 'x', exports: 'exports/x', api: { accessToken: { secretName: X_ACCESS }, refreshToken: { secretName: X_REFRESH }, clientId: 'cid' } },
  ];
  return input;
}

describe('stack settings for API tokens', () => {
  it('create every API token secret, and list as writable only those a pull refreshes', () => {
    const settings = stackSettings(parseConfig(apiConfigInput(), 'test config'), 'test config');
    expect(settings.secretNames).toEqual([PAGE, IG, 'followback/ada/bluesky', 'followback/ada/mastodon', THREADS, X_ACCESS, X_REFRESH].sort());
    expect(settings.writableSecretNames).toEqual([IG, THREADS, X_ACCESS, X_REFRESH]);
  });

  it('an X access token without a refresh token is only read', () => {
    const input = apiConfigInput();
    const x = input.profiles[0]?.sources.find((s) => s.type === 'x');
    if (x?.type !== 'x' || x.api === undefined) throw new Error('the fixture has an X source');
    delete x.api.refreshToken;
    const settings = stackSettings(parseConfig(input, 'test config'), 'test config');
    expect(settings.writableSecretNames).toEqual([IG, THREADS]);
    expect(settings.secretNames).toContain(X_ACCESS);
  });

  it('refuses to deploy an API token reference without a secretName', () => {
    const input = apiConfigInput();
    const ig = input.profiles[0]?.sources.find((s) => s.type === 'instagram');
    if (ig?.type !== 'instagram' || ig.api === undefined) throw new Error('the fixture has an Instagram source');
    ig.api.accessToken = { file: 'secrets/instagram-token' };
    expect(() => stackSettings(parseConfig(input, 'test config'), 'test config')).toThrow('profiles[0].sources[2].api.accessToken: the secret reference needs "secretName" in AWS');
  });
});

describe('the deployed stack', () => {
  const { stack, template } = synthStack(parseConfig(apiConfigInput(), 'test config'));
  const resources = template.toJSON()['Resources'] as Record<string, { Properties: Record<string, unknown> }>;
  const idOf = (construct: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const roleOf = (fnId: string): string => (resources[fnId]?.Properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const secretIds = new Map(Object.entries(template.findResources('AWS::SecretsManager::Secret')).map(([id, s]) => [(s['Properties'] as { Name?: string }).Name, id]));
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => {
    const props = p['Properties'] as { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] }; Roles: unknown };
    return props.PolicyDocument.Statement.map((s) => ({ ...s, roles: props.Roles }));
  });
  const puts = statements.filter((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('secretsmanager:PutSecretValue'));

  it('lets the functions that pull put a new value in the refreshed token secrets, and nothing else', () => {
    expect(puts).toHaveLength(2);
    const expected = [IG, THREADS, X_ACCESS, X_REFRESH].map((name) => ({ Ref: secretIds.get(name) }));
    for (const put of puts) {
      expect(put.Action).toBe('secretsmanager:PutSecretValue');
      expect(put.Resource).toEqual(expected);
    }
    expect(new Set(puts.map((s) => JSON.stringify(s.roles)))).toEqual(new Set([[{ Ref: roleOf(idOf(stack.fn)) }], [{ Ref: roleOf(idOf(stack.pullStep)) }]].map((r) => JSON.stringify(r))));
  });

  it('never lets anything write the Facebook Page token or the other networks\' tokens', () => {
    const written = JSON.stringify(puts.map((s) => s.Resource));
    for (const name of [PAGE, 'followback/ada/mastodon', 'followback/ada/bluesky']) expect(written).not.toContain(`"${secretIds.get(name)}"`);
  });

  it('gives the report step and the decision page no write on any token', () => {
    const writers = new Set(puts.map((s) => JSON.stringify(s.roles)));
    for (const fn of [stack.reportStep, stack.decisions.fn]) expect(writers.has(JSON.stringify([{ Ref: roleOf(idOf(fn)) }]))).toBe(false);
  });
});
