import type { InteractionKind } from '../model.ts';
import type { TimedInteraction } from '../interaction-index.ts';
import { kindsEvidence, seesTalk } from '../observability.ts';
import type { ReasonRule } from './rule.ts';

const TALKING_KINDS: ReadonlySet<InteractionKind> = new Set(['reply', 'mention', 'quote']);
export const EXAMPLE_MAX_CHARS = 280;

function isTalking(i: TimedInteraction): boolean {
  return TALKING_KINDS.has(i.kind) && i.text !== undefined && i.text.trim() !== '';
}

/** Cut by code points, so an emoji is never split in half. */
export function truncateExample(text: string): string {
  const chars = Array.from(text);
  return chars.length <= EXAMPLE_MAX_CHARS ? text : `${chars.slice(0, EXAMPLE_MAX_CHARS - 1).join('')}…`;
}

/**
 * Only with a tone classifier. Every inbound interaction we know of is a
 * reply/mention/quote with text, there are at least 2, and more than half are
 * negative. Interpretation: when the store's lifetime count says there were
 * more inbound interactions than we still hold (older ones expired), we cannot
 * know they were all criticism, so nothing is concluded. Only on a source that
 * sees inbound replies, quotes or mentions; where likes or reposts are hidden
 * the evidence says so (they may also like you), and recommend() stops at review.
 */
export const criticOnly: ReasonRule<'critic_only'> = {
  code: 'critic_only',
  basis: 'complete-history',
  observable: ({ observes }) => seesTalk(observes),
  evaluate({ interactions, stats, classifiers, observes }) {
    const tone = classifiers.tone;
    if (tone === undefined) return null;
    const inbound = interactions.filter((i) => i.direction === 'inbound');
    if (inbound.length < 2 || stats.inboundTotal > inbound.length) return null;
    if (!inbound.every(isTalking)) return null;
    let negative = 0;
    let example: TimedInteraction | undefined;
    for (const i of inbound) {
      if (tone(i.text ?? '') !== 'negative') continue;
      negative += 1;
      // The most recent criticism is the example (ties by id, for a stable report).
      if (example === undefined || i.atMs > example.atMs || (i.atMs === example.atMs && i.id < example.id)) example = i;
    }
    if (negative * 2 <= inbound.length || example === undefined) return null;
    return { count: inbound.length, negative, example: truncateExample(example.text ?? ''), exampleAt: example.at, exampleId: example.id, ...kindsEvidence(observes) };
  },
  unavailable: ({ classifiers }) => classifiers.toneFailed === true,
  contradicted: ({ interactions }) => interactions.some((i) => i.direction === 'inbound' && !TALKING_KINDS.has(i.kind)),
};
