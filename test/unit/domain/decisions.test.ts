import { describe, expect, it } from 'vitest';
import { matchDecisions, normaliseHandle } from '../../../shared/domain/decisions.ts';
import { analyse } from '../../../shared/domain/analyse.ts';
import { NOW, contact, daysAgo, input, verdictOf } from './builders.ts';

const nowMs = Date.parse(NOW); // 2026-06-01T12:00:00Z
const alice = { sourceId: 'masto', id: '109', handle: 'Alice@Example.Social' };
const did = { sourceId: 'sky', id: 'did:plc:abc123', handle: 'alice.bsky.social' };

describe('allowlist matching', () => {
  it.each(['alice@example.social', '@alice@example.social', '@ALICE@EXAMPLE.SOCIAL', '  alice@Example.social '])('"%s" matches the handle Alice@Example.Social', (entry) => {
    expect(matchDecisions({ allowlist: [entry], snoozed: [] }, nowMs).decisionFor(alice).allowlistedBy).toBe(entry);
  });

  it('matches sourceId:contactId, even when the id itself contains colons', () => {
    const m = matchDecisions({ allowlist: ['masto:109', 'sky:did:plc:abc123'], snoozed: [] }, nowMs);
    expect(m.decisionFor(alice).allowlistedBy).toBe('masto:109');
    expect(m.decisionFor(did).allowlistedBy).toBe('sky:did:plc:abc123');
  });

  it('does not match another source, another id or a handle prefix', () => {
    const m = matchDecisions({ allowlist: ['sky:109', 'masto:10', 'alice', 'alice@example'], snoozed: [] }, nowMs);
    expect(m.decisionFor(alice)).toEqual({});
  });

  it('normalises handles by trimming, dropping one leading @ and lower-casing', () => {
    expect(normaliseHandle(' @Bob.bsky.Social ')).toBe('bob.bsky.social');
  });
});

describe('snoozes', () => {
  const snoozedUntil = (until: string, at = nowMs) => matchDecisions({ allowlist: [], snoozed: [{ contact: '@alice@example.social', until }] }, at).decisionFor(alice).snoozedUntil;

  it('a snooze applies while now is before its until', () => {
    expect(snoozedUntil('2026-06-01T12:00:00.001Z')).toBe('2026-06-01T12:00:00.001Z');
  });

  it('a snooze has expired at exactly its until', () => {
    expect(snoozedUntil('2026-06-01T12:00:00Z')).toBeUndefined();
  });

  it('a date-only until holds through the end of that day, UTC', () => {
    expect(snoozedUntil('2026-06-01')).toBe('2026-06-01');
    expect(snoozedUntil('2026-06-01', Date.parse('2026-06-01T23:59:59.999Z'))).toBe('2026-06-01');
    expect(snoozedUntil('2026-06-01', Date.parse('2026-06-02T00:00:00Z'))).toBeUndefined();
    expect(snoozedUntil('2026-05-31')).toBeUndefined();
  });

  it('an until with an offset is compared as an instant', () => {
    // 2026-06-01T13:30+02:00 is 11:30Z, before now (12:00Z).
    expect(snoozedUntil('2026-06-01T13:30:00+02:00')).toBeUndefined();
    expect(snoozedUntil('2026-06-01T08:30:00-04:00')).toBe('2026-06-01T08:30:00-04:00');
  });

  it('of two snoozes for one contact, the longer one wins', () => {
    const m = matchDecisions({ allowlist: [], snoozed: [{ contact: 'masto:109', until: '2026-07-01' }, { contact: 'alice@example.social', until: '2026-09-01' }, { contact: 'masto:109', until: '2026-05-01' }] }, nowMs);
    expect(m.decisionFor(alice).snoozedUntil).toBe('2026-09-01');
  });

  it('once a snooze expires, the contact is judged again', () => {
    const snoozed = [{ contact: 'ghost@example.social', until: daysAgo(1) }];
    const v = verdictOf(analyse(input({ decisions: { allowlist: [], snoozed }, current: [contact('ghost')] })).verdicts, 'ghost');
    expect(v.reasons).toEqual(['never_engaged']);
    expect(v.recommendation).toBe('unfollow');
  });
});
