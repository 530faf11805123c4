/**
 * The owner teaches the tone classifier (issue 19, point 3). Pure, no I/O.
 *
 * Two effects of the owner's labels on a run:
 *  1. Override: a labelled reply (by its interaction, or by its exact text, or
 *     by the report's shortened quote of it) counts as the owner said, whatever
 *     the classifier answers.
 *  2. Adaptation: an unseen reply close enough to a labelled one (cosine
 *     similarity of character 3-grams of the normalised texts ≥
 *     `SIMILAR_AT`) is judged the way the nearest labelled reply was:
 *     `not_criticism` turns a `negative` verdict into `neutral`;
 *     `criticism` turns any other verdict into `negative`. A label only moves
 *     a verdict across the negative line; it never touches the general model.
 *
 * Nearest neighbour rather than a bias on the learned model's features: a
 * profile's labels are few (tens), and a neighbour is an explanation the owner
 * can check ("like the reply you labelled"). Cost: one sparse vector per text,
 * a dot product per (text, label) pair sharing a gram: well under a
 * millisecond per reply for hundreds of labels.
 */
import { createHash } from 'node:crypto';
import type { Tone } from '../../ports/classifiers.ts';
import type { ToneLabel, ToneLabelKind } from '../../ports/tone-labels.ts';

/** Similarity from which an unseen reply follows the nearest label (chosen on training data only: test/eval/eval-owner-labels.ts). */
export const SIMILAR_AT = 0.6;
const GRAM = 3;
/** The report shortens a quote to this many code points, the last being "…" (shared/domain/rules/critic-only.ts). */
const ELLIPSIS = '…';

/** Lower case, accents kept, runs of spaces as one, trimmed: what "the same text" means for a label. */
export function normaliseLabelText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** The stable short id of a reply's text: 16 hex digits of SHA-256 of the normalised text. */
export function textHash(text: string): string {
  return createHash('sha256').update(normaliseLabelText(text)).digest('hex').slice(0, 16);
}

/** The sort-key reference of a label naming one interaction. */
export function interactionRef(sourceId: string, interactionId: string): string {
  return `i:${sourceId}:${interactionId}`;
}

/** The reference of a label naming a text. */
export function textRef(text: string): string {
  return `t:${textHash(text)}`;
}

/** A text as the report quoted it, shortened ("…" at the end): the part before the ellipsis. */
export function quotedPrefix(text: string): string | undefined {
  const t = text.trimEnd();
  return t.endsWith(ELLIPSIS) ? normaliseLabelText(t.slice(0, -ELLIPSIS.length)) : undefined;
}

type Vector = Map<string, number>;

function gramVector(text: string): { v: Vector; norm: number } {
  const chars = Array.from(` ${normaliseLabelText(text)} `);
  const v: Vector = new Map();
  for (let i = 0; i + GRAM <= chars.length; i++) {
    const g = `${chars[i]}${chars[i + 1]}${chars[i + 2]}`;
    v.set(g, (v.get(g) ?? 0) + 1);
  }
  let sq = 0;
  for (const c of v.values()) sq += c * c;
  return { v, norm: Math.sqrt(sq) };
}

/** Cosine similarity of the character 3-grams of two texts (0..1). */
export function textSimilarity(a: string, b: string): number {
  return cosine(gramVector(a), gramVector(b));
}

function cosine(a: { v: Vector; norm: number }, b: { v: Vector; norm: number }): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const [small, large] = a.v.size <= b.v.size ? [a.v, b.v] : [b.v, a.v];
  let dot = 0;
  for (const [g, c] of small) dot += c * (large.get(g) ?? 0);
  return dot / (a.norm * b.norm);
}

/** How a label moves a verdict: only across the negative line. */
export function applyLabel(verdict: Tone | undefined, label: ToneLabelKind): Tone | undefined {
  if (label === 'not_criticism') return verdict === 'negative' ? 'neutral' : verdict;
  return 'negative';
}

export interface OwnerTeaching {
  /** The verdict on this text after the owner's labels: exact labels first, then the nearest similar label. */
  adjust(text: string, verdict: Tone | undefined, interaction?: { sourceId: string; interactionId: string }): Tone | undefined;
  /** Why: `exact`, `similar` or undefined (no label applies). */
  reason(text: string, interaction?: { sourceId: string; interactionId: string }): { kind: 'exact' | 'similar'; label: ToneLabelKind; similarity: number } | undefined;
  readonly size: number;
}

