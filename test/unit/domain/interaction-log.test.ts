/**
 * The interaction log holds a run's history as columns (issue 10: a million
 * interactions in a 1 GB function). What a user relies on: it gives back
 * exactly what went in, it refuses malformed rows with a message naming them,
 * and the analysis reaches the same verdicts from it as from plain objects.
 */
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { criticCandidateTexts } from '../../../shared/app/classify-texts.ts';
import { mergePulls } from '../../../shared/app/merge-pulls.ts';
import { analyse } from '../../../shared/domain/analyse.ts';
import { InteractionLog, type SourcedInteraction } from '../../../shared/domain/interaction-log.ts';
import { analysisInputArb, type Generated } from './arbitraries.ts';

const rows: SourcedInteraction[] = [
  { id: 'n1', sourceId: 'masto', contactId: 'a', kind: 'like', direction: 'inbound', at: '2026-11-20T10:00:00.000Z' },
  // Not in the canonical form: an offset, no milliseconds. Kept exactly as given.
  { id: 'n2', sourceId: 'masto', contactId: 'b', kind: 'reply', direction: 'inbound', at: '2026-11-20T12:00:00+02:00', text: 'Sono d’accordo <b>', lang: 'it', postUrl: 'https://m.example/@me/1' },
  { id: 'at://did:plc:x/app.bsky.feed.like/3k', sourceId: 'bsky', contactId: 'a', kind: 'repost', direction: 'outbound', at: '2026-02-29T23:59:59.999Z' },
  { id: 'n3', sourceId: 'masto', contactId: 'a', kind: 'follow', direction: 'inbound', at: '2026-11-21T00:00:00Z' },
];

const row = (k: number): SourcedInteraction => {
  const r = rows[k];
  if (r === undefined) throw new Error(`no row ${k}`);
  return r;
};

describe('InteractionLog', () => {
  it('gives back every interaction exactly as it was added, in order, the instant text included', () => {
    const log = InteractionLog.from(rows);
    expect(log.length).toBe(4);
    expect(log.toArray()).toEqual(rows);
    expect([...log]).toEqual(rows);
    expect(log.get(1).at).toBe('2026-11-20T12:00:00+02:00');
    expect(log.atMsAt(1)).toBe(Date.parse('2026-11-20T10:00:00Z'));
  });

  it('numbers each (source, contact) pair once: the same contact id on two sources is two parties', () => {
    const log = InteractionLog.from(rows);
    expect(log.partyCount).toBe(3);
    expect(log.partyOf('masto', 'a')).toBe(log.partyAt(0));
    expect(log.partyOf('masto', 'a')).toBe(log.partyAt(3));
    expect(log.partyOf('bsky', 'a')).not.toBe(log.partyOf('masto', 'a'));
    expect(log.partyOf('bsky', 'nobody')).toBeUndefined();
  });

  it('joins logs in order, renumbering parties, with their texts and instants', () => {
    const first = InteractionLog.from(rows.slice(0, 2));
    const second = InteractionLog.from(rows.slice(2));
    const joined = InteractionLog.concat([first, second]);
    expect(joined.toArray()).toEqual(rows);
    expect(joined.partyCount).toBe(3);
    expect(joined.textRows()).toEqual([1]);
    // Growing past the first allocation keeps every column.
    const many = Array.from({ length: 5000 }, (_, k): SourcedInteraction => ({ id: `i${k}`, sourceId: 's', contactId: `c${k % 7}`, kind: 'like', direction: k % 2 === 0 ? 'inbound' : 'outbound', at: new Date(Date.UTC(2026, 0, 1) + k * 60_000).toISOString() }));
    const big = InteractionLog.concat([InteractionLog.from(many.slice(0, 2500)), InteractionLog.from(many.slice(2500))]);
    expect(big.toArray()).toEqual(many);
  });

  it('refuses a malformed row with a message naming it and what is wrong, and keeps the rows before it', () => {
    const log = InteractionLog.from(rows.slice(0, 1));
    const bad = (patch: Partial<Record<keyof SourcedInteraction, string>>): SourcedInteraction => ({ ...row(0), ...patch }) as SourcedInteraction;
    expect(() => log.push(bad({ at: 'yesterday' }))).toThrow(/interactions\[1\]\.at: "yesterday" is not an ISO-8601 instant/);
    expect(() => log.push(bad({ kind: 'boost' }))).toThrow(/interactions\[1\]\.kind: "boost" is not one of like, repost/);
    expect(() => log.push(bad({ direction: 'sideways' }))).toThrow(/interactions\[1\]\.direction: "sideways"/);
    expect(() => log.push(bad({ at: 'nope' }), () => 'item sk="x"')).toThrow(/item sk="x"\.at/);
    expect(log.toArray()).toEqual(rows.slice(0, 1));
    expect(() => log.get(1)).toThrow(/no row 1/);
  });

  it('finds which pulled ids it already holds, per source', () => {
    const log = InteractionLog.from(rows);
    const found = log.idsAmong(new Map([['masto', new Set(['n1', 'n9'])], ['bsky', new Set(['n2', 'at://did:plc:x/app.bsky.feed.like/3k'])]]));
    expect([...found].sort()).toEqual(['bsky\u0000at://did:plc:x/app.bsky.feed.like/3k', 'masto\u0000n1']);
  });
});

describe('the analysis reads a log as it reads plain interactions', () => {
  test.prop([analysisInputArb], { numRuns: 300 })('same verdicts, figures and critic candidates from the log as from the objects', (input: Generated) => {
    const log = InteractionLog.from(input.interactions);
    expect(analyse({ ...input, interactions: log })).toEqual(analyse(input));
    const nowMs = Date.parse(input.now);
    expect(criticCandidateTexts(log, nowMs)).toEqual(criticCandidateTexts(input.interactions, nowMs));
  });

  it('a repeat run stores only the pulled interactions the stored log does not hold', () => {
    const stored = InteractionLog.from(rows.slice(0, 2));
    const merged = mergePulls({
      now: '2026-11-25T08:00:00.000Z',
      retentionDays: 400,
      storedContacts: [],
      storedSources: [],
      storedInteractions: stored,
      outcomes: [
        {
          sourceId: 'masto',
          platform: 'mastodon',
          ok: true,
          pull: {
            sourceId: 'masto', platform: 'mastodon', takenAt: '2026-11-25T08:00:00.000Z', owner: { id: 'me', handle: '@me' }, contacts: [],
            interactions: [row(0), row(1), { ...row(0), id: 'fresh' }].map(({ sourceId: _s, ...i }) => i),
            contactsCompleteness: 'complete', interactionsCompleteness: 'complete', problems: [], requests: 1,
          },
        },
      ],
    });
    expect(merged.newInteractions.map((i) => i.id)).toEqual(['fresh']);
  });
});
