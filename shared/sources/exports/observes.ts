/**
 * What each network's official export lets followback see (NETWORK-EXPORTS.md §0).
 * No export of these networks lists other people's likes or comments on the
 * owner's posts, so inbound engagement is invisible (judged: silence is never
 * concluded, removals stop at `review`) except Facebook's notifications, which
 * are a partial trace: kept only for a while and not for every kind, so a
 * Facebook removal stops at `review` too.
 */
import type { Observability } from '../../domain/model.ts';
import type { ExportNetwork } from './export-types.ts';

/** Instagram: your likes (posts, comments, stories) and comments; follow dates both ways; nothing inbound. */
export const INSTAGRAM_EXPORT_OBSERVES: Observability = {
  inbound: [],
  outbound: ['like', 'reply'],
  inboundHidden: ['like', 'reply', 'mention'],
  followDates: 'both',
};

/** Threads (inside Meta's export or alone): your likes only; follow dates both ways; nothing inbound. */
export const THREADS_EXPORT_OBSERVES: Observability = {
  inbound: [],
  outbound: ['like'],
  inboundHidden: ['like', 'repost', 'reply', 'quote', 'mention'],
  followDates: 'both',
};

/**
 * Facebook: inbound comments, reactions, shares and mentions only as far as
 * `notifications.json` names them (partial: Facebook keeps notifications for a
 * limited time); a share with your own words on it (a quote) is not told apart,
 * so it stays hidden and removals stop at `review`. Outbound: your comments and
 * reactions. Dates: friends, followers and who you follow all carry them.
 */
export const FACEBOOK_EXPORT_OBSERVES: Observability = {
  inbound: ['like', 'repost', 'reply', 'mention'],
  outbound: ['like', 'reply'],
  inboundHidden: ['like', 'repost', 'reply', 'quote', 'mention'],
  followDates: 'both',
};

/** X archive: your replies, mentions and retweets (likes have no author); follower ids without dates; nothing inbound. */
export const X_EXPORT_OBSERVES: Observability = {
  inbound: [],
  outbound: ['repost', 'reply', 'mention'],
  inboundHidden: ['like', 'repost', 'reply', 'quote', 'mention'],
  followDates: 'none',
};

/** LinkedIn: connections (mutual) with the day they connected; reactions and comments name no author; nothing inbound. */
export const LINKEDIN_EXPORT_OBSERVES: Observability = {
  inbound: [],
  outbound: [],
  inboundHidden: ['like', 'repost', 'reply', 'mention'],
  followDates: 'both',
};

/** TikTok: your likes and comments where the link names the author; follow dates both ways; nothing inbound. */
export const TIKTOK_EXPORT_OBSERVES: Observability = {
  inbound: [],
  outbound: ['like', 'reply'],
  inboundHidden: ['like', 'repost', 'reply', 'mention'],
  followDates: 'both',
};

export const EXPORT_OBSERVES: Readonly<Record<ExportNetwork, Observability>> = {
  instagram: INSTAGRAM_EXPORT_OBSERVES,
  threads: THREADS_EXPORT_OBSERVES,
  facebook: FACEBOOK_EXPORT_OBSERVES,
  x: X_EXPORT_OBSERVES,
  linkedin: LINKEDIN_EXPORT_OBSERVES,
  tiktok: TIKTOK_EXPORT_OBSERVES,
};

/**
 * Files that carry what an export sees, per network: an export downloaded without them (the owner
 * unticked "Your activity" or "Logged information") sees less than its network's declaration, and
 * the pull says so (`SourcePull.observes`) so nothing is judged from what it could not hold.
 * TikTok (one file) and LinkedIn (nothing seen) are not narrowed.
 */
const ACTIVITY_FILES: Readonly<Partial<Record<ExportNetwork, { inbound?: RegExp; outbound?: RegExp }>>> = {
  instagram: { outbound: /(^|\/)(liked_posts|liked_comments|post_comments|reels_comments|story_likes|likes|comments)(_\d+)?\.json$/i },
  threads: { outbound: /(^|\/)liked_threads(_\d+)?\.json$/i },
  facebook: {
    inbound: /(^|\/)notifications(_\d+)?\.json$/i,
    outbound: /(^|\/)(comments|likes_and_reactions)(_\d+)?\.json$/i,
  },
  x: { outbound: /(^|\/)tweets?(-part\d+)?\.js$/i },
};

/** What this export could see, when it is less than its network's declaration (undefined when it is not). */
export function narrowedObserves(network: ExportNetwork, filesRead: readonly string[]): Observability | undefined {
  const declared = EXPORT_OBSERVES[network];
  const files = ACTIVITY_FILES[network];
  if (files === undefined) return undefined;
  const noInbound = files.inbound !== undefined && declared.inbound.length > 0 && !filesRead.some((f) => files.inbound?.test(f));
  const noOutbound = files.outbound !== undefined && declared.outbound.length > 0 && !filesRead.some((f) => files.outbound?.test(f));
  if (!noInbound && !noOutbound) return undefined;
  return {
    inbound: noInbound ? [] : [...declared.inbound],
    outbound: noOutbound ? [] : [...declared.outbound],
    inboundHidden: [...new Set([...(declared.inboundHidden ?? []), ...(noInbound ? declared.inbound : [])])],
    followDates: declared.followDates,
  };
}
