/**
 * A professional Instagram account for the reader's tests: 55 media a week apart (the oldest past a
 * year), comments on every third, one media with many comments (three pages), one comment with a long
 * thread of replies (nested page plus `/replies` pages), the owner answering in threads, and media of
 * others that tag the owner.
 */
import { InstagramApiConfig } from '../../../../../shared/config/schema.ts';
import { InstagramApiReader } from '../../../../../shared/sources/api/instagram/instagram-reader.ts';
import { metaTime, type IgServerComment, type IgServerMedia, type IgWorld, type InstagramGraphServer } from '../../../../helpers/instagram-graph-server.ts';

export const NOW = new Date('2026-12-01T08:00:00.000Z');
export const TOKEN = 'IGAAtestTOKENsecret0123456789';
export const DAY = 86_400_000;
export const OWNER = { user_id: '17841400000000001', id: '9000000000000001', username: 'Ada.Creates' };

const FANS = ['Bob', 'carol_', 'dave.k', 'Erin', 'frank99'];

export function comment(id: string, atMs: number, username: string, text: string, replies?: IgServerComment[]): IgServerComment {
  const fromId = username.toLowerCase() === OWNER.username.toLowerCase() ? OWNER.user_id : `1789${id.replace(/\D/g, '').padStart(10, '0')}`;
  return { id, timestamp: metaTime(atMs), username, fromId, text, ...(replies ? { replies } : {}) };
}

export function buildWorld(): IgWorld {
  const media: IgServerMedia[] = [];
  for (let i = 0; i < 55; i++) {
    const at = NOW.getTime() - DAY - i * 7 * DAY;
    const id = `1790${String(1000 + i)}`;
    const comments: IgServerComment[] = [];
    if (i % 3 === 0) {
      const fan = FANS[i % FANS.length]!;
      comments.push(comment(`${id}01`, at + 3_600_000, fan, `Love this one (${i})`));
      comments.push(comment(`${id}02`, at + 7_200_000, FANS[(i + 1) % FANS.length]!, `Great shot ${i}`, [comment(`${id}03`, at + 9_000_000, OWNER.username, 'Thank you!')]));
    }
    if (i === 3) {
      for (let k = 0; k < 27; k++) comments.push(comment(`${id}5${String(k).padStart(2, '0')}`, at + (k + 10) * 60_000, `Crowd${k}`, `comment ${k}`));
    }
    if (i === 6) {
      const thread: IgServerComment[] = [];
      for (let k = 0; k < 8; k++) thread.push(comment(`${id}7${k}`, at + (k + 20) * 60_000, k % 2 === 0 ? 'Replier' : OWNER.username, `reply ${k}`));
      comments.push(comment(`${id}60`, at + 10 * 60_000, 'ThreadStarter', 'What camera?', thread));
    }
    media.push({ id, timestamp: metaTime(at), permalink: `https://www.instagram.com/p/C${i}abc/`, comments });
  }
  const tags = [2, 40, 100, 200, 400].map((days, k) => ({
    id: `1800${k}`,
    timestamp: metaTime(NOW.getTime() - days * DAY),
    permalink: `https://www.instagram.com/p/T${k}xyz/`,
    username: ['Dave.K', 'gina', 'Hugo', 'ivy', 'jules'][k]!,
    caption: `With @ada.creates at the show ${k}`,
  }));
  return { me: { ...OWNER }, media, tags };
}

export interface Made {
  reader: InstagramApiReader;
  waits: number[];
}

export function makeReader(server: InstagramGraphServer, config: Partial<Record<'lookbackDays' | 'backfillDays' | 'maxPages', number>> = {}, clock: { ms: number } = { ms: NOW.getTime() }): Made {
  const waits: number[] = [];
  const parsed = InstagramApiConfig.parse({ accessToken: { env: 'IG_TOKEN' }, baseUrl: server.url, ...config });
  const reader = new InstagramApiReader({
    sourceId: 'instagram',
    config: parsed,
    sleep: async (ms) => {
      waits.push(ms);
      clock.ms += ms;
    },
    now: () => clock.ms,
  });
  return { reader, waits };
}
