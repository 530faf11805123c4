/**
 * Outbound interactions, read from the owner's own repo with
 * com.atproto.repo.listRecords (newest record key first; record keys are TIDs,
 * which sort by creation time):
 *  - app.bsky.feed.like   -> like of the author of `subject.uri`
 *  - app.bsky.feed.repost -> repost of the author of `subject.uri`
 *  - app.bsky.feed.post   -> reply to the author of `reply.parent.uri`; quote of
 *    the author of the embedded record (app.bsky.embed.record, or the record
 *    inside app.bsky.embed.recordWithMedia); mention of every
 *    app.bsky.richtext.facet#mention DID.
 * Anything aimed at the owner (a reply in one's own thread) is not an interaction.
 */
import type { Interaction } from '../../domain/model.ts';
import { authorDid, parseAtUri, postWebUrl, rkeyOf } from './at-uri.ts';
import { EMBED_RECORD, EMBED_RECORD_WITH_MEDIA, ListRecordsOutput, MENTION_FEATURE, PostRecord, SubjectRecord, type RepoRecord } from './lexicon.ts';
import { collectPages, type Collected } from './paging.ts';
import { TEXT_MAX } from './inbound.ts';
import type { BlueskyXrpc } from './xrpc.ts';

export const OWN_COLLECTIONS = {
  likes: 'app.bsky.feed.like',
  reposts: 'app.bsky.feed.repost',
  posts: 'app.bsky.feed.post',
} as const;
export type OwnCollection = keyof typeof OWN_COLLECTIONS;
const RECORDS_PER_PAGE = 100;

/** Interactions one record stands for; `invalid` when the record does not match its lexicon. */
export function recordToInteractions(collection: OwnCollection, record: RepoRecord, ownerDid: string): Interaction[] | 'invalid' {
  if (collection === 'posts') return postToInteractions(record, ownerDid);
  const value = SubjectRecord.safeParse(record.value);
  const at = value.success ? Date.parse(value.data.createdAt) : Number.NaN;
  if (!value.success || Number.isNaN(at)) return 'invalid';
  const target = authorDid(value.data.subject.uri);
  if (target === undefined || target === ownerDid) return [];
  const kind = collection === 'likes' ? 'like' : 'repost';
  const interaction: Interaction = { id: `${record.uri}#${kind}`, contactId: target, kind, direction: 'outbound', at: new Date(at).toISOString() };
  const postUrl = postWebUrl(value.data.subject.uri);
  if (postUrl !== undefined) interaction.postUrl = postUrl;
  return [interaction];
}

function postToInteractions(record: RepoRecord, ownerDid: string): Interaction[] | 'invalid' {
  const value = PostRecord.safeParse(record.value);
  const ms = value.success ? Date.parse(value.data.createdAt) : Number.NaN;
  if (!value.success || Number.isNaN(ms)) return 'invalid';
  const post = value.data;
  const at = new Date(ms).toISOString();
  const postUrl = postWebUrl(record.uri);
  const text = post.text === '' ? undefined : post.text.slice(0, TEXT_MAX);
  const out: Interaction[] = [];
  const credited = new Set<string>([ownerDid]);
  const add = (kind: 'reply' | 'quote' | 'mention', contactId: string, id: string): void => {
    const interaction: Interaction = { id, contactId, kind, direction: 'outbound', at };
    if (postUrl !== undefined) interaction.postUrl = postUrl;
    if (text !== undefined) interaction.text = text;
    out.push(interaction);
    credited.add(contactId);
  };

  const parent = post.reply ? authorDid(post.reply.parent.uri) : undefined;
  if (parent !== undefined && !credited.has(parent)) add('reply', parent, `${record.uri}#reply`);

  const quoted = quotedUri(post);
  const quotedAuthor = quoted !== undefined && parseAtUri(quoted)?.collection === 'app.bsky.feed.post' ? authorDid(quoted) : undefined;
  if (quotedAuthor !== undefined && !credited.has(quotedAuthor)) add('quote', quotedAuthor, `${record.uri}#quote`);

  // A mention of someone already replied to or quoted in the same post is the same gesture, counted once.
  for (const facet of post.facets ?? []) {
    for (const feature of facet.features) {
      if (feature.$type !== MENTION_FEATURE || typeof feature.did !== 'string' || !feature.did.startsWith('did:')) continue;
      if (!credited.has(feature.did)) add('mention', feature.did, `${record.uri}#mention:${feature.did}`);
    }
  }
  return out;
}

function quotedUri(post: PostRecord): string | undefined {
  const embed = post.embed;
  if (!embed?.record) return undefined;
  if (embed.$type === EMBED_RECORD && 'uri' in embed.record) return embed.record.uri;
  if (embed.$type === EMBED_RECORD_WITH_MEDIA && 'record' in embed.record) return embed.record.record.uri;
  return undefined;
}

export interface OwnRecordsRequest {
  ownerDid: string;
  collection: OwnCollection;
  /** Record key of the newest record a previous pull returned. */
  sinceRkey: string | undefined;
  horizonMs: number;
  maxPages: number;
  onPage?(done: number): void;
  signal?: AbortSignal;
}

export interface OwnRecordsResult extends Collected<RepoRecord> {
  interactions: Interaction[];
  /** Record key of the newest record fetched (the next pull's stop point). */
  newestRkey?: string;
  invalid: number;
}

export async function pullOwnRecords(xrpc: BlueskyXrpc, req: OwnRecordsRequest): Promise<OwnRecordsResult> {
  const collected = await collectPages<RepoRecord>({
    maxPages: req.maxPages,
    shortPageEnds: RECORDS_PER_PAGE,
    ...(req.onPage ? { onPage: req.onPage } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
    isPast: (record) => {
      const rkey = rkeyOf(record.uri);
      if (req.sinceRkey !== undefined && rkey !== undefined && rkey.length === req.sinceRkey.length && rkey <= req.sinceRkey) return true;
      const createdAt = createdAtOf(record.value);
      return createdAt !== undefined && createdAt < req.horizonMs;
    },
    fetchPage: async (cursor) => {
      const page = await xrpc.query(
        'com.atproto.repo.listRecords',
        { repo: req.ownerDid, collection: OWN_COLLECTIONS[req.collection], limit: RECORDS_PER_PAGE, cursor },
        ListRecordsOutput,
      );
      return { items: page.records, cursor: page.cursor };
    },
  });

  const interactions: Interaction[] = [];
  let invalid = 0;
  let newestRkey: string | undefined;
  for (const record of collected.items) {
    const rkey = rkeyOf(record.uri);
    if (rkey !== undefined && (newestRkey === undefined || (rkey.length === newestRkey.length && rkey > newestRkey))) newestRkey = rkey;
    const mapped = recordToInteractions(req.collection, record, req.ownerDid);
    if (mapped === 'invalid') invalid++;
    else interactions.push(...mapped);
  }
  const result: OwnRecordsResult = { ...collected, interactions, invalid };
  if (newestRkey !== undefined) result.newestRkey = newestRkey;
  return result;
}

function createdAtOf(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object' || !('createdAt' in value) || typeof value.createdAt !== 'string') return undefined;
  const ms = Date.parse(value.createdAt);
  return Number.isNaN(ms) ? undefined : ms;
}
