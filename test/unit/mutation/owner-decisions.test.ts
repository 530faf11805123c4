/**
 * The owner's allowlist and snoozes, at their edges: entries written with
 * spaces, overlapping snoozes, snoozes that end now, and the "did you mean"
 * guess for an entry that names nobody.
 */
import { describe, expect, it } from 'vitest';
import { editDistance, matchDecisions, unmatchedDecisions } from '../../../shared/domain/decisions.ts';
import { NOW } from '../domain/builders.ts';

const nowMs = Date.parse(NOW); // 2026-06-01T12:00:00Z
const alice = { sourceId: 'masto', id: '109', handle: 'alice@example.social' };
const none = { allowlist: [], snoozed: [] };
const people = (...handles: string[]) => handles.map((handle, i) => ({ sourceId: 'masto', id: String(i), handle }));

describe('matching entries to contacts', () => {
  it('a key written with spaces around it still allowlists and snoozes the contact', () => {
    const m = matchDecisions({ allowlist: ['  masto:109 '], snoozed: [{ contact: ' masto:109  ', until: '2026-07-01' }] }, nowMs);
    expect(m.decisionFor(alice)).toEqual({ allowlistedBy: '  masto:109 ', snoozedUntil: '2026-07-01' });
  });

  it('a contact no entry names gets no decision at all', () => {
    expect(matchDecisions({ allowlist: ['bob@example.social'], snoozed: [] }, nowMs).decisionFor(alice)).toStrictEqual({});
  });

  it('of two snoozes for one contact the longer wins, whichever is written first', () => {
    const longerFirst = [{ contact: 'masto:109', until: '2026-09-01' }, { contact: 'masto:109', until: '2026-07-01' }];
    expect(matchDecisions({ allowlist: [], snoozed: longerFirst }, nowMs).decisionFor(alice).snoozedUntil).toBe('2026-09-01');
    expect(matchDecisions({ allowlist: [], snoozed: [...longerFirst].reverse() }, nowMs).decisionFor(alice).snoozedUntil).toBe('2026-09-01');
  });

  it('of two snoozes ending at the same instant, the one written first is shown', () => {
    // A date-only until runs to the end of that day: both end at 2026-07-02T00:00Z.
    const snoozed = [{ contact: 'masto:109', until: '2026-07-01' }, { contact: 'masto:109', until: '2026-07-02T00:00:00Z' }];
    expect(matchDecisions({ allowlist: [], snoozed }, nowMs).decisionFor(alice).snoozedUntil).toBe('2026-07-01');
  });
});

describe('entries that name nobody', () => {
  it('a key written with spaces around it names its contact and is not reported', () => {
    expect(unmatchedDecisions({ allowlist: [' masto:109 '], snoozed: [] }, [alice], nowMs)).toEqual([]);
  });

  it('every distinct unmatched entry is reported once, in the order written', () => {
    const decisions = { allowlist: ['@nobody@far.away', '@stranger@else.where', '@nobody@far.away'], snoozed: [{ contact: '@nobody@far.away', until: '2026-07-01' }] };
    expect(unmatchedDecisions(decisions, [alice], nowMs).map((u) => [u.kind, u.entry])).toEqual([
      ['allowlist', '@nobody@far.away'],
      ['allowlist', '@stranger@else.where'],
      ['snooze', '@nobody@far.away'],
    ]);
  });

  it('a snooze that ends exactly now protects nobody and is not reported', () => {
    expect(unmatchedDecisions({ allowlist: [], snoozed: [{ contact: '@gone@far.away', until: NOW }] }, [alice], nowMs)).toEqual([]);
    expect(unmatchedDecisions({ allowlist: [], snoozed: [{ contact: '@gone@far.away', until: '2026-06-01T12:00:00.001Z' }] }, [alice], nowMs)).toHaveLength(1);
  });

  it('a stranger entry has no closest handle at all', () => {
    expect(unmatchedDecisions({ allowlist: ['@somebody.else@far.away'], snoozed: [] }, [alice], nowMs)).toStrictEqual([{ entry: '@somebody.else@far.away', kind: 'allowlist' }]);
  });

  it('an unreadable until is named by its place in the decisions', () => {
    expect(() => unmatchedDecisions({ allowlist: [], snoozed: [{ contact: 'x', until: 'someday' }] }, [alice], nowMs)).toThrow('decisions.snoozed[0].until');
  });
});

describe('the closest-handle guess for a likely typo', () => {
  const guess = (entry: string, handles: string[]) => unmatchedDecisions({ ...none, allowlist: [entry] }, people(...handles), nowMs)[0]?.closest;

  it('allows up to a third of the entry as edits (four for a 12-character entry), not one more', () => {
    expect(guess('erin@example', ['erin@abc.example'])).toBe('erin@abc.example'); // four letters left out
    expect(guess('erin@example', ['erin@abcd.example'])).toBeUndefined(); // five
  });

  it('never allows more than six edits, however long the entry', () => {
    const entry = 'someone.with.a.long.name@example.social';
    expect(guess(entry, ['someone.with.a.long.name@exam.soc'])).toBe('someone.with.a.long.name@exam.soc'); // six
    expect(guess(entry, ['someone.with.a.long.name@exa.soc'])).toBeUndefined(); // seven
  });

  it('a short entry gets no guess from a handle that is more than a third different', () => {
    expect(guess('bob@ab.io', ['bobby@cd.io'])).toBeUndefined();
  });

  it('the nearest handle wins, even when a farther one sorts first', () => {
    expect(guess('zoe@example.social', ['abe@example.social', 'zoey@example.social'])).toBe('zoey@example.social');
    expect(guess('zoe@example.social', ['zoey@example.social', 'abe@example.social'])).toBe('zoey@example.social');
  });

  it('between equally near handles, the alphabetically first wins, whatever the order of contacts', () => {
    expect(guess('joe@example.social', ['jon@example.social', 'jod@example.social'])).toBe('jod@example.social');
    expect(guess('joe@example.social', ['jod@example.social', 'jon@example.social'])).toBe('jod@example.social');
  });
});

describe('edit distance', () => {
  it('counts a deletion in the middle as one edit', () => {
    expect(editDistance('abcd', 'abd')).toBe(1);
    expect(editDistance('example', 'exmple')).toBe(1);
  });

  it('with a limit, gives up at limit + 1 as soon as every path is longer', () => {
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });

  it('with a limit, a distance exactly at the limit is still returned exactly', () => {
    expect(editDistance('ab', 'xy', 2)).toBe(2);
    expect(editDistance('abc', 'xyz', 3)).toBe(3);
  });
});
