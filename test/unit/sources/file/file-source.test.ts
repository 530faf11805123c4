import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourcePull } from '../../../../shared/domain/model.ts';
import type { ProgressEvent } from '../../../../shared/ports/source.ts';
import { SourceError } from '../../../../shared/ports/source.ts';
import { FileSource } from '../../../../shared/sources/file/file-source.ts';

const FIXTURE_PATH = join(import.meta.dirname, '../../../fixtures/snapshots/small.json');
const fixtureText = readFileSync(FIXTURE_PATH, 'utf8');
const NOW = new Date('2026-11-25T09:00:00Z');

type Json = Record<string, unknown>;
const fixture = (): Json => JSON.parse(fixtureText) as Json;

/** A source over in-memory text, named like a real snapshot path so messages can be checked. */
function sourceOver(text: string, path = 'snapshots/me.json'): FileSource {
  return new FileSource({ id: 'file', path, readFile: async () => text });
}

async function rejection(text: string): Promise<SourceError> {
  const error = await sourceOver(text).pull({ now: NOW }).then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

function withContact(index: number, patch: Json): string {
  const file = fixture();
  const contacts = file['contacts'] as Json[];
  contacts[index] = { ...contacts[index], ...patch };
  return JSON.stringify(file, null, 2);
}

const sha16 = (parts: string[]): string => createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 16);

