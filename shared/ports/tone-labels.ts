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
  /** Who wrote the reply (`Contact.id` on `sourceId`), when known (labels from the decision page): forget deletes by it. */
  contactId?: string;
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

/** A reply as the decision page reads it from the store: who wrote it and its text (untrusted). */
export interface StoredReply {
  sourceId: string;
  contactId: string;
  interactionId: string;
  at: string;
  text: string;
}

/** What the decision page's label links need of the store (shared/store/dynamo-tone-label-store.ts). */
export interface ReplyLabelStore {
  /** The stored inbound reply with text of this contact, read by its key; null when not stored (expired, forgotten) or not theirs. */
  findReply(profileId: string, reply: { sourceId: string; contactId: string; interactionId: string; at: string }): Promise<StoredReply | null>;
  getLabel(profileId: string, ref: string): Promise<ToneLabel | null>;
  putLabel(profileId: string, label: ToneLabel): Promise<void>;
}
