import { z } from 'zod';
import type { Figures } from './analysis-types.ts';

const Count = z.number().int().nonnegative();
const Share = z.number().min(0).max(1);

/** Headline figures of one run, as they travel outside the process (report JSON, run records). */
export const FiguresSchema = z.object({
  following: Count,
  followers: Count,
  mutuals: Count,
  engagedFollowingShare: Share,
  engagedFollowerShare: Share,
  engagedFollowing: Count,
  engagedFollowers: Count,
  suggestedUnfollows: Count,
  suggestedReviews: Count,
  suggestedFollowBacks: Count,
  newFollowers: Count,
  lostFollowers: Count,
  inboundInWindow: Count,
  outboundInWindow: Count,
});

// Fails to compile if the schema and the `Figures` interface drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const figuresSchemaMatches: Same<z.infer<typeof FiguresSchema>, Figures> = true;
