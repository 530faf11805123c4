/**
 * A deterministic synthetic community for benchmarks and size tests: N
 * contacts, M interactions spread over ~700 days, a share of them replies and
 * mentions with text (so the tone and audience rules have words to read).
 * No randomness: the same (N, M, now) always gives the same input.
 */
import { Audience, Policy } from '../../shared/config/schema.ts';
import type { AnalysisInput, TrackedContact } from '../../shared/domain/analysis-types.ts';
import type { Interaction } from '../../shared/domain/model.ts';

export const KINDS = ['like', 'repost', 'reply', 'quote', 'mention'] as const;
const TEXTS = [
  'Thanks, this helped a lot with my setup.',
  'I disagree, this is a bad idea and it will break things.',
  'Great thread, sharing with my team.',
  'Wrong again. You never test anything.',
];

export function syntheticContact(k: number, now: Date, sourceId = 's'): TrackedContact {
  return {
    id: `c${k}`,
    handle: `@c${k}@bench.social`,
    displayName: `Contact ${k}`,
    bio: '',
    relation: k % 3 === 0 ? 'follower' : k % 3 === 1 ? 'following' : 'mutual',
    state: 'active',
    sourceId,
    platform: 'mastodon',
    firstSeenAt: '2025-01-01T00:00:00.000Z',
    lastSeenAt: now.toISOString(),
  };
}

/** Interaction number `k` of a community of `contacts`: every 10th reply or mention carries a text. */
export function syntheticInteraction(k: number, contacts: number, now: Date, sourceId = 's'): Interaction & { sourceId: string } {
  const kind = KINDS[k % 5] ?? 'like';
  const base = {
    id: `i${k}`,
    sourceId,
    contactId: `c${(k * 7919) % contacts}`,
    kind,
    direction: k % 4 === 0 ? ('outbound' as const) : ('inbound' as const),
    at: new Date(now.getTime() - ((k % 2100) / 3) * 86_400_000).toISOString(),
  };
  return (kind === 'reply' || kind === 'mention') && k % 10 < 2 ? { ...base, text: TEXTS[k % TEXTS.length] ?? '' } : base;
}

/** Plain interactions (tests reshape them); `syntheticLog` gives the columns a run loads from the store. */
export function syntheticInput(contacts: number, interactions: number, now: Date): AnalysisInput & { interactions: (Interaction & { sourceId: string })[]; previous: TrackedContact[] } {
  const current = Array.from({ length: contacts }, (_, k) => syntheticContact(k, now));
  return {
    now: now.toISOString(),
    policy: Policy.parse({}),
    audience: Audience.parse({}),
    decisions: { allowlist: [], snoozed: [] },
    sources: [{ sourceId: 's', platform: 'mastodon', contacts: 'complete', interactions: 'complete', historySince: '2025-01-01T00:00:00.000Z', previousContactsComplete: true, problems: [] }],
    current,
    previous: current.slice(0, contacts - Math.floor(contacts / 20)),
    interactions: Array.from({ length: interactions }, (_, k) => syntheticInteraction(k, contacts, now)),
  };
}
