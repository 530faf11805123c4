/**
 * Inbound interactions from app.bsky.notification.listNotifications (newest
 * first, by the server's `indexedAt`). Each reason becomes a kind; reasons that
 * are not engagement with the owner (starter packs, verification, ...) are left
 * out. `like-via-repost` / `repost-via-repost` are someone liking or reposting
 * the owner's repost: still engagement with the owner.
 */
import type { Interaction, InteractionKind } from '../../domain/model.ts';
import { postWebUrl } from './at-uri.ts';
import { ListNotificationsOutput, RecordWithText, type Notification } from './lexicon.ts';
import { collectPages, type Collected } from './paging.ts';
import type { BlueskyXrpc } from './xrpc.ts';

const KIND_OF_REASON: Readonly<Record<string, InteractionKind>> = {
  like: 'like',
  'like-via-repost': 'like',
  repost: 'repost',
  'repost-via-repost': 'repost',
  follow: 'follow',
  mention: 'mention',
  reply: 'reply',
  quote: 'quote',
};
const WITH_TEXT = new Set<InteractionKind>(['reply', 'mention', 'quote']);
export const TEXT_MAX = 10_000;

/** A BCP-47 tag as posts carry them (`en`, `pt-BR`, `zh-Hant`): a 2-3 letter language, then short subtags. */
const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/;
const NO_LANGUAGE = new Set(['und', 'mul', 'zxx', 'mis']);

/**
 * The post's first `langs` entry, lower-cased; undefined when it is not a
 * plausible language tag. The field is whatever the posting client wrote
 * (`langs` is free text up to 3 tags), so junk must not reach the audience check.
 */
export function languageTag(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const tag = raw.trim().toLowerCase();
  if (tag.length < 2 || tag.length > 35 || !LANGUAGE_TAG.test(tag)) return undefined;
  // Undetermined, multiple, no linguistic content: tags that name no language.
  const language = tag.split('-')[0] ?? '';
  return NO_LANGUAGE.has(language) ? undefined : tag;
}

export function kindOfReason(reason: string): InteractionKind | undefined {
  return Object.hasOwn(KIND_OF_REASON, reason) ? KIND_OF_REASON[reason] : undefined;
}

/** The interaction a notification stands for; undefined when it is not one (or is the owner's own). */
export function notificationToInteraction(n: Notification, ownerDid: string): Interaction | undefined {
  const kind = kindOfReason(n.reason);
  const at = Date.parse(n.indexedAt);
  if (kind === undefined || Number.isNaN(at) || n.author.did === ownerDid) return undefined;
  const interaction: Interaction = {
    id: `${n.uri}#${kind}`,
    contactId: n.author.did,
    kind,
    direction: 'inbound',
    at: new Date(at).toISOString(),
  };
  // Likes and reposts point at the owner's post (reasonSubject); replies, mentions and quotes are the author's post.
  const postUrl = kind === 'like' || kind === 'repost' ? postWebUrl(n.reasonSubject) : WITH_TEXT.has(kind) ? postWebUrl(n.uri) : undefined;
  if (postUrl !== undefined) interaction.postUrl = postUrl;
  if (WITH_TEXT.has(kind)) {
    const record = RecordWithText.safeParse(n.record);
    if (record.success && record.data.text !== '') interaction.text = record.data.text.slice(0, TEXT_MAX);
    const lang = record.success ? languageTag(record.data.langs?.[0]) : undefined;
    if (lang !== undefined) interaction.lang = lang;
  }
  return interaction;
}

export interface NotificationsRequest {
  ownerDid: string;
  /** `indexedAt` of the newest notification a previous pull returned. */
  seenAt: string | undefined;
  horizonMs: number;
  maxPages: number;
  onPage?(done: number): void;
  signal?: AbortSignal;
}

export interface NotificationsResult extends Collected<Notification> {
  interactions: Interaction[];
  /** Newest `indexedAt` fetched (the next pull's stop point). */
  newestAt?: string;
  /** Oldest `indexedAt` fetched. */
  oldestAt?: string;
  /** When each follower's follow notification was indexed. */
  followerSince: Map<string, string>;
}

export async function pullNotifications(xrpc: BlueskyXrpc, req: NotificationsRequest): Promise<NotificationsResult> {
  const seenMs = req.seenAt === undefined ? undefined : Date.parse(req.seenAt);
  const collected = await collectPages<Notification>({
    maxPages: req.maxPages,
    ...(req.onPage ? { onPage: req.onPage } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
    // Equal to the stop point is kept: a duplicate (same id) is harmless, a miss is not.
    isPast: (n) => {
      const at = Date.parse(n.indexedAt);
      return at < req.horizonMs || (seenMs !== undefined && at < seenMs);
    },
    fetchPage: async (cursor) => {
      const page = await xrpc.query('app.bsky.notification.listNotifications', { limit: 100, cursor }, ListNotificationsOutput);
      return { items: page.notifications, cursor: page.cursor };
    },
  });

  const interactions: Interaction[] = [];
  const followerSince = new Map<string, string>();
  let newest: number | undefined;
  let oldest: number | undefined;
  for (const n of collected.items) {
    const at = Date.parse(n.indexedAt);
    if (!Number.isNaN(at)) {
      newest = newest === undefined ? at : Math.max(newest, at);
      oldest = oldest === undefined ? at : Math.min(oldest, at);
    }
    const interaction = notificationToInteraction(n, req.ownerDid);
    if (!interaction) continue;
    interactions.push(interaction);
    if (interaction.kind === 'follow') {
      const known = followerSince.get(interaction.contactId);
      if (known === undefined || interaction.at < known) followerSince.set(interaction.contactId, interaction.at);
    }
  }
  const result: NotificationsResult = { ...collected, interactions, followerSince };
  if (newest !== undefined) result.newestAt = new Date(newest).toISOString();
  if (oldest !== undefined) result.oldestAt = new Date(oldest).toISOString();
  return result;
}