describe('file source: a valid snapshot', () => {
  it('round-trips the fixture into a pull that validates, with every contact as written', async () => {
    const pull = await new FileSource({ id: 'threads-export', path: FIXTURE_PATH }).pull({ now: NOW });
    expect(() => SourcePull.parse(pull)).not.toThrow();
    const file = fixture();
    expect(pull.sourceId).toBe('threads-export');
    expect(pull.platform).toBe('threads');
    expect(pull.takenAt).toBe(file['takenAt']);
    expect(pull.owner).toEqual(file['owner']);
    // Written out, not built with the schema under test: a default or a field the schema dropped would show here.
    expect(pull.contacts).toEqual([
      {
        id: 'c-ada',
        handle: '@ada.rossi',
        displayName: 'Ada Rossi',
        bio: 'Frontend developer. Accessibility nerd.',
        profileUrl: 'https://example.social/@ada.rossi',
        relation: 'mutual',
        followedAt: '2025-02-10T10:00:00Z',
        followerSince: '2025-02-11T09:00:00Z',
        lastPostAt: '2026-11-24T18:00:00Z',
        state: 'active',
        languages: ['it', 'en'],
        postsCount: 1520,
        followersCount: 830,
        followingCount: 410,
      },
      { id: 'c-bruno', handle: '@bruno', displayName: '', bio: '', relation: 'following', followedAt: '2026-01-05T12:00:00Z', lastPostAt: '2026-03-01T08:00:00Z', state: 'active' },
      { id: 'c-chen', handle: '@chen.li', displayName: '<b>Chen</b> & "Li"', bio: '', relation: 'follower', followerSince: '2026-11-20T07:00:00Z', state: 'active' },
      { id: 'c-dario', handle: '@dario', displayName: '', bio: '', relation: 'following', followedAt: '2024-06-01T00:00:00Z', state: 'moved', movedTo: '@dario@new.example' },
    ]);
    expect(pull.contactsCompleteness).toBe('complete');
    expect(pull.interactionsCompleteness).toBe('complete');
    expect(pull.historySince).toBe('2026-05-01T00:00:00Z');
    expect(pull.problems).toEqual([]);
  });

  it('keeps the contacts defaults of the model for omitted fields', async () => {
    const pull = await sourceOver(fixtureText).pull({ now: NOW });
    const bruno = pull.contacts.find((c) => c.id === 'c-bruno');
    expect(bruno).toMatchObject({ displayName: '', bio: '', state: 'active' });
  });

  it('uses the file takenAt as the cursor and returns every interaction again on the next pull', async () => {
    const source = sourceOver(fixtureText);
    const first = await source.pull({ now: NOW });
    const second = await source.pull({ now: NOW, cursor: first.cursor });
    expect(first.cursor).toBe('2026-11-25T08:00:00Z');
    expect(second.interactions).toEqual(first.interactions);
  });

  it('keeps written interaction ids and derives the missing ones from sha256(contactId|kind|direction|at|postUrl)', async () => {
    const pull = await sourceOver(fixtureText).pull({ now: NOW });
    expect(pull.interactions.map((i) => i.id)).toEqual([
      'n-1001',
      sha16(['c-ada', 'like', 'inbound', '2026-11-21T08:00:00Z', 'https://example.social/@you/43']),
      sha16(['c-bruno', 'like', 'outbound', '2026-11-22T09:30:00Z', 'https://example.social/@bruno/7']),
      sha16(['c-gone', 'repost', 'inbound', '2026-10-02T12:00:00Z', 'https://example.social/@you/30']),
    ]);
  });

  it('derives the same id on every read and a different one when the content differs', async () => {
    const file = fixture();
    const interactions = file['interactions'] as Json[];
    const again = await sourceOver(JSON.stringify(file)).pull({ now: NOW });
    interactions[1] = { ...interactions[1], at: '2026-11-21T08:00:01Z' };
    const changed = await sourceOver(JSON.stringify(file)).pull({ now: NOW });
    const first = await sourceOver(fixtureText).pull({ now: NOW });
    expect(again.interactions[1]?.id).toBe(first.interactions[1]?.id);
    expect(changed.interactions[1]?.id).not.toBe(first.interactions[1]?.id);
  });

  it('derives the id of an interaction without postUrl from an empty postUrl', async () => {
    const file = fixture();
    file['interactions'] = [{ contactId: 'c-ada', kind: 'mention', direction: 'inbound', at: '2026-11-23T10:00:00Z', text: 'hi' }];
    const pull = await sourceOver(JSON.stringify(file)).pull({ now: NOW });
    expect(pull.interactions[0]?.id).toBe(sha16(['c-ada', 'mention', 'inbound', '2026-11-23T10:00:00Z', '']));
  });

  it('counts an interaction written twice without id once', async () => {
    const file = fixture();
    const interactions = file['interactions'] as Json[];
    file['interactions'] = [...interactions, interactions[1]];
    const pull = await sourceOver(JSON.stringify(file)).pull({ now: NOW });
    expect(pull.interactions).toHaveLength(interactions.length);
  });

  it('accepts interactions with former contacts who are no longer in the contact list', async () => {
    const pull = await sourceOver(fixtureText).pull({ now: NOW });
    const ids = new Set(pull.contacts.map((c) => c.id));
    const former = pull.interactions.filter((i) => !ids.has(i.contactId));
    expect(former.map((i) => i.contactId)).toEqual(['c-gone']);
  });

  it('marks the pull partial, and says why, when the file says a list is incomplete', async () => {
    const file = fixture();
    file['complete'] = { contacts: false };
    const pull = await sourceOver(JSON.stringify(file)).pull({ now: NOW });
    expect(pull.contactsCompleteness).toBe('partial');
    expect(pull.interactionsCompleteness).toBe('complete');
    expect(pull.problems.join(' ')).toContain('snapshots/me.json: the file says its contact list is incomplete');
  });

  it('treats both lists as complete when the file does not say', async () => {
    const file = fixture();
    delete file['complete'];
    delete file['historySince'];
    const pull = await sourceOver(JSON.stringify(file)).pull({ now: NOW });
    expect([pull.contactsCompleteness, pull.interactionsCompleteness]).toEqual(['complete', 'complete']);
    expect(pull.historySince).toBeUndefined();
  });

  it('reports its progress and takes the platform the file declares', async () => {
    const events: ProgressEvent[] = [];
    const source = sourceOver(fixtureText);
    expect(source.platform).toBe('file');
    await source.pull({ now: NOW, onProgress: (e) => events.push(e) });
    expect(source.platform).toBe('threads');
    expect(events).toEqual([
      { sourceId: 'file', phase: 'contacts', done: 4, total: 4 },
      { sourceId: 'file', phase: 'interactions', done: 4, total: 4 },
    ]);
  });

  it('accepts a file that starts with a byte-order mark', async () => {
    const pull = await sourceOver(`\uFEFF${fixtureText}`).pull({ now: NOW });
    expect(pull.contacts).toHaveLength(4);
  });
});

