/**
 * Issue 7 end to end: a labelled community on a local Mastodon server, as a new
 * user meets it. Mastodon gives no follow date for accounts you follow, yet the
 * first report must already say who never engaged in the year of notifications
 * it read; spam followers who like everything are not followed back; critics
 * and people outside the audience show under their codes, each with evidence.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportContact, ReportJson } from '../../../shared/report/report-schema.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { startMastodonServer, type Json, type MastodonServer, type MastodonWorld } from '../../helpers/mastodon-server.ts';
import { account, notification, owner } from '../sources/mastodon/world.ts';
import { cli, readReport, tempDir, writeJson, type CliRun } from './cli-harness.ts';

const TOKEN = 'first-report-token-3b9e';
const DAY = 86_400_000;
const FIRST = new Date('2026-11-25T09:00:00Z');
const ago = (days: number): Date => new Date(FIRST.getTime() - days * DAY);
/** Everyone here still posts (the docs' example account last posted years ago, which would make them inactive). */
const person = (id: string, overrides: Json): Json => account(id, { last_status_at: '2026-11-20', ...overrides });

const CRITICISM = [
  'This is wrong and you know it.',
  'Another terrible take, honestly embarrassing.',
  'You clearly have no idea what you are talking about.',
  'What a useless post. Do your homework.',
  'Worst advice I have read this year.',
];

let seq = 0;
function talk(kind: 'reply' | 'mention', from: Json, at: Date, text: string, language: string): Json {
  const n = notification(++seq, kind, from, at);
  const status = n['status'] as Json;
  status['content'] = `<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`;
  status['language'] = language;
  return n;
}

