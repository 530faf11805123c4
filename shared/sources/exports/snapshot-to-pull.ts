/**
 * One export's snapshot (what the parser read) in followback's terms: contacts
 * with their relation and follow dates, and interactions with stable ids. Pure:
 * no I/O, the same snapshot always gives the same pull.
 *
 * Identities, per network:
 *  - Instagram, Threads, TikTok: the username, lower-cased (they are case-insensitive), as `@name`;
 *  - X: `x:<numeric id>` (the archive's follow lists hold ids only), with the handle where the archive
 *    names it (mentions, replies), else `x:<id>` and its profile link by id;
 *  - LinkedIn: the profile slug (`linkedin.com/in/<slug>`); a connection without a URL (a hidden
 *    profile) by name plus the day you connected;
 *  - Facebook: the export has NO ids or usernames, only display names, so a contact is keyed by name
 *    plus follow date (homonyms stay apart). Someone who renames themselves, or unfriends and
 *    befriends again, reads as a new contact: nothing better exists in the export.
 *
 * People who appear only in activity or notifications are not contacts, and the owner never is. An
 * interaction is kept only when it is about a contact; on Facebook a name matches a contact when it is
 * exactly one contact's display name: an ambiguous or unknown name is counted, never guessed.
 */
import { createHash } from 'node:crypto';
import type { Completeness, Contact, Interaction, Relation, SourcePull } from '../../domain/model.ts';
import type { ExportInteraction, ExportList, ExportNetwork, ExportPerson, ExportSnapshot, ExportTie } from './export-types.ts';

export interface SnapshotToPullOptions {
  sourceId: string;
  /** The export as the owner knows it (file or folder name), for problems. */
  label: string;
}

type ListName = 'mutuals' | 'following' | 'followers';

/** Lists a network's export must hold for its contact list to say who is gone. */
const NEEDED: Readonly<Record<ExportNetwork, readonly ListName[]>> = {
  instagram: ['followers', 'following'],
  threads: ['followers', 'following'],
  tiktok: ['followers', 'following'],
  x: ['followers', 'following'],
  facebook: ['mutuals'],
  linkedin: ['mutuals'],
};

const LIST_WORDS: Readonly<Record<ListName, string>> = { mutuals: 'friends/connections', following: 'following', followers: 'followers' };

interface Identity {
  id: string;
  handle: string;
  displayName: string;
  profileUrl?: string;
  /** The key interactions are matched and hashed by (stable across exports). */
  personKey: string;
}

interface Draft {
  identity: Identity;
  mutuals?: ExportTie;
  following?: ExportTie;
  followers?: ExportTie;
}

const lower = (s: string): string => s.trim().replace(/^@/, '').toLowerCase();

function urlOrNothing(url: string): string | undefined {
  return URL.canParse(url) ? url : undefined;
}

/** Where a contact's handle links to on its network (Facebook: nowhere, the export names no profile). */
export function profileUrlOf(network: ExportNetwork, person: { handle?: string; id?: string }): string | undefined {
  const handle = person.handle !== undefined ? lower(person.handle) : undefined;
  switch (network) {
    case 'instagram':
      return handle ? urlOrNothing(`https://www.instagram.com/${encodeURIComponent(handle)}`) : undefined;
    case 'threads':
      return handle ? urlOrNothing(`https://www.threads.net/@${encodeURIComponent(handle)}`) : undefined;
    case 'tiktok':
      return handle ? urlOrNothing(`https://www.tiktok.com/@${encodeURIComponent(handle)}`) : undefined;
    case 'x':
      if (handle) return urlOrNothing(`https://x.com/${encodeURIComponent(handle)}`);
      return person.id !== undefined ? urlOrNothing(`https://x.com/i/user/${encodeURIComponent(person.id)}`) : undefined;
    case 'linkedin':
      return handle ? urlOrNothing(`https://www.linkedin.com/in/${encodeURIComponent(handle)}`) : undefined;
    case 'facebook':
      return undefined;
  }
}

const day = (iso: string | undefined): string => (iso === undefined ? 'undated' : iso.slice(0, 10));

