/**
 * The demo world on absolute time. The community has `size` slots; each slot
 * is held by a sequence of accounts (tenures), one after the other, for ever.
 * A tenure is a tie with one account: it starts when one side follows the
 * other and ends when the tie is gone. Because every tenure is a pure function
 * of (seed, slot, index), a pull at any instant (2026 or 2030) sees a
 * community of the same shape, and pulls a week apart differ by the ties that
 * began or ended in that week.
 */
import type { Relation } from '../../domain/model.ts';
import { PERSONA_SPECS, PERSONA_TABLE, RELATION_TABLES, type Persona } from './personas.ts';
import { Salt, between, hash, unit } from './prng.ts';

export const DAY_MS = 86_400_000;
/** Tenures are laid out from here; two decades of churn make any later instant typical. */
const WORLD_START = Date.UTC(2000, 0, 1);
const MAX_PHASE_DAYS = 900;

/** [from, to): `to` may be Infinity. */
export interface Interval {
  from: number;
  to: number;
}

export interface ReservedAccount {
  handle: string;
  displayName: string;
  bio: string;
  languages: string[];
  persona: Persona;
  relation: Relation;
  since: number;
}

/**
 * Ties that never change, so the demo config can allowlist them at any instant:
 * a relative who never interacts and a team account the owner always likes.
 * Without the allowlist both would be recommended for unfollow.
 */
export const RESERVED_ACCOUNTS: readonly ReservedAccount[] = [
  {
    handle: '@nonna.lucia@demo.social',
    displayName: 'Nonna Lucia',
    bio: 'Nonna di tre nipoti. Cucina e giardinaggio.',
    languages: ['it'],
    persona: 'never',
    relation: 'mutual',
    since: Date.UTC(2016, 2, 14, 18, 30),
  },
  {
    handle: '@team.news@demo.social',
    displayName: 'Team News',
    bio: 'Official updates from our team. Posts every day.',
    languages: ['en'],
    persona: 'one_sided',
    relation: 'following',
    since: Date.UTC(2018, 8, 2, 9, 0),
  },
];

export interface Tenure {
  slot: number;
  index: number;
  /** Hash of (world seed, slot, index): every draw about this account starts from it. */
  key: number;
  persona: Persona;
  start: number;
  end: number;
  /** When the owner follows them, if at all during this tenure. */
  youFollow: Interval | null;
  /** When they follow the owner, if at all during this tenure. */
  theyFollow: Interval | null;
  reserved?: ReservedAccount;
}

const covers = (interval: Interval | null, t: number): boolean => interval !== null && interval.from <= t && t < interval.to;

/** The relation at instant `t`, or null when the tenure does not cover it. */
export function relationAt(tenure: Tenure, t: number): Relation | null {
  const you = covers(tenure.youFollow, t);
  const they = covers(tenure.theyFollow, t);
  if (you && they) return 'mutual';
  if (you) return 'following';
  if (they) return 'follower';
  return null;
}

function personaOf(seed: number, slot: number, index: number): Persona {
  return PERSONA_TABLE.pick(unit(seed, slot, index, Salt.persona));
}

function durationOf(seed: number, slot: number, index: number, persona: Persona): number {
  const [min, max] = PERSONA_SPECS[persona].durationDays;
  return Math.round(between(unit(seed, slot, index, Salt.duration), min, max) * DAY_MS);
}

function buildTenure(seed: number, slot: number, index: number, start: number): Tenure {
  const persona = personaOf(seed, slot, index);
  const length = durationOf(seed, slot, index, persona);
  const end = start + length;
  const key = hash(seed, slot, index, Salt.tenure);
  const relation = RELATION_TABLES[persona].pick(unit(key, Salt.relation));
  const changes = unit(key, Salt.relationChange);
  const changeAt = unit(key, Salt.relationChangeAt);
  switch (relation) {
    case 'mutual': {
      // They follow back within two days; one in five later unfollows while the owner keeps following.
      const followBack = start + Math.round(unit(key, Salt.followerDelay) * 2 * DAY_MS);
      const theyLeave = changes < 0.2 ? start + Math.round(between(changeAt, 0.3, 0.9) * length) : end;
      return { slot, index, key, persona, start, end, youFollow: { from: start, to: end }, theyFollow: { from: followBack, to: Math.max(followBack, theyLeave) } };
    }
    case 'following': {
      // One in ten follows back part-way through.
      const theyFollow = changes < 0.1 ? { from: start + Math.round(between(changeAt, 0.1, 0.6) * length), to: end } : null;
      return { slot, index, key, persona, start, end, youFollow: { from: start, to: end }, theyFollow };
    }
    case 'follower':
      return { slot, index, key, persona, start, end, youFollow: null, theyFollow: { from: start, to: end } };
  }
}

function reservedTenure(seed: number, slot: number, account: ReservedAccount): Tenure {
  const forever = { from: account.since, to: Infinity };
  return {
    slot,
    index: 0,
    key: hash(seed, slot, 0, Salt.tenure),
    persona: account.persona,
    start: account.since,
    end: Infinity,
    youFollow: account.relation === 'follower' ? null : forever,
    theyFollow: account.relation === 'following' ? null : forever,
    reserved: account,
  };
}

/** Every tenure of `slot` that overlaps [from, to]; `seed` is the world's `seedKey`. */
export function tenuresOverlapping(seed: number, slot: number, from: number, to: number): Tenure[] {
  const reserved = RESERVED_ACCOUNTS[slot];
  if (reserved !== undefined) {
    const tenure = reservedTenure(seed, slot, reserved);
    return tenure.start <= to ? [tenure] : [];
  }
  // Slots start out of phase, so the world has no "day one" when everyone followed at once.
  let index = 0;
  let start = WORLD_START - Math.round(unit(seed, slot, 0, Salt.phase) * MAX_PHASE_DAYS * DAY_MS);
  while (start > from) {
    index--;
    start -= durationOf(seed, slot, index, personaOf(seed, slot, index));
  }
  const found: Tenure[] = [];
  while (start <= to) {
    const tenure = buildTenure(seed, slot, index, start);
    if (tenure.end > from) found.push(tenure);
    start = tenure.end;
    index++;
  }
  return found;
}