describe('the first report on Mastodon judges all three filters', () => {
  let table: FreshTable;
  let server: MastodonServer;
  let world: MastodonWorld;
  let dir: string;
  const runs: CliRun[] = [];
  const reports: ReportJson[] = [];
  const who = (report: ReportJson | undefined, handle: string): ReportContact => {
    const c = report?.contacts.find((x) => x.handle === handle);
    if (c === undefined) throw new Error(`${handle} is not in the report`);
    return c;
  };

  beforeAll(async () => {
    table = await freshTable();
    const fan = person('3001', { note: '<p>Frontend developer, accessibility nerd.</p>' });
    const silent = person('3002', { display_name: 'Famous Person', note: '<p>Keynotes, books, podcasts.</p>' });
    const critic = person('3003', { note: '<p>Opinions are mine.</p>' });
    const german = person('3004', { note: '<p>Ich poste über Fußball und Bier, jeden Tag, seit Jahren.</p>' });
    const spam = person('3005', { display_name: 'Signals 🚀', note: '<p>Crypto signals 🚀 100x gains daily. DM for forex tips.</p>' });
    const notifications: Json[] = [];
    // The fan likes and replies all year, last week too.
    for (let d = 350; d >= 7; d -= 21) notifications.push(notification(++seq, 'favourite', fan, ago(d)));
    notifications.push(talk('reply', fan, ago(3), 'Thanks, this was really useful!', 'en'));
    // The critic only ever replies to criticise, month after month.
    CRITICISM.forEach((text, k) => notifications.push(talk('reply', critic, ago(300 - k * 60), text, 'en')));
    // The German account replies often, in German, tagged `de` by its client.
    for (let k = 0; k < 4; k++) notifications.push(talk('reply', german, ago(200 - k * 40), 'Was für ein Spiel gestern Abend, ich konnte danach kaum schlafen!', 'de'));
    // The spam follower likes everything, every few days.
    for (let d = 80; d >= 1; d -= 2) notifications.push(notification(++seq, 'favourite', spam, ago(d)));
    // Something from the year's first days, so the pull reads a whole year of history.
    notifications.push(notification(++seq, 'favourite', fan, ago(360)));
    world = { me: owner(), followers: [spam, fan, critic], following: [fan, silent, critic, german], notifications, statuses: [], favourites: [] };
    server = await startMastodonServer({ token: TOKEN, world, domain: 'social.example' });
    dir = await tempDir('fb-first-report-');
    await writeJson(join(dir, 'followback.config.json'), {
      profiles: [
        {
          id: 'ada',
          sources: [{ type: 'mastodon', instanceUrl: server.url, accessToken: { env: 'MASTODON_TOKEN' } }],
          audience: { languages: ['en', 'it'], excludeKeywords: ['crypto', 'forex'] },
          policy: { topSupporters: 3 },
          report: { recipients: ['ada@example.com'], sender: 'fb@example.com' },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    });
    const env = { MASTODON_TOKEN: TOKEN };
    runs.push(await cli(['run', '--now', FIRST.toISOString()], dir, env));
    reports.push(await readReport(join(dir, 'out'), '2026-11-25'));
    // A week later the owner follows someone new.
    world.following.unshift(person('3006', { note: '<p>Web developer and teacher.</p>' }));
    runs.push(await cli(['run', '--now', new Date(FIRST.getTime() + 7 * DAY).toISOString()], dir, env));
    reports.push(await readReport(join(dir, 'out'), '2026-12-02'));
  }, 180_000);

  it('both runs complete', () => {
    expect(runs.map((r) => r.code), runs.map((r) => r.stderr).join('\n')).toEqual([0, 0]);
  });

  it('a followed account silent through the year read is never_engaged from the first report, to review, with evidence that says why', () => {
    const silent = who(reports[0], '@user3002@remote.example');
    expect(silent.reasons).toContain('never_engaged');
    expect(silent.recommendation).toBe('review');
    expect(silent.evidence.never_engaged).toMatchObject({ followDateUnknown: true, trackedDays: 0, provisional: true });
    const evidence = silent.evidence.never_engaged;
    expect(evidence !== undefined && 'observedDays' in evidence ? evidence.observedDays : 0).toBeGreaterThanOrEqual(359);
  });

  it('the report says it in words a person can check', async () => {
    const { readFile, readdir } = await import('node:fs/promises');
    const name = (await readdir(join(dir, 'out'))).find((f) => f.endsWith('2026-11-25.txt')) ?? '';
    const text = await readFile(join(dir, 'out', name), 'utf8');
    expect(text.replace(/\s+/g, ' ')).toMatch(/No [a-z ,]+ in the 3\d\d days of history read \(since [^)]+\); the follow date is unknown, and followback started tracking them today, so review rather than unfollow for now\./);
  });

  it('a follow that appeared after the first pull gets the grace period, not never_engaged', () => {
    const newbie = who(reports[1], '@user3006@remote.example');
    expect(newbie.reasons).toEqual(['grace_period']);
    expect(newbie.recommendation).toBe('keep');
    expect(who(reports[1], '@user3002@remote.example').evidence.never_engaged).toMatchObject({ trackedDays: 7 });
  });

  it('the critic is critic_only and quoted; replying inside the window makes it review, never unfollow', () => {
    const critic = who(reports[0], '@user3003@remote.example');
    expect(critic.reasons).toContain('critic_only');
    expect(critic.evidence.critic_only).toMatchObject({ count: 5, negative: 5, example: CRITICISM[4] });
    expect(critic.stats.inboundInWindow).toBeGreaterThan(0);
    expect(critic.recommendation).toBe('review');
  });

  it('the account that writes only German is out_of_audience, named by its language', () => {
    const german = who(reports[0], '@user3004@remote.example');
    expect(german.reasons).toContain('out_of_audience');
    expect(german.evidence.out_of_audience).toMatchObject({ language: 'de' });
    expect(german.recommendation).toBe('review');
  });

  it('the spam follower who likes everything is not followed back and is no top supporter', () => {
    const spam = who(reports[0], '@user3005@remote.example');
    expect(spam.reasons).toContain('out_of_audience');
    expect(spam.evidence.out_of_audience).toMatchObject({ excludedKeyword: 'crypto' });
    expect(spam.recommendation).toBe('no_follow_back');
    expect(spam.reasons).not.toContain('top_supporter');
  });

  it('the fan is kept and is the top supporter', () => {
    const fan = who(reports[0], '@user3001@remote.example');
    expect(fan.recommendation).toBe('keep');
    expect(fan.reasons).toContain('top_supporter');
  });
});