/** Who a person of the export is, as a contact id and handle; undefined when the network's key is missing. */
function identityOf(network: ExportNetwork, person: ExportPerson, since: string | undefined): Identity | undefined {
  const displayName = person.displayName?.trim() ?? '';
  const withUrl = (identity: Omit<Identity, 'profileUrl'>, url: string | undefined): Identity => (url === undefined ? identity : { ...identity, profileUrl: url });
  switch (network) {
    case 'instagram':
    case 'threads':
    case 'tiktok': {
      if (person.handle === undefined || lower(person.handle) === '') return undefined;
      const name = lower(person.handle);
      return withUrl({ id: name, handle: `@${name}`, displayName, personKey: name }, profileUrlOf(network, { handle: name }));
    }
    case 'x': {
      const handle = person.handle !== undefined && lower(person.handle) !== '' ? lower(person.handle) : undefined;
      if (person.id !== undefined) {
        const id = `x:${person.id}`;
        return withUrl({ id, handle: handle !== undefined ? `@${handle}` : id, displayName, personKey: id }, profileUrlOf('x', { ...(handle !== undefined ? { handle } : {}), id: person.id }));
      }
      if (handle === undefined) return undefined;
      // Named without an id (never in a follow list): matched to a contact by handle, else kept by it.
      return withUrl({ id: `x:@${handle}`, handle: `@${handle}`, displayName, personKey: `@${handle}` }, profileUrlOf('x', { handle }));
    }
    case 'linkedin': {
      if (person.handle !== undefined && lower(person.handle) !== '') {
        const slug = lower(person.handle);
        return withUrl({ id: slug, handle: slug, displayName, personKey: slug }, profileUrlOf('linkedin', { handle: slug }));
      }
      if (displayName === '') return undefined;
      return { id: `name:${displayName}@${day(since)}`, handle: displayName, displayName, personKey: `name:${displayName}` };
    }
    case 'facebook': {
      if (displayName === '') return undefined;
      // No ids in a Facebook export: name plus the day the tie began.
      return { id: `${displayName}@${day(since)}`, handle: displayName, displayName, personKey: displayName };
    }
  }
}

function isOwner(network: ExportNetwork, owner: ExportPerson | undefined, person: ExportPerson): boolean {
  if (owner === undefined) return false;
  if (owner.id !== undefined && person.id !== undefined && owner.id === person.id) return true;
  if (owner.handle !== undefined && person.handle !== undefined && lower(owner.handle) === lower(person.handle)) return true;
  if (network === 'facebook' && owner.displayName !== undefined && person.displayName !== undefined && owner.displayName.trim() === person.displayName.trim()) return true;
  return false;
}

/** An interaction id that stays the same when the same export, or a later one repeating the record, is read again. */
export function exportInteractionId(network: ExportNetwork, interaction: Pick<ExportInteraction, 'kind' | 'direction' | 'at' | 'postUrl'>, personKey: string): string {
  const key = [network, interaction.kind, interaction.direction, new Date(interaction.at).toISOString(), personKey, interaction.postUrl ?? ''].join('|');
  return `${network}-${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 24)}`;
}

function relationOf(draft: Draft): Relation {
  if (draft.mutuals !== undefined || (draft.following !== undefined && draft.followers !== undefined)) return 'mutual';
  return draft.following !== undefined ? 'following' : 'follower';
}

function contactOf(draft: Draft): Contact {
  const relation = relationOf(draft);
  const followedAt = draft.following?.since ?? draft.mutuals?.since;
  const followerSince = draft.followers?.since ?? draft.mutuals?.since;
  const { identity } = draft;
  return {
    id: identity.id,
    handle: identity.handle,
    displayName: identity.displayName,
    bio: '',
    ...(identity.profileUrl !== undefined ? { profileUrl: identity.profileUrl } : {}),
    relation,
    ...(relation !== 'follower' && followedAt !== undefined ? { followedAt } : {}),
    ...(relation !== 'following' && followerSince !== undefined ? { followerSince } : {}),
    state: 'active',
  };
}

