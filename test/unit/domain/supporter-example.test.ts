/** What the report quotes of a top supporter, so the owner can say "this is criticism" of that very reply. */
import { describe, expect, it } from 'vitest';
import type { TimedInteraction } from '../../../shared/domain/interaction-index.ts';
import { supporterExample } from '../../../shared/domain/top-supporters.ts';

const ms = (iso: string) => Date.parse(iso);
const NOW = ms('2026-11-25T08:00:00.000Z');
const WINDOW = ms('2026-08-27T08:00:00.000Z');

function i(id: string, at: string, extra: Partial<TimedInteraction> = {}): TimedInteraction {
  return { id, kind: 'reply', direction: 'inbound', at, atMs: ms(at), text: `text of ${id}`, lang: undefined, ...extra };
}

describe('a top supporter\'s quoted reply', () => {
  it('is their latest inbound reply, mention or quote with text in the window, with its id and instant', () => {
    const example = supporterExample(
      [
        i('old-reply', '2026-09-01T00:00:00.000Z'),
        i('mention', '2026-11-01T00:00:00.000Z', { kind: 'mention' }),
        i('later-like', '2026-11-20T00:00:00.000Z', { kind: 'like', text: undefined }),
        i('my-reply', '2026-11-21T00:00:00.000Z', { direction: 'outbound' }),
        i('blank', '2026-11-22T00:00:00.000Z', { text: '   ' }),
        i('before-window', '2026-08-01T00:00:00.000Z'),
        i('future', '2026-12-01T00:00:00.000Z'),
      ],
      WINDOW,
      NOW,
    );
    expect(example).toEqual({ example: 'text of mention', exampleAt: '2026-11-01T00:00:00.000Z', exampleId: 'mention' });
  });

  it('is cut to 280 code points like a critic\'s, and ties go to the smaller id (a stable report)', () => {
    const long = '😀'.repeat(300);
    const at = '2026-11-10T00:00:00.000Z';
    const example = supporterExample([i('b', at, { text: long }), i('a', at, { text: long })], WINDOW, NOW);
    expect(example?.exampleId).toBe('a');
    expect([...(example?.example ?? '')]).toHaveLength(280);
    expect(example?.example?.endsWith('…')).toBe(true);
  });

  it('is nothing for a supporter who only liked and reposted', () => {
    expect(supporterExample([i('l', '2026-11-10T00:00:00.000Z', { kind: 'like', text: undefined }), i('r', '2026-11-11T00:00:00.000Z', { kind: 'repost', text: undefined })], WINDOW, NOW)).toBeNull();
  });
});
