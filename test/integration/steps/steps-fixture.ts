/** A Mastodon world large enough to need many pull steps, and the firing loop wired to it. */
import { runFiring, adHocFiringKey, type StepDeps } from '../../../shared/app/steps.ts';
import type { RunReportResult } from '../../../shared/app/types.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';
import type { ProfileConfig } from '../../../shared/config/schema.ts';
import type { DeliveryResult, Mailer } from '../../../shared/ports/mailer.ts';
import type { Source } from '../../../shared/ports/source.ts';
import type { ProfileStore } from '../../../shared/ports/store.ts';
import { MastodonSource } from '../../../shared/sources/mastodon/mastodon-source.ts';
import type { Json, MastodonServer, MastodonWorld } from '../../helpers/mastodon-server.ts';
import { account, owner } from '../sources/mastodon/world.ts';
import type { PullStepOutput } from '../../../shared/app/step-contract.ts';

export const TOKEN = 'steps-test-token';

/**
 * `followers` accounts, newest follow first, each with a stable follow id (the newest the largest),
 * built from one parsed fixture (20,000 reads of the fixture file would dominate the test).
 */
export function bigWorld(followers: number, following = 50): MastodonWorld {
  const base = account('1');
  const accountOf = (id: string): Json => ({ ...base, id, username: `user${id}`, acct: `user${id}@remote.example`, display_name: `User ${id}`, url: `https://remote.example/@user${id}` });
  const followKeys = new Map<Json, string>();
  const followerList = Array.from({ length: followers }, (_, i) => {
    const a = accountOf(String(100_000 + followers - i));
    followKeys.set(a, String(followers - i));
    return a;
  });
  const followingList = Array.from({ length: following }, (_, i) => accountOf(String(900_000 + i)));
  return { me: { ...owner(), followers_count: followers, following_count: following }, followers: followerList, following: followingList, notifications: [], statuses: [], favourites: [], followKeys };
}

/** A new follower: at the head of the list, with a follow id above every other. */
export function follow(world: MastodonWorld, id: string): Json {
  const a = { ...world.followers[0], id, username: `user${id}`, acct: `user${id}@remote.example`, display_name: `User ${id}` };
  const top = Math.max(...[...(world.followKeys?.values() ?? [])].map(Number));
  world.followKeys?.set(a, String(top + 1));
  world.followers.unshift(a);
  return a;
}

export function unfollow(world: MastodonWorld, id: string): void {
  const i = world.followers.findIndex((a) => a['id'] === id);
  if (i < 0) throw new Error(`no follower ${id}`);
  world.followers.splice(i, 1);
}

export function profileOf(id: string): ProfileConfig {
  return parseConfig(
    { profiles: [{ id, sources: [{ type: 'file', id: 'masto', path: 'unused.json' }], report: { recipients: ['owner@example.com'], sender: 'followback@example.com' } }] },
    'steps test',
  ).profiles[0]!;
}

export class CountingMailer implements Mailer {
  sent = 0;
  async deliver(): Promise<DeliveryResult> {
    this.sent += 1;
    return { kind: 'outbox', ref: `memory-${this.sent}` };
  }
}

export function mastodonSource(srv: MastodonServer): Source {
  return new MastodonSource({ id: 'masto', instanceUrl: srv.url, accessToken: TOKEN, backfillDays: 30, maxPages: 50 });
}

/** One firing through the in-process loop, with a page budget per step; returns the result and each step's output. */
export async function fire(
  profile: ProfileConfig,
  now: Date,
  deps: { store: ProfileStore; mailer: Mailer; sourcesFor: StepDeps['sourcesFor']; maxRequestsPerStep?: number },
  onStep?: (output: PullStepOutput) => void,
): Promise<{ result: RunReportResult; steps: PullStepOutput[] }> {
  const steps: PullStepOutput[] = [];
  const result = await runFiring(
    { profile, now, dryRun: false, firingKey: adHocFiringKey(profile.id, now), claimFiring: false, holder: `test:${profile.id}:${now.toISOString()}` },
    { store: deps.store, mailer: deps.mailer, sourcesFor: deps.sourcesFor, ...(deps.maxRequestsPerStep !== undefined ? { maxRequestsPerStep: deps.maxRequestsPerStep } : {}) },
    {
      budgetMs: 10 * 60_000,
      sleep: async () => undefined,
      onStep: (o) => {
        steps.push(o);
        onStep?.(o);
      },
    },
  );
  return { result, steps };
}
