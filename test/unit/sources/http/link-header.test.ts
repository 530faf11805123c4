import { describe, expect, it } from 'vitest';
import { parseLinkHeader } from '../../../../shared/sources/http/link-header.ts';

describe('parseLinkHeader', () => {
  it('reads the next and prev links of a Mastodon page', () => {
    const header =
      '<https://mastodon.example/api/v1/accounts/1/followers?limit=2&max_id=7>; rel="next", <https://mastodon.example/api/v1/accounts/1/followers?limit=2&since_id=9>; rel="prev"';
    expect(parseLinkHeader(header)).toEqual({
      next: 'https://mastodon.example/api/v1/accounts/1/followers?limit=2&max_id=7',
      prev: 'https://mastodon.example/api/v1/accounts/1/followers?limit=2&since_id=9',
    });
  });

  it('has no next link when the header only carries prev, or is missing', () => {
    expect(parseLinkHeader('<https://m.example/api/v1/favourites?min_id=3>; rel="prev"').next).toBeUndefined();
    expect(parseLinkHeader(null)).toEqual({});
    expect(parseLinkHeader('')).toEqual({});
  });

  it('accepts unquoted rel values and extra parameters', () => {
    expect(parseLinkHeader('<https://m.example/a?max_id=1>; type="application/json"; rel=next')).toEqual({ next: 'https://m.example/a?max_id=1' });
  });
});
