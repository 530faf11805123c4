/** Issue 8, point 3: an allowlist or snooze entry that matches nobody must not be silent. */
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../shared/domain/analyse.ts';
import { editDistance, unmatchedDecisions } from '../../../shared/domain/decisions.ts';
import { contact, daysAgo, input, NOW } from './builders.ts';

const NOW_MS = Date.parse(NOW);
const contacts = [contact('mum', { handle: '@mum@social.example' }), contact('pal', { handle: '@pal@social.example' })];

describe('unmatched allowlist and snooze entries', () => {
  it('an entry that matches by handle or by key is not reported', () => {
    const decisions = { allowlist: ['MUM@social.example', 'masto:pal'], snoozed: [] };
    expect(unmatchedDecisions(decisions, contacts, NOW_MS)).toEqual([]);
  });

  it('a typo is reported with the closest handle', () => {
    const decisions = { allowlist: ['@mum@socail.example'], snoozed: [] };
    expect(unmatchedDecisions(decisions, contacts, NOW_MS)).toEqual([{ entry: '@mum@socail.example', kind: 'allowlist', closest: '@mum@social.example' }]);
  });

  it('a stranger is reported without a guess', () => {
    const decisions = { allowlist: ['@somebody.else@far.away'], snoozed: [] };
    expect(unmatchedDecisions(decisions, contacts, NOW_MS)).toEqual([{ entry: '@somebody.else@far.away', kind: 'allowlist' }]);
  });

  it('an active snooze that matches nobody is reported; an expired one is not', () => {
    const decisions = { allowlist: [], snoozed: [{ contact: '@ghost@social.example', until: daysAgo(-10) }, { contact: '@old@social.example', until: daysAgo(10) }] };
    expect(unmatchedDecisions(decisions, contacts, NOW_MS).map((u) => [u.kind, u.entry])).toEqual([['snooze', '@ghost@social.example']]);
  });

  it('the analysis lists them', () => {
    const a = analyse(input({ current: contacts, decisions: { allowlist: ['@mum@social.exmaple'], snoozed: [] } }));
    expect(a.unmatchedDecisions).toEqual([{ entry: '@mum@social.exmaple', kind: 'allowlist', closest: '@mum@social.example' }]);
  });

  it('edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
