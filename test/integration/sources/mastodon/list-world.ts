/**
 * A Mastodon world whose follower and following lists change from week to week the way real ones do
 * (list-bounds.ts): a new follow gets a follow record id above every existing one and goes to the top, an
 * unfollow removes its record; nothing is ever inserted in the middle. Follow ids are snowflake-sized
 * (beyond 2^53) and kept in `followKeys`, so they stay put when others leave, as on the real server.
 */
import type { Json, MastodonWorld } from '../../../helpers/mastodon-server.ts';
import { account, owner } from './world.ts';

export class ListWorld {
  readonly world: MastodonWorld;
  private followId = 113_400_000_000_000_000n;
  private accountSeq = 100_000;

  constructor(followers: number, following: number) {
    this.world = { me: owner(), followers: [], following: [], notifications: [], statuses: [], favourites: [], followKeys: new Map() };
    this.follow('followers', followers);
    this.follow('following', following);
  }

  /** `count` new follows, newest last (each goes to the top of the list). */
  follow(relation: 'followers' | 'following', count: number): void {
    for (let k = 0; k < count; k++) {
      const a = account(String(++this.accountSeq));
      // Follow ids grow, with gaps (other accounts' follows are numbered in between).
      this.followId += 1n + BigInt(this.accountSeq % 13);
      this.world.followKeys!.set(a, this.followId.toString());
      this.world[relation].unshift(a);
    }
  }

  /** Removes the accounts at these positions (0 = the newest follow). */
  unfollowAt(relation: 'followers' | 'following', positions: Iterable<number>): void {
    const drop = new Set(positions);
    const list = this.world[relation];
    const kept = list.filter((_, i) => !drop.has(i));
    list.length = 0;
    list.push(...kept);
  }

  /** Removes the account whose follow record id is `key` (e.g. a boundary's). */
  unfollowKey(relation: 'followers' | 'following', key: string): boolean {
    const list = this.world[relation];
    const i = list.findIndex((a) => this.world.followKeys!.get(a) === key);
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
  }

  /** Position of the follow with this record id, or -1. */
  positionOf(relation: 'followers' | 'following', key: string): number {
    return this.world[relation].findIndex((a) => this.world.followKeys!.get(a) === key);
  }

  ids(relation: 'followers' | 'following'): string[] {
    return this.world[relation].map((a: Json) => String(a['id'])).sort();
  }
}