describe('file source: a broken file is rejected whole, naming the file, the record and the field', () => {
  it('invalid JSON names the line and column of the mistake', async () => {
    const text = '{\n  "formatVersion": 1,\n  "platform": "threads",,\n}';
    const error = await rejection(text);
    expect(error.message).toBe('snapshots/me.json: invalid JSON at line 3, column 25: expected a double-quoted property name, found character ","');
    expect(error.sourceId).toBe('file');
  });

  it('a trailing comma in the fixture is found on its own line', async () => {
    const lines = fixtureText.split('\n');
    const at = lines.findIndex((l) => l.includes('"followingCount": 410'));
    lines[at] = `${lines[at]},`;
    const error = await rejection(lines.join('\n'));
    expect(error.message).toContain(`invalid JSON at line ${at + 2}, column 5: expected a double-quoted property name, found character "}"`);
  });

  it('an unknown relation names the contact index and the allowed values', async () => {
    const error = await rejection(withContact(2, { relation: 'friend' }));
    expect(error.message).toBe('snapshots/me.json: contacts[2].relation: expected one of following|follower|mutual, got "friend"');
  });

  it('a field of the wrong type says what was expected and what was found', async () => {
    const error = await rejection(withContact(0, { postsCount: '1520' }));
    expect(error.message).toBe('snapshots/me.json: contacts[0].postsCount: expected number, got string "1520"');
  });

  it('a missing required field is called missing', async () => {
    const file = fixture();
    delete (file['contacts'] as Json[])[1]?.['handle'];
    const error = await rejection(JSON.stringify(file));
    expect(error.message).toBe('snapshots/me.json: contacts[1].handle: missing (expected string)');
  });

  it('a bad date names the interaction and shows the expected format', async () => {
    const file = fixture();
    (file['interactions'] as Json[])[3] = { ...(file['interactions'] as Json[])[3], at: 'yesterday' };
    const error = await rejection(JSON.stringify(file));
    expect(error.message).toBe(
      'snapshots/me.json: interactions[3].at: expected an ISO-8601 instant with offset such as "2026-11-25T08:00:00Z", got "yesterday"',
    );
  });

  it('a duplicate contact id names both records', async () => {
    const error = await rejection(withContact(3, { id: 'c-ada' }));
    expect(error.message).toBe('snapshots/me.json: contacts[3].id: duplicate contact id "c-ada" (first used by contacts[0])');
  });

  it('a duplicate written interaction id names both records', async () => {
    const file = fixture();
    (file['interactions'] as Json[])[2] = { ...(file['interactions'] as Json[])[2], id: 'n-1001' };
    const error = await rejection(JSON.stringify(file));
    expect(error.message).toBe('snapshots/me.json: interactions[2].id: duplicate interaction id "n-1001" (first used by interactions[0])');
  });

  it('several problems are listed together, the first ones in full', async () => {
    const file = fixture();
    const contacts = file['contacts'] as Json[];
    contacts.forEach((c) => (c['relation'] = 'friend'));
    const error = await rejection(JSON.stringify(file));
    expect(error.message).toMatch(/^snapshots\/me\.json: contacts\[0\]\.relation: .*; contacts\[1\]\.relation: .*; contacts\[2\]\.relation: .* \(and 1 more problem\)$/);
  });

  it('an unknown top-level field is named (likely a typo)', async () => {
    const file = fixture();
    file['interaction'] = [];
    const error = await rejection(JSON.stringify(file));
    expect(error.message).toBe('snapshots/me.json: (root): unknown field "interaction"');
  });

  it('a missing file says so, with its path', async () => {
    const path = join(import.meta.dirname, 'no-such-snapshot.json');
    const error = await new FileSource({ id: 'file', path }).pull({ now: NOW }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe(`${path}: file not found`);
  });

  it('a folder instead of a file says so', async () => {
    const error = await new FileSource({ id: 'file', path: import.meta.dirname }).pull({ now: NOW }).catch((err: unknown) => err);
    expect((error as Error).message).toBe(`${import.meta.dirname}: is a folder, not a snapshot file`);
  });

  it('another formatVersion is refused before anything else is checked', async () => {
    const file = fixture();
    file['formatVersion'] = 2;
    file['contacts'] = 'whatever version 2 has';
    const error = await rejection(JSON.stringify(file));
    expect(error.message).toBe('snapshots/me.json: formatVersion: this followback reads formatVersion 1, the file has 2');
  });

  it('a file without formatVersion is refused with what to add', async () => {
    const file = fixture();
    delete file['formatVersion'];
    const error = await rejection(JSON.stringify(file));
    expect(error.message).toBe('snapshots/me.json: formatVersion: missing; a snapshot file starts with "formatVersion": 1');
  });

  it('a file that is not a JSON object is refused', async () => {
    const error = await rejection('[]');
    expect(error.message).toBe('snapshots/me.json: (root): expected a JSON object with "formatVersion": 1');
  });

  it('an empty file is invalid JSON at its start', async () => {
    const error = await rejection('');
    expect(error.message).toBe('snapshots/me.json: invalid JSON at line 1, column 1: expected a value (object, array, string, number, true, false or null), found end of file');
  });

  it('quotes untrusted values escaped and shortened', async () => {
    const error = await rejection(withContact(0, { relation: `"friend"\n<script>${'x'.repeat(200)}` }));
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('got "\\"friend\\"\\n<script>');
    expect(error.message.length).toBeLessThan(200);
  });
});
