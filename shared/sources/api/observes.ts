/**
 * What each network's official API lets followback see (NETWORK-EXPORTS.md §3.2, §4.2, §5.2, §8), and
 * what a source that reads both the export and the API sees: the union of the two, where a kind the
 * API sees only in part stays hidden too (so removals stop at `review`).
 *
 *  - Instagram (professional accounts): comments and replies with their author, media you are tagged
 *    in (a mention); likes are a count only.
 *  - Threads: replies (the whole conversation) and mentions with their author; likes, reposts and
 *    quotes are counts only.
 *  - Facebook Pages: comments and reactions with their author on the Page's posts, posts that tag the
 *    Page; shares name nobody.
 *  - X: mentions (replies, mentions, quotes of you) with authors; who liked (at most 100 per post) and
 *    reposted, only for your newest posts: seen in part.
 */
import type { ApiNetwork, EngagementKind, Observability } from '../../domain/model.ts';

export const API_OBSERVES: Readonly<Record<ApiNetwork, Observability>> = {
  instagram: { inbound: ['reply', 'mention'], outbound: [], inboundHidden: ['like'], followDates: 'none' },
  threads: { inbound: ['reply', 'mention'], outbound: [], inboundHidden: ['like', 'repost', 'quote'], followDates: 'none' },
  facebook: { inbound: ['reply', 'like', 'mention'], outbound: [], inboundHidden: ['repost', 'quote'], followDates: 'none' },
  x: { inbound: ['reply', 'mention', 'quote', 'like', 'repost'], outbound: [], inboundHidden: ['like', 'repost'], followDates: 'none' },
};

const ORDER: readonly EngagementKind[] = ['like', 'repost', 'reply', 'quote', 'mention'];
const ordered = (kinds: Iterable<EngagementKind>): EngagementKind[] => {
  const set = new Set(kinds);
  return ORDER.filter((k) => set.has(k));
};

/**
 * An export and an API read together: every kind either sees, and hidden what the network has and
 * neither sees in full (a kind the API sees in full is no longer hidden; one it sees in part stays).
 */
export function combineObserves(exported: Observability, api: Observability): Observability {
  const apiFull = new Set(api.inbound.filter((k) => !(api.inboundHidden ?? []).includes(k)));
  const hidden = ordered([...(exported.inboundHidden ?? []).filter((k) => !apiFull.has(k)), ...(api.inboundHidden ?? [])]);
  return {
    inbound: ordered([...exported.inbound, ...api.inbound]),
    outbound: ordered([...exported.outbound, ...api.outbound]),
    ...(hidden.length > 0 ? { inboundHidden: hidden } : {}),
    followDates: exported.followDates,
  };
}
