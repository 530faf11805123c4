/**
 * Bluesky's repeat run (issue 20): what a run a week after the first asks
 * besides the lists, against the local server, when a few accounts changed:
 * two followed accounts posted and one was deactivated. Each changed account
 * may cost one request (the posts' author feeds, the gone account's
 * getProfile); nothing else is asked again. The run chains pull and merge as
 * ../integration/sources/bluesky/repeat-harness.ts does, the store in memory.
 */
import { FakeBlueskyServer } from '../helpers/bluesky-server.ts';
import { actorDid, type WorldSize } from '../fixtures/bluesky/world.ts';
import { newPath, repeatWorld, runOnce } from '../integration/sources/bluesky/repeat-harness.ts';

export interface BlueskyRepeatFigures {
  /** Requests of the repeat run besides the lists: author feeds and single profiles. */
  extra: number;
  /** Accounts that changed between the two runs. */
  changed: number;
  /** Author feeds the first run asked (every judged follow). */
  firstRunAuthorFeeds: number;
  repeatRunRequests: number;
}

export async function blueskyRepeat(size: WorldSize, maxPages: number): Promise<BlueskyRepeatFigures> {
  const t0 = new Date('2026-11-25T09:00:00.000Z');
  const world = repeatWorld(size, t0);
  const server = await FakeBlueskyServer.start({ world });
  try {
    const path = newPath(server, 'whole', true, { maxPages });
    const first = await runOnce(path, t0);
    const next = new Date(t0.getTime() + 7 * 86_400_000);
    // The follows are the last `follows` accounts: two of them posted, one was deactivated.
    const firstFollow = size.followers - size.mutual;
    const posted = [actorDid(firstFollow + 1), actorDid(firstFollow + size.follows - 1)];
    for (const did of posted) {
      const p = world.profiles.get(did);
      if (p) p.postsCount = (p.postsCount ?? 0) + 1;
      world.lastPosts?.set(did, { at: new Date(next.getTime() - 3_600_000).toISOString() });
    }
    world.gone = new Map([[actorDid(firstFollow + 2), 'deactivated']]);
    const repeat = await runOnce(path, next);
    return { extra: repeat.extra, changed: posted.length + 1, firstRunAuthorFeeds: first.counts['app.bsky.feed.getAuthorFeed'] ?? 0, repeatRunRequests: repeat.pull.requests };
  } finally {
    await server.close();
  }
}
