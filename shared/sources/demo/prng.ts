/**
 * Counter-based randomness: every draw is a hash of its coordinates (seed,
 * slot, tenure, day, purpose...). Nothing is carried from one draw to the next,
 * so any instant of the demo world can be computed on its own and two pulls of
 * the same instant agree exactly, which a global random generator could not give.
 */

function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A well-mixed unsigned 32-bit hash of up to five 32-bit integer coordinates.
 * Fixed arity on purpose: the demo draws a few hundred thousand times per pull.
 */
export function hash(a: number, b: number, c = 0, d = 0, e = 0): number {
  let h = Math.imul(0x811c9dc5 ^ fmix32(a), 0x01000193);
  h = Math.imul(h ^ fmix32(b + 0x3c6ef372), 0x01000193);
  h = Math.imul(h ^ fmix32(c + 0x5851f42d), 0x01000193);
  h = Math.imul(h ^ fmix32(d + 0x14057b7e), 0x01000193);
  h = Math.imul(h ^ fmix32(e + 0x2545f491), 0x01000193);
  return fmix32(h);
}

/** A uniform draw in [0, 1) at the given coordinates. */
export function unit(a: number, b: number, c = 0, d = 0, e = 0): number {
  return hash(a, b, c, d, e) / 4294967296;
}

/** Folds any safe integer seed into 32 bits without dropping its high part. */
export function seedKey(seed: number): number {
  return hash(seed | 0, Math.floor(seed / 4294967296) | 0);
}

/** Uniform in [min, max) at the given draw. */
export function between(u: number, min: number, max: number): number {
  return min + u * (max - min);
}

/** How many events a Poisson process of mean `mean` yields, by inverse CDF at draw `u`. */
export function poisson(mean: number, u: number): number {
  if (mean <= 0) return 0;
  let p = Math.exp(-mean);
  let cdf = p;
  let k = 0;
  while (u > cdf && k < 100) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** Picks keys in proportion to their weights; the cumulative table is built once. */
export class WeightedTable<K extends string> {
  private readonly keys: K[];
  private readonly cumulative: number[];

  constructor(weights: Readonly<Partial<Record<K, number>>>) {
    this.keys = [];
    this.cumulative = [];
    let total = 0;
    for (const [key, weight] of Object.entries(weights) as [K, number | undefined][]) {
      if (weight === undefined || weight <= 0) continue;
      total += weight;
      this.keys.push(key);
      this.cumulative.push(total);
    }
    if (this.keys.length === 0) throw new Error('WeightedTable needs at least one positive weight');
    this.cumulative = this.cumulative.map((c) => c / total);
  }

  pick(u: number): K {
    for (let i = 0; i < this.cumulative.length; i++) {
      if (u < (this.cumulative[i] as number)) return this.keys[i] as K;
    }
    return this.keys[this.keys.length - 1] as K;
  }
}

/** An element of a non-empty list at draw `u`. */
export function pickFrom<T>(items: readonly T[], u: number): T {
  return items[Math.min(items.length - 1, Math.floor(u * items.length))] as T;
}

/** Fixed salts so that draws for different purposes at the same coordinates are independent. */
export const Salt = {
  phase: 1,
  persona: 2,
  duration: 3,
  relation: 4,
  accountId: 5,
  accountId2: 6,
  firstName: 7,
  lastName: 8,
  handleSuffix: 9,
  instance: 10,
  displayStyle: 11,
  bio: 12,
  language: 13,
  audience: 14,
  followerDelay: 15,
  relationChange: 16,
  relationChangeAt: 17,
  stateAt: 18,
  activeDays: 19,
  silentSince: 20,
  postingRate: 21,
  postsOnDay: 22,
  postTime: 23,
  counts: 24,
  tenure: 25,
  inboundCount: 30,
  outboundCount: 31,
  time: 32,
  kind: 33,
  text: 34,
  post: 35,
  onInstagram: 40,
  onFacebook: 41,
  igHandle: 42,
  fbName: 43,
  igApiStranger: 44,
  igApiNest: 45,
  igApiOwnerReply: 46,
} as const;
