/**
 * The owner's corrections of the tone classifier (issue 19, point 3): "this is
 * not criticism" (or "this is criticism") on one reply, stored per profile.
 * A label names the reply by its interaction (`sourceId:interactionId`) or, when
 * only the text is known (the report quotes the text), by a hash of the text.
 */

export const TONE_LABELS = ['not_criticism', 'criticism'] as const;
export type ToneLabelKind = (typeof TONE_LABELS)[number];

export interface ToneLabel {
  /** What the label is stored under: `i:<sourceId>:<interactionId>` or `t:<text hash>` (shared/classify/tone/owner-labels.ts). */
  ref: string;
  sourceId?: string;
  interactionId?: string;
  /** Hash of the normalised text (owner-labels.ts `textHash`), when the label names a text. */
  textHash?: string;
  /** The reply's text as the owner gave it (at most 1,000 characters): what similar replies are compared with. */
  text?: string;
  /** True when `text` was the report's shortened quote (ending in "…"): it names every reply that starts with it. */
  truncated?: boolean;
  label: ToneLabelKind;
  at: string;
  by: 'cli' | 'page';
}

export interface ToneLabelStore {
  /** Stores or replaces the label under its `ref`. */
  putLabel(profileId: string, label: ToneLabel): Promise<void>;
  listLabels(profileId: string): Promise<ToneLabel[]>;
  /** True when a label was there to remove. */
  deleteLabel(profileId: string, ref: string): Promise<boolean>;
}
