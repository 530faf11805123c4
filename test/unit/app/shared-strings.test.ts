/**
 * Contacts read back from the store hold one string per distinct repeated value (instants, codes): the
 * same contacts, fewer strings.
 */
import { describe, expect, it } from 'vitest';
import { SharedStrings, StoredContact } from '../../../shared/store/stored-items.ts';

describe('SharedStrings', () => {
  const item = (k: number) =>
    StoredContact.parse(
      JSON.parse(
        JSON.stringify({
          id: `c${k}`, handle: `@c${k}@x.social`, displayName: `C ${k}`, relation: 'mutual', sourceId: 's', platform: 'mastodon',
          firstSeenAt: '2025-01-01T00:00:00.000Z', lastSeenAt: '2026-11-25T08:00:00.000Z', followedAt: '2025-02-01T00:00:00.000Z',
          previousReasons: ['dormant', 'one_sided'], previousRecommendation: 'unfollow', languages: ['en'], labels: ['bot'],
          lifetime: { inbound: 1, outbound: 2, lastInboundAt: '2026-01-01T00:00:00.000Z' },
        }),
      ),
    );

  it('leaves every contact equal to what was parsed, its repeated fields one string each', () => {
    const shared = new SharedStrings();
    const a = item(1);
    const b = item(2);
    const [copyA, copyB] = [structuredClone(a), structuredClone(b)];
    expect(shared.contact(a)).toBe(a);
    shared.contact(b);
    expect(a).toEqual(copyA);
    expect(b).toEqual(copyB);
    expect(Object.keys(a)).toEqual(Object.keys(copyA));
    expect(shared.of(`2025-01-01T00:00:00.${'000Z'}`)).toBe(a.firstSeenAt);
  });

  it('keeps at most its limit of values, and hands any other back as it came', () => {
    const shared = new SharedStrings(2);
    expect(shared.of('a')).toBe('a');
    expect(shared.of('b')).toBe('b');
    expect(shared.of('c')).toBe('c');
    expect(shared.of('a')).toBe('a');
  });
});
