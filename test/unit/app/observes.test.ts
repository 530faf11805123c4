/**
 * What each source can see reaches the analysis: declared per source type
 * (so a failed pull still has it), narrowed by a pull that says what it saw,
 * and carried through the staged parts of a stepped pull.
 */
import { describe, expect, it } from 'vitest';
import { assemblePull } from '../../../shared/app/assemble-pull.ts';
import { mergePulls, type PullOutcome } from '../../../shared/app/merge-pulls.ts';
import { SourceConfig } from '../../../shared/config/schema.ts';
import { Observability as ObservabilitySchema, SourcePull as SourcePullSchema, type Observability, type SourcePull } from '../../../shared/domain/model.ts';
import { DECLARED, declaredObservability, SEES_NOTHING } from '../../../shared/sources/observes.ts';
import { MASTODON_OBSERVES } from '../../../shared/sources/mastodon/observes.ts';

const NOW = '2026-11-25T08:00:00.000Z';
const EXPORT: Observability = { inbound: [], outbound: ['like', 'reply'], inboundHidden: ['like', 'reply', 'mention'], followDates: 'both' };

const pull = (over: Partial<SourcePull> = {}): SourcePull => ({
  sourceId: 's',
  platform: 'mastodon',
  takenAt: NOW,
  owner: { id: 'me', handle: '@me@x.social' },
  contacts: [],
  interactions: [],
  contactsCompleteness: 'complete',
  interactionsCompleteness: 'complete',
  problems: [],
  requests: 1,
  ...over,
});
const merge = (outcomes: PullOutcome[], declared?: ReadonlyMap<string, Observability>) =>
  mergePulls({ now: NOW, retentionDays: 730, outcomes, storedContacts: [], storedSources: [], storedInteractions: [], ...(declared !== undefined ? { declared } : {}) });

describe('every source type declares what it sees', () => {
  const types = SourceConfig.options.map((o) => o.shape.type.value);

  it.each(types)('%s is declared explicitly, and its declaration is valid', (type) => {
    expect(DECLARED[type], `add the ${type} source's declaration to shared/sources/observes.ts`).toBeDefined();
    expect(ObservabilitySchema.safeParse(declaredObservability({ type })).success).toBe(true);
  });

  it('Mastodon, Bluesky, the demo and files see every kind both ways: their judgement is unchanged', () => {
    for (const type of ['mastodon', 'bluesky', 'demo', 'file'] as const) {
      const o = declaredObservability({ type });
      expect(o.inbound).toEqual(['like', 'repost', 'reply', 'quote', 'mention']);
      expect(o.outbound).toEqual(['like', 'repost', 'reply', 'quote', 'mention']);
      expect(o.inboundHidden ?? []).toEqual([]);
    }
    expect(MASTODON_OBSERVES.followDates).toBe('followers');
    expect(declaredObservability({ type: 'bluesky' }).followDates).toBe('both');
  });

  it('an undeclared type is judged as seeing nothing, so it never yields an unfollow', () => {
    expect(SEES_NOTHING.inbound).toEqual([]);
    expect(SEES_NOTHING.inboundHidden?.length).toBe(5);
  });
});

describe('the declaration reaches the analysis', () => {
  const declared = new Map([['s', EXPORT]]);

  it('from the config, for a pull that says nothing of its own', () => {
    expect(merge([{ sourceId: 's', platform: 'mastodon', ok: true, pull: pull() }], declared).sourceRuns[0]?.observes).toEqual(EXPORT);
  });

  it('from the config, for a failed pull', () => {
    expect(merge([{ sourceId: 's', platform: 'mastodon', ok: false, problem: 'down' }], declared).sourceRuns[0]?.observes).toEqual(EXPORT);
  });

  it("a pull's own declaration wins (an export without its notifications)", () => {
    const narrower: Observability = { ...EXPORT, outbound: ['like'] };
    expect(merge([{ sourceId: 's', platform: 'mastodon', ok: true, pull: pull({ observes: narrower }) }], declared).sourceRuns[0]?.observes).toEqual(narrower);
  });

  it('absent for a source nobody declared (judged as seeing everything, as before)', () => {
    expect(merge([{ sourceId: 's', platform: 'mastodon', ok: true, pull: pull() }]).sourceRuns[0]).not.toHaveProperty('observes');
  });

  it('through the staged parts of a stepped pull', () => {
    const source = { sourceId: 's', platform: 'instagram', phase: 'complete' as const, parts: [1, 1], requests: 2, items: 0 };
    const outcome = assemblePull(source, [pull({ observes: EXPORT }), pull()], new Date(NOW), 6);
    expect(outcome.ok && outcome.pull.observes).toEqual(EXPORT);
    const none = assemblePull(source, [pull(), pull()], new Date(NOW), 6);
    expect(none.ok && none.pull).not.toHaveProperty('observes');
  });

  it('a staged part keeps its declaration through the schema', () => {
    expect(SourcePullSchema.parse(JSON.parse(JSON.stringify(pull({ observes: EXPORT })))).observes).toEqual(EXPORT);
  });
});
