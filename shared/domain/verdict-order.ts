/** Report order: what needs the owner's action first, then by handle. */
import type { ContactVerdict, Recommendation } from './analysis-types.ts';
import { compareText } from './top-supporters.ts';

const RANK: Record<Recommendation, number> = { unfollow: 0, review: 1, follow_back: 2, keep: 3, no_follow_back: 4 };
/** Former followers (recommendation null) come last. */
const FORMER_RANK = 5;

export function compareVerdicts(a: ContactVerdict, b: ContactVerdict): number {
  const rankA = a.recommendation === null ? FORMER_RANK : RANK[a.recommendation];
  const rankB = b.recommendation === null ? FORMER_RANK : RANK[b.recommendation];
  return rankA - rankB || compareText(a.handle.toLowerCase(), b.handle.toLowerCase()) || compareText(a.key, b.key);
}