export function snapshotToPull(snapshot: ExportSnapshot, options: SnapshotToPullOptions): SourcePull {
  const { network } = snapshot;
  const problems: string[] = [];

  // Contacts: friends/connections first (their ids win), then who you follow, then your followers.
  const drafts = new Map<string, Draft>();
  const byName = new Map<string, Draft[]>();
  let unreadable = 0;
  const lists: [ListName, ExportList | null][] = [
    ['mutuals', snapshot.mutuals],
    ['following', snapshot.following],
    ['followers', snapshot.followers],
  ];
  for (const [name, list] of lists) {
    if (list === null) continue;
    // Facebook: how often each name occurs in this list (a homonym cannot be joined across lists).
    const namesInList = new Map<string, number>();
    if (network === 'facebook') for (const tie of list.ties) namesInList.set(tie.person.displayName?.trim() ?? '', (namesInList.get(tie.person.displayName?.trim() ?? '') ?? 0) + 1);
    for (const tie of list.ties) {
      if (isOwner(network, snapshot.owner, tie.person)) {
        continue;
      }
      const identity = identityOf(network, tie.person, tie.since);
      if (identity === undefined) {
        unreadable += 1;
        continue;
      }
      let draft = drafts.get(identity.id);
      if (draft === undefined && network === 'facebook') {
        // The same person in two lists carries two dates: joined by name when each side has that name once.
        const sameName = (byName.get(identity.displayName) ?? []).filter((d) => d[name] === undefined);
        if (sameName.length === 1 && namesInList.get(identity.displayName) === 1 && (byName.get(identity.displayName) ?? []).length === 1) draft = sameName[0];
      }
      if (draft === undefined) {
        draft = { identity };
        drafts.set(identity.id, draft);
        byName.set(identity.displayName, [...(byName.get(identity.displayName) ?? []), draft]);
      } else if (draft.identity.displayName === '' && identity.displayName !== '') {
        draft.identity = { ...draft.identity, displayName: identity.displayName };
      }
      if (draft[name] === undefined) draft[name] = tie;
    }
  }
  if (unreadable > 0) problems.push(`${options.label}: ${unreadable} people in the lists have no usable ${network === 'facebook' ? 'name' : 'username or id'} and were left out`);
  const contacts = [...drafts.values()].map(contactOf);

  // Completeness: every list the network needs is there, and every list read is whole.
  let complete = unreadable === 0;
  for (const [name, list] of lists) {
    if (list === null) {
      if (NEEDED[network].includes(name)) {
        complete = false;
        problems.push(`${options.label}: the export holds no ${LIST_WORDS[name]} list; nothing is concluded about who left (include "Followers and following" / "Connections" when you download it)`);
      }
      continue;
    }
    if (!list.complete) {
      complete = false;
      problems.push(`${options.label}: ${list.problem ?? `the ${LIST_WORDS[name]} list is incomplete; nothing is concluded from it`}`);
    }
  }

  // Interactions: only about contacts; Facebook names matched to exactly one contact.
  const byPersonKey = new Map<string, Contact[]>();
  for (const draft of drafts.values()) {
    const keys = new Set([draft.identity.personKey]);
    if (network === 'x' && draft.identity.handle.startsWith('@')) keys.add(draft.identity.handle);
    for (const key of keys) byPersonKey.set(key, [...(byPersonKey.get(key) ?? []), contactOf(draft)]);
  }
  const interactions: Interaction[] = [];
  const seen = new Set<string>();
  let unmatched = 0;
  let ambiguous = 0;
  for (const record of snapshot.interactions) {
    if (isOwner(network, snapshot.owner, record.person)) continue;
    const identity = identityOf(network, record.person, undefined);
    if (identity === undefined) {
      unmatched += 1;
      continue;
    }
    let matches = byPersonKey.get(identity.personKey) ?? [];
    if (matches.length === 0 && network === 'x' && identity.handle.startsWith('@')) matches = byPersonKey.get(identity.handle) ?? [];
    if (matches.length > 1) {
      ambiguous += 1;
      continue;
    }
    const [contact] = matches;
    if (contact === undefined) {
      // Not a contact: a stranger, a removed friend. Counted on Facebook (names are all there is), dropped elsewhere.
      if (network === 'facebook') unmatched += 1;
      continue;
    }
    const id = exportInteractionId(network, record, identity.personKey);
    if (seen.has(id)) continue;
    seen.add(id);
    interactions.push({
      id,
      contactId: contact.id,
      kind: record.kind,
      direction: record.direction,
      at: new Date(record.at).toISOString(),
      ...(record.postUrl !== undefined && record.postUrl !== '' ? { postUrl: record.postUrl.slice(0, 2048) } : {}),
      ...(record.text !== undefined && record.text !== '' ? { text: record.text.slice(0, 10000) } : {}),
    });
  }
  if (ambiguous > 0) problems.push(`${options.label}: ${ambiguous} interactions name someone who matches several contacts (same name); not counted, never guessed`);
  if (unmatched > 0 && network === 'facebook') problems.push(`${options.label}: ${unmatched} interactions name someone who matches no contact (not a friend or follower, or a renamed one); not counted`);
  for (const warning of snapshot.warnings) problems.push(`${options.label}: ${warning}`);

  const ownerHandle = snapshot.owner?.handle ?? snapshot.owner?.displayName ?? snapshot.owner?.id ?? options.sourceId;
  const ownerId = snapshot.owner?.id ?? snapshot.owner?.handle ?? ownerHandle;
  const contactsCompleteness: Completeness = complete ? 'complete' : 'partial';
  return {
    sourceId: options.sourceId,
    platform: network,
    takenAt: new Date(snapshot.exportedAt).toISOString(),
    owner: { id: ownerId, handle: ownerHandle },
    contacts,
    interactions,
    contactsCompleteness,
    interactionsCompleteness: 'complete',
    cursor: new Date(snapshot.exportedAt).toISOString(),
    problems,
    requests: 0,
  };
}
