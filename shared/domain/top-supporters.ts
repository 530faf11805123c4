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
    .filter(canRank)
    .sort(compareSupporters)
    .slice(0, limit);
  return new Map(ranked.map((c, index) => [c.key, { rank: index + 1, score: c.stats.score }]));
}

/** Only those who engaged in the window, and are neither critics nor outside the audience, are ranked. */
const canRank = (c: SupporterCandidate): boolean => c.stats.score > 0 && !c.excluded;

/** The ranking's order, best first: a total order over distinct keys. */
export function compareSupporters(a: SupporterCandidate, b: SupporterCandidate): number {
  return (
    b.stats.score - a.stats.score ||
    b.stats.inboundInWindow - a.stats.inboundInWindow ||
    compareText(a.handle.toLowerCase(), b.handle.toLowerCase()) ||
    compareText(a.key, b.key)
  );
}

/**
 * The top supporters as candidates are offered one at a time (the same as `topSupporters` of them all, which
 * ranks by a total order): only the best `limit` so far are held, each with what its owner attached, so a
 * million contacts need not all be held until the last is judged.
 */
export class TopSupporters<T> {
  readonly #limit: number;
  /** Best first, at most `limit`. */
  readonly #best: { candidate: SupporterCandidate; value: T }[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(0, Math.floor(limit));
  }

  /** `kept`: the candidate is among the best so far; `dropped`: what this offer put out of them (the candidate's own value when not kept). */
  offer(candidate: SupporterCandidate, value: T): { kept: boolean; dropped: T[] } {
    if (!canRank(candidate) || this.#limit === 0) return { kept: false, dropped: [value] };
    const best = this.#best;
    let at = best.length;
    while (at > 0 && compareSupporters(candidate, (best[at - 1] as { candidate: SupporterCandidate }).candidate) < 0) at -= 1;
    if (at >= this.#limit) return { kept: false, dropped: [value] };
    best.splice(at, 0, { candidate, value });
    const out = best.length > this.#limit ? best.splice(this.#limit) : [];
    return { kept: true, dropped: out.map((o) => o.value) };
  }

  /** What was attached to the best, best first. */
  ranked(): T[] {
    return this.#best.map((b) => b.value);
  }
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
