/**
 * The report step reads the staged parts back as columns (issue 20, point 2):
 * gzipped chunks decoded one at a time into an InteractionLog, assembled and
 * merged without an object per interaction. Whatever the parts hold, that
 * path must give what the plain path gave: the same assembled pull, the same
 * merge (contacts, lifetime totals, new interactions, source states) and the
 * same verdicts.
 */
import { gzipSync } from 'node:zlib';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemblePull } from '../../../shared/app/assemble-pull.ts';
import { mergePulls } from '../../../shared/app/merge-pulls.ts';
import { Audience, Policy } from '../../../shared/config/schema.ts';
import { analyse } from '../../../shared/domain/analyse.ts';
import type { TrackedContact } from '../../../shared/domain/analysis-types.ts';
import { InteractionLog, type SourcedInteraction } from '../../../shared/domain/interaction-log.ts';
import type { Contact, Interaction, SourcePull } from '../../../shared/domain/model.ts';
import type { FiringSource } from '../../../shared/ports/firing-store.ts';
import { readStagedParts } from '../../../shared/store/staged-columns.ts';

const NOW_MS = Date.parse('2026-06-01T12:00:00.000Z');
const NOW = new Date(NOW_MS).toISOString();
const DAY = 86_400_000;
const IDS = ['a', 'b', 'c', 'd', 'e', 'did:plc:x'] as const;

/**
 * An instant as a source may spell it: canonical, without milliseconds, or with an offset. Often one of a
 * few, so one instant comes spelled two ways (which of equal instants is "the latest" shows).
 */
const dayArb = fc.oneof(fc.constantFrom(-1, -2, -400), fc.integer({ min: -800, max: 20 }));
const msArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: DAY - 1 }).map((ms) => ms - (ms % 1000)), fc.integer({ min: 0, max: DAY - 1 }));
const instantArb = fc.tuple(dayArb, msArb, fc.constantFrom('canonical', 'seconds', 'offset')).map(([days, ms, form]) => {
  const at = NOW_MS + days * DAY + ms;
  const iso = new Date(at).toISOString();
  if (form === 'seconds') return `${iso.slice(0, 19)}Z`;
  if (form === 'offset') return `${new Date(at + 2 * 3_600_000).toISOString().slice(0, 23)}+02:00`;
  return iso;
});

const interactionArb: fc.Arbitrary<Interaction> = fc
  .record({
    // A small pool of ids: the same notification in two parts, or already stored.
    id: fc.integer({ min: 0, max: 40 }).map((n) => `n${n}`),
    contactId: fc.constantFrom(...IDS),
    kind: fc.constantFrom('like', 'repost', 'reply', 'quote', 'mention', 'follow'),
    direction: fc.constantFrom('inbound', 'outbound'),
    at: instantArb,
    postUrl: fc.option(fc.constant('https://x.social/p/1'), { nil: undefined }),
    text: fc.option(fc.constantFrom('thanks!', 'wrong again', ''), { nil: undefined }),
    lang: fc.option(fc.constantFrom('en', 'it'), { nil: undefined }),
  })
  .map((i) => Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined)) as Interaction);

const contactArb: fc.Arbitrary<Contact> = fc.record({
  id: fc.constantFrom(...IDS),
  relation: fc.constantFrom('following', 'follower', 'mutual'),
  followedAt: fc.option(instantArb, { nil: undefined }),
  postsCount: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
}).map(({ id, relation, followedAt, postsCount }) => ({
  id,
  handle: `@${id}@x.social`,
  displayName: id,
  bio: '',
  relation,
  state: 'active' as const,
  ...(followedAt !== undefined ? { followedAt } : {}),
  ...(postsCount !== undefined ? { postsCount } : {}),
}));

const partArb = fc.record({
  contacts: fc.array(contactArb, { maxLength: 5 }),
  interactions: fc.array(interactionArb, { maxLength: 12 }),
  // How many chunks the part was staged as (the firing store splits a big part; each chunk repeats the part's fields).
  chunks: fc.integer({ min: 1, max: 3 }),
  problem: fc.option(fc.constant('page 3 timed out'), { nil: undefined }),
});

