import type { AccountState, Contact, Relation } from '../../domain/model.ts';
import { htmlToText } from './html-text.ts';
import type { MastodonAccount } from './mastodon-schemas.ts';

/** `alice` on your.instance → `@alice@your.instance`; remote `bob@other.social` → `@bob@other.social`. */
export function handleOf(acct: string, instanceDomain: string): string {
  const bare = acct.replace(/^@/, '');
  return `@${bare.includes('@') ? bare : `${bare}@${instanceDomain}`}`;
}

/** `2019-11-17` (Mastodon ≥ 3.1) → `2019-11-17T00:00:00.000Z`; older servers send a datetime. */
export function lastPostInstant(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

function count(value: number | null | undefined): number | undefined {
  // Servers that hide their social graph report -1 (or nothing); that is "unknown", not zero.
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

function httpUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

export function accountToContact(account: MastodonAccount, relation: Relation, instanceDomain: string): Contact {
  let state: AccountState = 'active';
  let movedTo: string | undefined;
  if (account.suspended === true) state = 'suspended';
  else if (account.moved) {
    state = 'moved';
    movedTo = handleOf(account.moved.acct, instanceDomain).slice(0, 512);
  }
  const labels = [...(account.bot ? ['bot'] : []), ...(account.group ? ['group'] : [])];
  const contact: Contact = {
    id: account.id,
    handle: handleOf(account.acct, instanceDomain).slice(0, 512),
    displayName: (account.display_name ?? '').slice(0, 2048),
    bio: htmlToText(account.note).slice(0, 20000),
    relation,
    state,
  };
  const profileUrl = httpUrl(account.url);
  if (profileUrl) contact.profileUrl = profileUrl;
  const lastPostAt = lastPostInstant(account.last_status_at);
  if (lastPostAt) contact.lastPostAt = lastPostAt;
  if (movedTo) contact.movedTo = movedTo;
  const posts = count(account.statuses_count);
  if (posts !== undefined) contact.postsCount = posts;
  const followers = count(account.followers_count);
  if (followers !== undefined) contact.followersCount = followers;
  const following = count(account.following_count);
  if (following !== undefined) contact.followingCount = following;
  if (labels.length > 0) contact.labels = labels;
  return contact;
}

/** Followers and following become one contact list; an account in both is `mutual`. */
export function mergeRelations(followers: readonly MastodonAccount[], following: readonly MastodonAccount[], instanceDomain: string): Contact[] {
  const followerIds = new Set(followers.map((a) => a.id));
  const followingIds = new Set(following.map((a) => a.id));
  const byId = new Map<string, MastodonAccount>();
  for (const account of [...following, ...followers]) if (!byId.has(account.id)) byId.set(account.id, account);
  return [...byId.values()].map((account) => {
    const relation: Relation = followerIds.has(account.id) && followingIds.has(account.id) ? 'mutual' : followingIds.has(account.id) ? 'following' : 'follower';
    return accountToContact(account, relation, instanceDomain);
  });
}
