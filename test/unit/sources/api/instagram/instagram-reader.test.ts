import { describe, expect, it } from 'vitest';
import { InstagramApiConfig } from '../../../../../shared/config/schema.ts';
import { InstagramApiReader } from '../../../../../shared/sources/api/instagram/instagram-reader.ts';
import { normaliseMetaTime } from '../../../../../shared/sources/api/instagram/instagram-schemas.ts';

describe('normaliseMetaTime', () => {
  it("writes Meta's +0000 timestamps as instants the domain schema accepts", () => {
    expect(normaliseMetaTime('2017-05-01T13:21:41+0000')).toBe('2017-05-01T13:21:41.000Z');
    expect(normaliseMetaTime('2017-05-01T15:21:41+0200')).toBe('2017-05-01T13:21:41.000Z');
    expect(normaliseMetaTime('2017-05-01T13:21:41-05:30')).toBe('2017-05-01T18:51:41.000Z');
    expect(normaliseMetaTime('2017-05-01T13:21:41Z')).toBe('2017-05-01T13:21:41.000Z');
  });

  it('refuses what is not an instant', () => {
    for (const bad of ['yesterday', '2017-05-01', '2017-05-01T13:21:41', '2017-13-01T13:21:41+0000', '']) expect(normaliseMetaTime(bad)).toBeUndefined();
  });
});

describe('InstagramApiReader', () => {
  it('asks graph.instagram.com under a version path by default, and the configured host instead when given', async () => {
    const urls: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      urls.push(String(input));
      return new Response(JSON.stringify({ error: { message: 'Error validating access token', code: 190, error_subcode: 463 } }), { status: 400 });
    };
    const config = InstagramApiConfig.parse({ accessToken: { env: 'IG_TOKEN' } });
    await new InstagramApiReader({ sourceId: 'instagram', config, fetch }).read({ now: new Date(), accessToken: 't' }).catch(() => undefined);
    expect(urls[0]).toMatch(/^https:\/\/graph\.instagram\.com\/v\d+\.0\/me\?fields=user_id%2Cusername&access_token=t$/);

    const proxied = InstagramApiConfig.parse({ accessToken: { env: 'IG_TOKEN' }, baseUrl: 'http://127.0.0.1:9/' });
    await new InstagramApiReader({ sourceId: 'instagram', config: proxied, fetch }).read({ now: new Date(), accessToken: 't' }).catch(() => undefined);
    expect(urls[1]).toMatch(/^http:\/\/127\.0\.0\.1:9\/v\d+\.0\/me\?/);
  });
});
