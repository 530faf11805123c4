import type { GetSecretValueCommand, GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_SECRET_VALUE, SECRET_CACHE_TTL_MS, SecretsManagerResolver } from '../../shared/secrets/secrets-manager-resolver.ts';

function fakeClient(answer: (id: string) => string | Error) {
  const asked: string[] = [];
  return {
    asked,
    client: {
      async send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput> {
        const id = command.input.SecretId ?? '';
        asked.push(id);
        const a = answer(id);
        if (a instanceof Error) throw a;
        return { $metadata: {}, SecretString: a };
      },
    },
  };
}
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('SecretsManagerResolver', () => {
  it('reads a secret once per cold start, trimmed', async () => {
    const fake = fakeClient(() => '  tok-123\n');
    const resolver = new SecretsManagerResolver({ client: fake.client });
    expect(await resolver.resolve({ secretName: 'followback/ada/mastodon' })).toBe('tok-123');
    expect(await resolver.resolve({ secretName: 'followback/ada/mastodon', env: 'X' })).toBe('tok-123');
    expect(fake.asked).toEqual(['followback/ada/mastodon']);
  });

  it('reads a rotated token again once the 5-minute cache expires, not before', async () => {
    expect(SECRET_CACHE_TTL_MS).toBe(5 * 60 * 1000);
    let value = 'tok-old';
    let clock = 1_000_000;
    const fake = fakeClient(() => value);
    const resolver = new SecretsManagerResolver({ client: fake.client, now: () => clock });
    expect(await resolver.resolve({ secretName: 's1' })).toBe('tok-old');
    value = 'tok-rotated';
    clock += SECRET_CACHE_TTL_MS - 1;
    expect(await resolver.resolve({ secretName: 's1' })).toBe('tok-old');
    expect(fake.asked).toEqual(['s1']);
    clock += 1;
    expect(await resolver.resolve({ secretName: 's1' })).toBe('tok-rotated');
    expect(fake.asked).toEqual(['s1', 's1']);
    // The fresh value is cached for another five minutes from when it was read.
    clock += SECRET_CACHE_TTL_MS - 1;
    expect(await resolver.resolve({ secretName: 's1' })).toBe('tok-rotated');
    expect(fake.asked).toEqual(['s1', 's1']);
  });

  it('refuses an env-only reference with a clear instruction', async () => {
    const resolver = new SecretsManagerResolver({ client: fakeClient(() => 'x').client });
    await expect(resolver.resolve({ env: 'MASTODON_TOKEN' })).rejects.toThrow(/\{"env":"MASTODON_TOKEN"\} has no "secretName": in AWS/);
  });

  it('recognises the placeholder the stack created and says how to put the token', async () => {
    const resolver = new SecretsManagerResolver({ client: fakeClient(() => PLACEHOLDER_SECRET_VALUE).client });
    await expect(resolver.resolve({ secretName: 's1' })).rejects.toThrow(/secret "s1" still holds the placeholder.*put-secret-value --secret-id s1/);
  });

  it.each([
    ['ResourceNotFoundException', /secret "s1" was not found/],
    ['AccessDeniedException', /not allowed to read secret "s1"/],
    ['ThrottlingException', /cannot read secret "s1" \(ThrottlingException\)/],
  ])('names the secret on %s, never the value or the raw message', async (code, message) => {
    const resolver = new SecretsManagerResolver({ client: fakeClient(() => awsError(code, 'raw message with tok-LEAK')).client });
    const error = await resolver.resolve({ secretName: 's1' }).then(
      () => new Error('resolved'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('tok-LEAK');
  });

  it('does not cache a failure: a token put after the first run is read by the next', async () => {
    let value: string | Error = awsError('ResourceNotFoundException', 'no');
    const fake = fakeClient(() => value);
    const resolver = new SecretsManagerResolver({ client: fake.client });
    await expect(resolver.resolve({ secretName: 's1' })).rejects.toThrow();
    value = 'tok-now';
    expect(await resolver.resolve({ secretName: 's1' })).toBe('tok-now');
  });

  it('refuses an empty secret', async () => {
    const resolver = new SecretsManagerResolver({ client: fakeClient(() => '   ').client });
    await expect(resolver.resolve({ secretName: 's1' })).rejects.toThrow(/secret "s1" has no text value/);
  });
});