const caseArb = fc.record({
  platform: fc.constantFrom('mastodon', 'bluesky', 'threads'),
  parts: fc.array(partArb, { minLength: 1, maxLength: 4 }),
  phase: fc.constantFrom<FiringSource['phase']>('complete', 'complete', 'partial', 'failed'),
  retentionDays: fc.integer({ min: 30, max: 900 }),
  stored: fc.array(interactionArb, { maxLength: 10 }),
  storedContacts: fc.subarray([...IDS]),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function pullOf(platform: string, part: Case['parts'][number], last: boolean): SourcePull {
  return {
    sourceId: 'src',
    platform,
    takenAt: NOW,
    owner: { id: 'me', handle: '@me@x.social' },
    contacts: part.contacts,
    interactions: part.interactions,
    contactsCompleteness: 'complete',
    interactionsCompleteness: 'complete',
    historySince: '2025-01-01T00:00:00.000Z',
    ...(last ? { cursor: 'c1' } : {}),
    problems: part.problem !== undefined ? [part.problem] : [],
    requests: 2,
  };
}

/** A part as the firing store stages it: gzipped JSON chunks, contacts and interactions split among them. */
function chunksOf(pull: SourcePull, count: number): Uint8Array[] {
  const slice = <T>(xs: T[], i: number): T[] => xs.slice(Math.floor((xs.length * i) / count), Math.floor((xs.length * (i + 1)) / count));
  return Array.from({ length: count }, (_, i) => gzipSync(JSON.stringify({ ...pull, contacts: slice(pull.contacts, i), interactions: slice(pull.interactions, i) })));
}

function tracked(id: string): TrackedContact {
  return { id, handle: `@${id}@x.social`, displayName: id, bio: '', relation: 'mutual', state: 'active', sourceId: 'src', platform: 'mastodon', firstSeenAt: '2025-06-01T00:00:00.000Z', lastSeenAt: '2026-05-25T00:00:00.000Z', lifetime: { inbound: 2, outbound: 1, lastInboundAt: '2026-01-01T00:00:00Z' } };
}

function bothPaths(c: Case) {
  const entry: FiringSource = { sourceId: 'src', platform: c.platform, phase: c.phase, parts: c.parts.map((p) => p.chunks), requests: 0, items: 0, ...(c.phase === 'failed' ? { problem: 'HTTP 500', checkpoint: 'x' } : {}) };
  const pulls = c.parts.map((p, i) => pullOf(c.platform, p, i === c.parts.length - 1));
  const bodies = new Map(pulls.flatMap((pull, seq) => chunksOf(pull, c.parts[seq]?.chunks ?? 1).map((body, chunk) => [`${seq}.${chunk}`, body] as const)));
  const staged = readStagedParts('src', entry.parts, (seq, chunk) => bodies.get(`${seq}.${chunk}`), (seq, chunk) => `part ${seq}.${chunk}`);

  const plain = assemblePull(entry, pulls, new Date(NOW_MS), 6);
  const columns = assemblePull(entry, staged, new Date(NOW_MS), 6);
  const stored: SourcedInteraction[] = c.stored.map((i) => ({ ...i, sourceId: 'src' }));
  const common = { now: NOW, retentionDays: c.retentionDays, storedContacts: c.storedContacts.map(tracked), storedSources: [] };
  const plainMerge = mergePulls({ ...common, outcomes: [plain], storedInteractions: stored });
  const columnMerge = mergePulls({ ...common, outcomes: [columns], storedInteractions: InteractionLog.from(stored) });
  return { plain, columns, plainMerge, columnMerge, stored };
}

describe('staged parts read as columns give what the plain parts gave', () => {
  test.prop([caseArb], { numRuns: 500 })('the same assembled pull, merge and verdicts', (c: Case) => {
    const { plain, columns, plainMerge, columnMerge, stored } = bothPaths(c);
    expect(columns.ok).toBe(plain.ok);
    if (plain.ok && columns.ok) {
      expect(columns.pull.interactions).toBeInstanceOf(InteractionLog);
      const { interactions: columnRows, ...columnHead } = columns.pull;
      const { interactions: plainRows, ...plainHead } = plain.pull;
      expect(columnHead).toEqual(plainHead);
      expect([...columnRows]).toEqual(plainRows.map((i) => ({ ...i, sourceId: 'src' })));
    }
    const { newInteractions: columnNew, ...columnRest } = columnMerge;
    const { newInteractions: plainNew, ...plainRest } = plainMerge;
    expect(columnRest).toEqual(plainRest);
    expect([...columnNew]).toEqual([...plainNew]);

    // The history as the report step hands it to the analysis: stored, then what this run adds.
    const history = InteractionLog.from(stored);
    for (const i of columnNew) history.push(i);
    const input = { now: NOW, policy: Policy.parse({ retentionDays: Math.max(c.retentionDays, 180) }), audience: Audience.parse({}), decisions: { allowlist: [], snoozed: [] }, sources: plainMerge.sourceRuns, current: plainMerge.current, previous: c.storedContacts.map(tracked) };
    expect(analyse({ ...input, current: columnMerge.current, interactions: history })).toEqual(analyse({ ...input, interactions: [...stored, ...plainNew] }));
  });

  it('a first import passes the staged log on whole as the new interactions, never copied', () => {
    const part = { contacts: [], interactions: Array.from({ length: 50 }, (_, k): Interaction => ({ id: `n${k}`, contactId: IDS[k % IDS.length] ?? 'a', kind: 'like', direction: 'inbound', at: new Date(NOW_MS - k * DAY).toISOString() })), chunks: 2, problem: undefined };
    const { columns, columnMerge } = bothPaths({ platform: 'mastodon', parts: [part, { ...part, interactions: [] }], phase: 'complete', retentionDays: 400, stored: [], storedContacts: [] });
    if (!columns.ok) throw new Error('no pull');
    expect(columnMerge.newInteractions).toBe(columns.pull.interactions);
    expect(columnMerge.newInteractions).toHaveLength(50);
  });

  it('names the chunk that is missing or unreadable', () => {
    const good = chunksOf(pullOf('mastodon', { contacts: [], interactions: [], chunks: 1, problem: undefined }, true), 1)[0];
    expect(() => readStagedParts('src', [2], (_s, chunk) => (chunk === 0 ? good : undefined), (s, c) => `staged part ${s}.${c} of src`)).toThrow('staged part 0.1 of src is missing (expired?)');
    const bad = gzipSync(JSON.stringify({ sourceId: 'src', interactions: [{ id: 'x' }] }));
    expect(() => readStagedParts('src', [1], () => bad, (s, c) => `staged part ${s}.${c} of src`)).toThrow(/^staged part 0\.0 of src is unreadable: /);
    expect(() => readStagedParts('src', [1], () => new Uint8Array([1, 2, 3]), (s, c) => `staged part ${s}.${c} of src`)).toThrow(/^staged part 0\.0 of src is unreadable: /);
  });
});
