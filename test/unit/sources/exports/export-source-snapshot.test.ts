/**
 * One export's snapshot in followback's terms (snapshot-to-pull.ts): relations, follow dates,
 * identities per network, the owner left out, interactions only about contacts (Facebook names
 * matched to exactly one contact), stable ids, and completeness from the lists.
 */
import { describe, expect, it } from 'vitest';
import { SourcePull } from '../../../../shared/domain/model.ts';
import type { ExportInteraction, ExportSnapshot, ExportTie } from '../../../../shared/sources/exports/export-types.ts';
import { exportInteractionId, profileUrlOf, snapshotToPull } from '../../../../shared/sources/exports/snapshot-to-pull.ts';

const AT = '2026-11-02T00:00:00.000Z';
const tie = (handle: string, since?: string): ExportTie => ({ person: { handle }, ...(since !== undefined ? { since } : {}) });
const named = (displayName: string, since?: string): ExportTie => ({ person: { displayName }, ...(since !== undefined ? { since } : {}) });
const snap = (over: Partial<ExportSnapshot>): ExportSnapshot => ({
  network: 'instagram',
  exportedAt: AT,
  era: 'test',
  filesRead: [],
  followers: { ties: [], complete: true },
  following: { ties: [], complete: true },
  mutuals: null,
  interactions: [],
  warnings: [],
  ...over,
});
const pullOf = (s: ExportSnapshot): SourcePull => SourcePull.parse(snapshotToPull(s, { sourceId: 'ig', label: 'export.zip' }));
const like = (person: ExportInteraction['person'], at: string, direction: 'inbound' | 'outbound' = 'outbound', kind: ExportInteraction['kind'] = 'like'): ExportInteraction => ({ kind, direction, at, person });

describe('relations and follow dates', () => {
  it('someone in both lists is mutual, with both dates; one list alone gives following or follower', () => {
    const pull = pullOf(
      snap({
        followers: { ties: [tie('Ada.Rossi', '2025-02-11T09:00:00.000Z'), tie('chen', '2026-10-20T07:00:00.000Z')], complete: true },
        following: { ties: [tie('ada.rossi', '2025-02-10T10:00:00.000Z'), tie('bruno', '2026-01-05T12:00:00.000Z')], complete: true },
      }),
    );
    expect(pull.contacts.map((c) => [c.id, c.handle, c.relation, c.followedAt, c.followerSince])).toEqual([
      ['ada.rossi', '@ada.rossi', 'mutual', '2025-02-10T10:00:00.000Z', '2025-02-11T09:00:00.000Z'],
      ['bruno', '@bruno', 'following', '2026-01-05T12:00:00.000Z', undefined],
      ['chen', '@chen', 'follower', undefined, '2026-10-20T07:00:00.000Z'],
    ]);
    expect(pull.contacts[0]?.profileUrl).toBe('https://www.instagram.com/ada.rossi');
    expect(pull).toMatchObject({ platform: 'instagram', takenAt: AT, cursor: AT, contactsCompleteness: 'complete', interactionsCompleteness: 'complete' });
  });

  it('Facebook friends and LinkedIn connections are always mutual', () => {
    const fb = pullOf(snap({ network: 'facebook', followers: null, following: null, mutuals: { ties: [named('Mario Rossi', '2020-01-01T00:00:00.000Z')], complete: true } }));
    expect(fb.contacts).toMatchObject([{ id: 'Mario Rossi@2020-01-01', handle: 'Mario Rossi', displayName: 'Mario Rossi', relation: 'mutual', followedAt: '2020-01-01T00:00:00.000Z' }]);
    expect(fb.contacts[0]?.profileUrl).toBeUndefined();
    const li = pullOf(
      snap({ network: 'linkedin', followers: null, following: null, mutuals: { ties: [{ person: { handle: 'Ada-Rossi-1a2b', displayName: 'Ada Rossi' }, since: '2024-03-01T00:00:00.000Z' }], complete: true } }),
    );
    expect(li.contacts).toMatchObject([{ id: 'ada-rossi-1a2b', relation: 'mutual', profileUrl: 'https://www.linkedin.com/in/ada-rossi-1a2b', displayName: 'Ada Rossi' }]);
  });

  it('Facebook homonyms with different dates stay two contacts; a unique name joins its friend and follower entries', () => {
    const pull = pullOf(
      snap({
        network: 'facebook',
        mutuals: { ties: [named('Luca Bianchi', '2019-05-01T00:00:00.000Z'), named('Luca Bianchi', '2021-07-01T00:00:00.000Z'), named('Anna Verdi', '2018-01-01T00:00:00.000Z')], complete: true },
        followers: { ties: [named('Anna Verdi', '2018-01-02T00:00:00.000Z')], complete: true },
        following: { ties: [], complete: true },
      }),
    );
    expect(pull.contacts.map((c) => c.id).sort()).toEqual(['Anna Verdi@2018-01-01', 'Luca Bianchi@2019-05-01', 'Luca Bianchi@2021-07-01']);
  });

  it('X follower ids become x:<id>, with the handle where the archive names it', () => {
    const pull = pullOf(
      snap({
        network: 'x',
        followers: { ties: [{ person: { id: '444', handle: 'ada' } }, { person: { id: '555' } }], complete: true },
        following: { ties: [{ person: { id: '444', handle: 'ada' } }], complete: true },
      }),
    );
    expect(pull.contacts.map((c) => [c.id, c.handle, c.relation, c.profileUrl])).toEqual([
      ['x:444', '@ada', 'mutual', 'https://x.com/ada'],
      ['x:555', 'x:555', 'follower', 'https://x.com/i/user/555'],
    ]);
  });

  it('profile links per network', () => {
    expect(profileUrlOf('threads', { handle: 'Ada' })).toBe('https://www.threads.net/@ada');
    expect(profileUrlOf('tiktok', { handle: 'ada_99' })).toBe('https://www.tiktok.com/@ada_99');
    expect(profileUrlOf('facebook', { handle: 'x' })).toBeUndefined();
  });

  it('the owner is never a contact', () => {
    const pull = pullOf(snap({ owner: { handle: 'me.brand' }, followers: { ties: [tie('ME.brand'), tie('ada')], complete: true } }));
    expect(pull.contacts.map((c) => c.id)).toEqual(['ada']);
    expect(pull.owner).toEqual({ id: 'me.brand', handle: 'me.brand' });
  });
});

