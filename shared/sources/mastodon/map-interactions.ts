import type { Interaction, InteractionKind } from '../../domain/model.ts';
import { htmlToText } from './html-text.ts';
import type { MastodonInnerStatus, MastodonNotification, MastodonStatus } from './mastodon-schemas.ts';

/** The notification types followback asks for (`types[]`), and what each one means. */
export const NOTIFICATION_TYPES = ['favourite', 'reblog', 'mention', 'follow', 'quote'] as const;

const TEXT_MAX = 10000;

function postUrlOf(status: MastodonInnerStatus | null | undefined): string | undefined {
  const url = status?.url ?? status?.uri ?? undefined;
  return url ? url.slice(0, 2048) : undefined;
}

/** Content warning and body, as plain text: what a reader of the reply would see. */
function textOf(status: MastodonInnerStatus): string | undefined {
  const body = htmlToText(status.content);
  const warning = (status.spoiler_text ?? '').trim();
  const text = warning !== '' ? `${warning}\n\n${body}`.trim() : body;
  return text === '' ? undefined : text.slice(0, TEXT_MAX);
}

/** The status's language tag, when it is a plausible one (clients send anything from "en" to "zh-Hant"). */
function langOf(status: MastodonInnerStatus): string | undefined {
  const tag = status.language?.trim().toLowerCase();
  return tag && /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(tag) && tag.length <= 35 ? tag : undefined;
}

function build(fields: { id: string; contactId: string; kind: InteractionKind; direction: Interaction['direction']; at: string; postUrl?: string | undefined; text?: string | undefined; lang?: string | undefined }): Interaction {
  const interaction: Interaction = { id: fields.id, contactId: fields.contactId, kind: fields.kind, direction: fields.direction, at: fields.at };
  if (fields.postUrl) interaction.postUrl = fields.postUrl;
  if (fields.text) interaction.text = fields.text;
  if (fields.text && fields.lang) interaction.lang = fields.lang;
  return interaction;
}

/**
 * A notification → what that account did to you. A `mention` whose status
 * replies to one of your posts is a `reply`; likes and reposts carry no text
 * (the status is your own post, not their words).
 */
export function notificationToInteraction(n: MastodonNotification, ownerId: string): Interaction | undefined {
  const base = { id: `notification:${n.id}`, contactId: n.account.id, direction: 'inbound' as const, at: n.created_at };
  if (n.account.id === ownerId) return undefined;
  switch (n.type) {
    case 'favourite':
      return build({ ...base, kind: 'like', postUrl: postUrlOf(n.status) });
    case 'reblog':
      return build({ ...base, kind: 'repost', postUrl: postUrlOf(n.status) });
    case 'follow':
      return build({ ...base, kind: 'follow' });
    case 'mention': {
      if (!n.status) return undefined;
      const kind: InteractionKind = n.status.in_reply_to_account_id === ownerId ? 'reply' : 'mention';
      return build({ ...base, kind, postUrl: postUrlOf(n.status), text: textOf(n.status), lang: langOf(n.status) });
    }
    case 'quote':
      if (!n.status) return undefined;
      return build({ ...base, kind: 'quote', postUrl: postUrlOf(n.status), text: textOf(n.status), lang: langOf(n.status) });
    default:
      return undefined;
  }
}

/**
 * One of your statuses → what you did to others: a boost is a `repost` of its
 * author; otherwise a `reply` to the account replied to, a `quote` of the quoted
 * author, and a `mention` of everyone else mentioned. Yourself is never a contact.
 */
export function statusToInteractions(status: MastodonStatus, ownerId: string): Interaction[] {
  const at = status.created_at;
  if (status.reblog) {
    const author = status.reblog.account.id;
    if (author === ownerId) return [];
    return [build({ id: `status:${status.id}:repost`, contactId: author, kind: 'repost', direction: 'outbound', at, postUrl: postUrlOf(status.reblog) })];
  }
  const out: Interaction[] = [];
  const postUrl = postUrlOf(status);
  const text = textOf(status);
  const replyTo = status.in_reply_to_account_id ?? undefined;
  if (replyTo && replyTo !== ownerId) {
    out.push(build({ id: `status:${status.id}:reply:${replyTo}`, contactId: replyTo, kind: 'reply', direction: 'outbound', at, postUrl, text }));
  }
  const quoted = status.quote?.quoted_status?.account.id ?? status.quote?.account?.id ?? undefined;
  if (quoted && quoted !== ownerId) {
    out.push(build({ id: `status:${status.id}:quote:${quoted}`, contactId: quoted, kind: 'quote', direction: 'outbound', at, postUrl, text }));
  }
  const seen = new Set([ownerId, replyTo, quoted]);
  for (const mention of status.mentions ?? []) {
    if (seen.has(mention.id)) continue;
    seen.add(mention.id);
    out.push(build({ id: `status:${status.id}:mention:${mention.id}`, contactId: mention.id, kind: 'mention', direction: 'outbound', at, postUrl, text }));
  }
  return out;
}

/**
 * A status you favourited → a `like` of its author. The API does not say when
 * you favourited it, so `at` is the status's own `created_at`: an old post liked
 * today counts as a like on the day it was posted.
 */
export function favouriteToInteraction(status: MastodonStatus, ownerId: string): Interaction | undefined {
  if (status.account.id === ownerId) return undefined;
  return build({ id: `favourite:${status.id}`, contactId: status.account.id, kind: 'like', direction: 'outbound', at: status.created_at, postUrl: postUrlOf(status) });
}
