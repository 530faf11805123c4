/**
 * The most engaged inbound contacts of the window, by weighted score; ties go
 * to more inbound interactions, then to the handle (alphabetical), then to the
 * key, so the ranking is stable run to run.
 */
import type { ContactStats } from './analysis-types.ts';
import type { EvidenceOf } from './evidence.ts';
import type { TimedInteraction } from './interaction-index.ts';
import { truncateExample } from './rules/critic-only.ts';

export interface SupporterCandidate {
  key: string;
  handle: string;
  stats: ContactStats;
  /** Critics and contacts outside the audience are never listed as supporters, however much they engage. */
  excluded: boolean;
}

export function topSupporters(candidates: readonly SupporterCandidate[], limit: number): Map<string, EvidenceOf<'top_supporter'>> {
  const ranked = candidates
    .filter((c) => c.stats.score > 0 && !c.excluded)
    .sort(
      (a, b) =>
        b.stats.score - a.stats.score ||
        b.stats.inboundInWindow - a.stats.inboundInWindow ||
        compareText(a.handle.toLowerCase(), b.handle.toLowerCase()) ||
        compareText(a.key, b.key),
    )
    .slice(0, limit);
  return new Map(ranked.map((c, index) => [c.key, { rank: index + 1, score: c.stats.score }]));
}

/** Code-unit order: the same on every machine, unlike locale collation. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const TALKING = new Set(['reply', 'mention', 'quote']);

/**
 * What the report quotes of a supporter: their most recent inbound reply,
 * mention or quote with text inside the window (ties by id), with its id, so
 * the owner can say "this is criticism" of that very reply. Null when they
 * wrote nothing the window holds.
 */
export function supporterExample(interactions: readonly TimedInteraction[], windowStartMs: number, nowMs: number): Pick<EvidenceOf<'top_supporter'>, 'example' | 'exampleAt' | 'exampleId'> | null {
  let latest: TimedInteraction | undefined;
  for (const i of interactions) {
    if (i.direction !== 'inbound' || !TALKING.has(i.kind) || i.text === undefined || i.text.trim() === '') continue;
    if (i.atMs < windowStartMs || i.atMs > nowMs) continue;
    if (latest === undefined || i.atMs > latest.atMs || (i.atMs === latest.atMs && i.id < latest.id)) latest = i;
  }
  return latest === undefined ? null : { example: truncateExample(latest.text ?? ''), exampleAt: latest.at, exampleId: latest.id };
}