describe('interactions', () => {
  it('only interactions about contacts are kept, with stable ids: the same export read twice gives the same ids', () => {
    const s = snap({
      following: { ties: [tie('ada')], complete: true },
      interactions: [like({ handle: 'Ada' }, '2026-10-01T10:00:00.000Z'), like({ handle: 'stranger' }, '2026-10-02T10:00:00.000Z'), like({ handle: 'ada' }, '2026-10-01T10:00:00.000Z')],
    });
    const a = pullOf(s);
    const b = pullOf(structuredClone(s));
    expect(a.interactions).toHaveLength(1);
    expect(a.interactions[0]).toMatchObject({ contactId: 'ada', kind: 'like', direction: 'outbound', at: '2026-10-01T10:00:00.000Z' });
    expect(b.interactions.map((i) => i.id)).toEqual(a.interactions.map((i) => i.id));
    expect(a.interactions[0]?.id).toBe(exportInteractionId('instagram', { kind: 'like', direction: 'outbound', at: '2026-10-01T10:00:00.000Z' }, 'ada'));
  });

  it('a Facebook notification counts for the one contact with that name; an ambiguous or unknown name is counted, never guessed', () => {
    const pull = pullOf(
      snap({
        network: 'facebook',
        mutuals: { ties: [named('Mario Rossi', '2019-01-01T00:00:00.000Z'), named('Luca Bianchi', '2019-05-01T00:00:00.000Z'), named('Luca Bianchi', '2021-07-01T00:00:00.000Z')], complete: true },
        followers: null,
        following: null,
        interactions: [
          like({ displayName: 'Mario Rossi' }, '2026-10-01T10:00:00.000Z', 'inbound', 'reply'),
          like({ displayName: 'Luca Bianchi' }, '2026-10-02T10:00:00.000Z', 'inbound'),
          like({ displayName: 'Someone Else' }, '2026-10-03T10:00:00.000Z', 'inbound'),
        ],
      }),
    );
    expect(pull.interactions).toMatchObject([{ contactId: 'Mario Rossi@2019-01-01', kind: 'reply', direction: 'inbound' }]);
    expect(pull.problems.join('\n')).toMatch(/1 interactions name someone who matches several contacts/);
    expect(pull.problems.join('\n')).toMatch(/1 interactions name someone who matches no contact/);
  });

  it('an X mention by handle reaches the follower known by id', () => {
    const pull = pullOf(
      snap({
        network: 'x',
        followers: { ties: [{ person: { id: '444', handle: 'ada' } }], complete: true },
        interactions: [like({ handle: 'ada' }, '2026-10-01T10:00:00.000Z', 'outbound', 'mention'), like({ id: '444', handle: 'ada' }, '2026-10-02T10:00:00.000Z', 'outbound', 'reply')],
      }),
    );
    expect(pull.interactions.map((i) => [i.contactId, i.kind])).toEqual([
      ['x:444', 'mention'],
      ['x:444', 'reply'],
    ]);
  });
});

describe('completeness', () => {
  it("a date-range export's followers list is incomplete: the pull is partial with the parser's reason", () => {
    const pull = pullOf(snap({ followers: { ties: [tie('ada')], complete: false, problem: 'Your followers were cut by a date range: export "All time".' } }));
    expect(pull.contactsCompleteness).toBe('partial');
    expect(pull.problems).toContain('export.zip: Your followers were cut by a date range: export "All time".');
  });

  it('a list the network needs that the export lacks makes the pull partial', () => {
    const pull = pullOf(snap({ followers: null }));
    expect(pull.contactsCompleteness).toBe('partial');
    expect(pull.problems.join('\n')).toMatch(/holds no followers list/);
    expect(pullOf(snap({ network: 'facebook', followers: null, following: null, mutuals: { ties: [], complete: true } })).contactsCompleteness).toBe('complete');
  });
});
