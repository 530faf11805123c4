/**
 * What an account of the demo world looks like at an instant: identity,
 * profile, state and posting activity, all derived from its tenure.
 */
import type { AccountState, Contact } from '../../domain/model.ts';
import {
  BIOS_EN,
  BIOS_IT,
  FIRST_NAMES,
  FOREIGN_PROFILES,
  INSTANCES,
  LAST_NAMES,
  OFF_TOPIC_BIOS,
  TRICKY_DISPLAY_NAMES,
} from './demo-text.ts';
import { PERSONA_SPECS } from './personas.ts';
import { Salt, WeightedTable, between, hash, pickFrom, unit } from './prng.ts';
import { DAY_MS, relationAt, type Tenure } from './timeline.ts';

export const DEMO_WEB = 'https://demo.followback.invalid';

export interface Identity {
  id: string;
  handle: string;
  /** The handle's user part, used in post URLs. */
  user: string;
  displayName: string;
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

export function identityOf(tenure: Tenure): Identity {
  const { key } = tenure;
  const id = `${hex8(hash(key, Salt.accountId))}${hex8(hash(key, Salt.accountId2))}`;
  if (tenure.reserved) {
    const user = tenure.reserved.handle.slice(1).split('@')[0] as string;
    return { id, handle: tenure.reserved.handle, user, displayName: tenure.reserved.displayName };
  }
  const first = pickFrom(FIRST_NAMES, unit(key, Salt.firstName));
  const last = pickFrom(LAST_NAMES, unit(key, Salt.lastName));
  // Most handles carry a number, as on real networks, which keeps them (almost always) unique.
  const suffixDraw = unit(key, Salt.handleSuffix);
  const suffix = suffixDraw < 0.15 ? '' : String(1 + Math.floor(((suffixDraw - 0.15) / 0.85) * 998));
  const instance = pickFrom(INSTANCES, unit(key, Salt.instance));
  const user = `${first}.${last}${suffix}`;
  const style = unit(key, Salt.displayStyle);
  const displayName = style < 0.012 ? pickFrom(TRICKY_DISPLAY_NAMES, style / 0.012) : `${capitalise(first)} ${capitalise(last)}`;
  return { id, handle: `@${user}@${instance}`, user, displayName };
}

interface Profile {
  bio: string;
  languages?: string[];
}

const IN_AUDIENCE_LANGUAGES = new WeightedTable({ en: 55, it: 20, 'it+en': 12, 'en+it': 5, unknown: 8 });

function profileOf(tenure: Tenure): Profile {
  if (tenure.reserved) return { bio: tenure.reserved.bio, languages: [...tenure.reserved.languages] };
  const { key } = tenure;
  const audience = unit(key, Salt.audience);
  const bioDraw = unit(key, Salt.bio);
  if (tenure.persona === 'spam') return { bio: pickFrom(OFF_TOPIC_BIOS, bioDraw) };
  // About one account in eleven is outside the owner's audience: another language, or an unrelated trade.
  if (audience < 0.063) {
    const foreign = pickFrom(FOREIGN_PROFILES, bioDraw);
    return { bio: foreign.bio, languages: [...foreign.languages] };
  }
  if (audience < 0.09) return { bio: pickFrom(OFF_TOPIC_BIOS, bioDraw), languages: ['en'] };
  const choice = IN_AUDIENCE_LANGUAGES.pick(unit(key, Salt.language));
  if (choice === 'unknown') return { bio: pickFrom(BIOS_EN, bioDraw) };
  const languages = choice.split('+');
  return { bio: pickFrom(languages[0] === 'it' ? BIOS_IT : BIOS_EN, bioDraw), languages };
}

/** When the account's state changes (moved, suspended, deleted), if it does. */
export function stateChangeAt(tenure: Tenure): number | null {
  const change = PERSONA_SPECS[tenure.persona].stateChange;
  if (!change || tenure.end === Infinity) return null;
  const [min, max] = change.at;
  return tenure.start + Math.round(between(unit(tenure.key, Salt.stateAt), min, max) * (tenure.end - tenure.start));
}

function stateAt(tenure: Tenure, t: number): AccountState {
  const change = PERSONA_SPECS[tenure.persona].stateChange;
  const at = stateChangeAt(tenure);
  return change && at !== null && t >= at ? change.state : 'active';
}

/** When a silent account last posted: around the start of the tie, between 100 days before and 50 after. */
function silentSince(tenure: Tenure): number | null {
  if (!PERSONA_SPECS[tenure.persona].silent) return null;
  return tenure.start + Math.round((unit(tenure.key, Salt.silentSince) * 150 - 100) * DAY_MS);
}

const POST_SCAN_DAYS = 60;

/** The account's latest post at or before `t`: it posts on a share of days that is its own habit. */
function lastPostBefore(tenure: Tenure, t: number): number {
  const { key } = tenure;
  const postsPerDayShare = between(unit(key, Salt.postingRate), 0.25, 0.95);
  const today = Math.floor(t / DAY_MS);
  for (let day = today; day > today - POST_SCAN_DAYS; day--) {
    if (unit(key, day, Salt.postsOnDay) >= postsPerDayShare) continue;
    const at = day * DAY_MS + Math.floor(unit(key, day, Salt.postTime) * 86_400) * 1000;
    if (at <= t) return at;
  }
  return (today - POST_SCAN_DAYS) * DAY_MS;
}

/** Until when the account posts at all (state change or silence), or Infinity. */
export function postingEnds(tenure: Tenure): number {
  return Math.min(stateChangeAt(tenure) ?? Infinity, silentSince(tenure) ?? Infinity);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The contact as a pull at `now` sees it; `now` must lie inside the tenure. */
export function contactAt(tenure: Tenure, identity: Identity, now: number): Contact {
  const relation = relationAt(tenure, now);
  if (relation === null) throw new Error(`demo world: tenure ${tenure.slot}/${tenure.index} does not cover ${iso(now)}`);
  const { key } = tenure;
  const profile = profileOf(tenure);
  const state = stateAt(tenure, now);
  const lastPost = lastPostBefore(tenure, Math.min(now, postingEnds(tenure)));
  const youFollow = tenure.youFollow;
  const theyFollow = tenure.theyFollow;
  const daysKnown = Math.max(0, (Math.min(now, lastPost) - tenure.start) / DAY_MS);
  const counts = unit(key, Salt.counts);
  return {
    id: identity.id,
    handle: identity.handle,
    displayName: identity.displayName,
    bio: profile.bio,
    profileUrl: `${DEMO_WEB}/${encodeURIComponent(identity.handle)}`,
    relation,
    ...(relation !== 'follower' && youFollow ? { followedAt: iso(youFollow.from) } : {}),
    ...(relation !== 'following' && theyFollow ? { followerSince: iso(theyFollow.from) } : {}),
    lastPostAt: iso(lastPost),
    state,
    ...(state === 'moved' ? { movedTo: `@${identity.user}@new-home.demo` } : {}),
    ...(profile.languages ? { languages: profile.languages } : {}),
    postsCount: Math.floor(20 + counts * 1500 + daysKnown * 0.6),
    followersCount: Math.floor(Math.exp(between(unit(key, Salt.counts, 1), 1, 8))),
    followingCount: Math.floor(Math.exp(between(unit(key, Salt.counts, 2), 1, 7))),
  };
}