/**
 * The profile's labels as a correction of the classifier's verdicts.
 * `textsOfInteractions` gives the text of a label that names an interaction
 * (from the run's history): without it such a label overrides only that
 * interaction and teaches nothing about similar replies.
 */
export function ownerTeaching(labels: readonly ToneLabel[], options: { similarAt?: number; textsOfInteractions?: ReadonlyMap<string, string> } = {}): OwnerTeaching {
  const similarAt = options.similarAt ?? SIMILAR_AT;
  // Newest label wins where two name the same reply.
  const ordered = [...labels].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const byInteraction = new Map<string, ToneLabelKind>();
  const byHash = new Map<string, ToneLabelKind>();
  const prefixes: { prefix: string; label: ToneLabelKind }[] = [];
  const neighbours: { vec: { v: Vector; norm: number }; label: ToneLabelKind }[] = [];
  for (const l of ordered) {
    let text = l.text;
    if (l.sourceId !== undefined && l.interactionId !== undefined) {
      byInteraction.set(`${l.sourceId}:${l.interactionId}`, l.label);
      text ??= options.textsOfInteractions?.get(`${l.sourceId}:${l.interactionId}`);
    }
    if (l.textHash !== undefined) byHash.set(l.textHash, l.label);
    if (text !== undefined && text.trim() !== '') {
      const prefix = l.truncated === true ? quotedPrefix(text) : undefined;
      if (prefix !== undefined && prefix !== '') prefixes.push({ prefix, label: l.label });
      if (l.textHash === undefined && prefix === undefined) byHash.set(textHash(text), l.label);
      neighbours.push({ vec: gramVector(prefix ?? text), label: l.label });
    }
  }
  const index = new Map<string, number[]>();
  neighbours.forEach((n, i) => {
    for (const [g, c] of n.vec.v) {
      const postings = index.get(g);
      if (postings === undefined) index.set(g, [i, c]);
      else postings.push(i, c);
    }
  });
  const dots = new Float64Array(neighbours.length);
  const exact = (text: string, interaction?: { sourceId: string; interactionId: string }): ToneLabelKind | undefined => {
    if (interaction !== undefined) {
      const hit = byInteraction.get(`${interaction.sourceId}:${interaction.interactionId}`);
      if (hit !== undefined) return hit;
    }
    if (byHash.size > 0) {
      const hit = byHash.get(textHash(text));
      if (hit !== undefined) return hit;
    }
    if (prefixes.length > 0) {
      const n = normaliseLabelText(text);
      for (let i = prefixes.length - 1; i >= 0; i--) {
        const p = prefixes[i];
        if (p !== undefined && n.startsWith(p.prefix)) return p.label;
      }
    }
    return undefined;
  };
  const reason: OwnerTeaching['reason'] = (text, interaction) => {
    const hit = exact(text, interaction);
    if (hit !== undefined) return { kind: 'exact', label: hit, similarity: 1 };
    if (neighbours.length === 0) return undefined;
    const vec = gramVector(text);
    if (vec.norm === 0) return undefined;
    // Dot products through the inverted index: only the labels sharing a gram are touched.
    dots.fill(0);
    for (const [g, c] of vec.v) {
      const postings = index.get(g);
      if (postings === undefined) continue;
      for (let p = 0; p < postings.length; p += 2) {
        const at = postings[p] ?? 0;
        dots[at] = (dots[at] ?? 0) + c * (postings[p + 1] ?? 0);
      }
    }
    let best: { label: ToneLabelKind; similarity: number } | undefined;
    for (let i = 0; i < neighbours.length; i++) {
      const n = neighbours[i];
      if (n === undefined || n.vec.norm === 0) continue;
      const s = (dots[i] ?? 0) / (vec.norm * n.vec.norm);
      if (s >= similarAt && (best === undefined || s >= best.similarity)) best = { label: n.label, similarity: s };
    }
    return best === undefined ? undefined : { kind: 'similar', ...best };
  };
  return {
    size: labels.length,
    reason,
    adjust(text, verdict, interaction) {
      const r = reason(text, interaction);
      return r === undefined ? verdict : applyLabel(verdict, r.label);
    },
  };
}
