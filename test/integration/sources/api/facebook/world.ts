/**
 * A small Facebook Page for the reader's tests: posts at known ages around the 30-day lookback and
 * the 365-day backfill, comments with replies (one by the Page itself, one whose author is hidden),
 * reactions (one by the Page), posts that tag the Page, and enough posts and comments to need
 * several pages of each list.
 */
import { FacebookPageApiConfig } from '../../../../../shared/config/schema.ts';
import { metaTime, type FacebookWorld, type WorldComment, type WorldPost } from '../../../../helpers/facebook-graph-server.ts';

export const NOW = new Date('2026-12-01T12:00:00.000Z');
export const TOKEN = 'EAAfbPAGEtokenSECRET123456789';
export const PAGE_ID = '1234567890';
const DAY = 86_400_000;

export const ago = (days: number, hours = 0): string => metaTime(NOW.getTime() - days * DAY - hours * 3_600_000);
export const postId = (n: number): string => `${PAGE_ID}_${1000 + n}`;
export const permalink = (n: number): string => `https://www.facebook.com/${PAGE_ID}/posts/${1000 + n}`;

export function post(n: number, daysAgo: number, comments: WorldComment[] = [], reactions: WorldPost['reactions'] = []): WorldPost {
  return { id: postId(n), created_time: ago(daysAgo), permalink_url: permalink(n), message: `post ${n}`, comments, reactions };
}

export function buildWorld(): FacebookWorld {
  const page = { id: PAGE_ID, name: 'Ada Bakes' };
  const posts: WorldPost[] = [
    post(
      1,
      2,
      [
        { id: '1001_1', from: { id: '501', name: 'Bob Smith' }, message: 'Lovely!', created_time: ago(1, 20) },
        { id: '1001_2', from: { id: PAGE_ID, name: 'Ada Bakes' }, message: 'Thanks Bob', created_time: ago(1, 18), parent: '1001_1' },
        { id: '1001_3', from: { id: '502', name: 'Cleo Diaz' }, message: 'Agreed, best bread in town', created_time: ago(1, 10), parent: '1001_1' },
        { id: '1001_4', message: 'someone hidden', created_time: ago(1, 5) },
      ],
      [
        { id: '501', name: 'Bob Smith', type: 'LIKE' },
        { id: '503', name: 'Dana Ek', type: 'LOVE' },
        { id: PAGE_ID, name: 'Ada Bakes', type: 'LIKE', profile_type: 'page' },
      ],
    ),
    post(
      2,
      20,
      Array.from({ length: 150 }, (_, i) => ({ id: `1002_${i}`, from: { id: String(600 + (i % 7)), name: `Fan ${i % 7}` }, message: `comment ${i}`, created_time: ago(19, -i / 10) })),
      [{ id: '504', name: 'Eve Ray', type: 'WOW' }],
    ),
    post(3, 60, [{ id: '1003_1', from: { id: '505', name: 'Finn Obi' }, message: 'Old but gold', created_time: ago(59) }]),
    post(4, 300, [{ id: '1004_1', from: { id: '506', name: 'Gus Lee' }, message: 'From last winter', created_time: ago(299) }]),
    // Older than the 365-day backfill: never read.
    post(5, 400, [{ id: '1005_1', from: { id: '507', name: 'Hana Mori' }, message: 'too old', created_time: ago(399) }]),
  ];
  // Posts between 100 and 200 days ago, each with a reaction and every third with a comment: the
  // post list needs more than one page, and a read needs well over a hundred requests.
  for (let i = 0; i < 110; i++) {
    const comments: WorldComment[] = i % 3 === 0 ? [{ id: `q${i}_1`, from: { id: String(700 + (i % 5)), name: `Reader ${i % 5}` }, message: `nice ${i}`, created_time: ago(99 + i * 0.9) }] : [];
    posts.push(post(100 + i, 100 + i * 0.9, comments, [{ id: String(800 + (i % 4)), name: `Liker ${i % 4}`, type: 'LIKE' }]));
  }
  // Two posts nobody engaged with: they cost no request beyond the list.
  posts.push(post(300, 50), post(301, 150));
  return {
    page,
    posts,
    tagged: [
      { id: '777_1', created_time: ago(3), from: { id: '508', name: 'Ivan Petrov' }, message: 'Great cake at Ada Bakes', permalink_url: 'https://www.facebook.com/777/posts/1' },
      { id: '777_2', created_time: ago(5), from: { id: PAGE_ID, name: 'Ada Bakes' }, message: 'we tagged ourselves' },
      { id: '777_3', created_time: ago(400), from: { id: '509', name: 'Jo Old' }, message: 'long ago' },
    ],
  };
}

export function config(baseUrl: string, overrides: Record<string, unknown> = {}): FacebookPageApiConfig {
  return FacebookPageApiConfig.parse({ pageId: PAGE_ID, accessToken: { env: 'FB_PAGE_TOKEN' }, baseUrl, lookbackDays: 30, backfillDays: 365, ...overrides });
}

/** A clock that moves only when the client sleeps. */
export function fakeClock(start: Date) {
  const clock = { t: start.getTime(), waits: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.waits.push(ms);
      clock.t += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
