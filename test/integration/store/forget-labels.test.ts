/**
 * `forgetContact` deletes the owner's tone labels on the person's replies
 * (DynamoDB Local): the ones made from the page (they name the author), and
 * the ones given on the command line by interaction, by text or by the
 * report's shortened quote; a label on someone else's reply stays.
 */
import { describe, expect, it } from 'vitest';
import { interactionRef, textRef, textHash } from '../../../shared/classify/tone/owner-labels.ts';
import type { ToneLabel } from '../../../shared/ports/tone-labels.ts';
import { freshTable } from '../../helpers/dynamo.ts';
import { changes, contact, interaction, runRecord, sourceState } from './fixtures.ts';

const RUN_AT = '2026-11-25T08:00:00.000Z';
const at = '2026-11-25T09:00:00.000Z';

describe('forgetContact and tone labels (DynamoDB Local)', () => {
  it('deletes every label on the forgotten person\'s replies, and only those', { timeout: 60_000 }, async () => {
    const { store } = await freshTable({ clock: () => new Date(RUN_AT) });
    const reply = (id: string, contactId: string, text: string) => interaction(id, '2026-11-20T10:00:00.000Z', { contactId, kind: 'reply', text });
    await store.applyRun(
      'alice',
      changes({
        contacts: [contact('c1'), contact('c2')],
        interactions: [
          reply('r1', 'c1', 'Contenuto banale, come sempre.'),
          reply('r2', 'c1', 'this slaps, the haters cannot stand it'),
          reply('r3', 'c1', 'questo post spacca davvero, mi hai steso ' + 'ancora '.repeat(50)),
          reply('r9', 'c2', 'Grande, come sempre!'),
        ],
        sources: [sourceState()],
        run: runRecord('run-1', RUN_AT),
      }),
      730,
    );
    const labels = store.toneLabelStore();
    const put = (l: Omit<ToneLabel, 'at' | 'by'>, by: ToneLabel['by'] = 'cli') => labels.putLabel('alice', { ...l, at, by });
    // From the page: names the author, even for a reply the store no longer holds.
    await put({ ref: interactionRef('mastodon', 'r-expired'), sourceId: 'mastodon', interactionId: 'r-expired', contactId: 'c1', label: 'not_criticism' }, 'page');
    // From the command line: by interaction, by exact text, by the report's shortened quote.
    await put({ ref: interactionRef('mastodon', 'r1'), sourceId: 'mastodon', interactionId: 'r1', label: 'not_criticism' });
    await put({ ref: textRef('THIS SLAPS,  the haters cannot stand it'), textHash: textHash('this slaps, the haters cannot stand it'), text: 'this slaps, the haters cannot stand it', label: 'not_criticism' });
    await put({ ref: `t:${textHash('questo post spacca davvero')}`, textHash: textHash('questo post spacca davvero'), text: 'questo post spacca davvero…', truncated: true, label: 'not_criticism' });
    // Someone else's reply.
    await put({ ref: interactionRef('mastodon', 'r9'), sourceId: 'mastodon', interactionId: 'r9', contactId: 'c2', label: 'criticism' }, 'page');

    const result = await store.forgetContact('alice', { sourceId: 'mastodon', contactId: 'c1', decisions: [] });
    expect(result.labels).toBe(4);
    expect((await labels.listLabels('alice')).map((l) => l.ref)).toEqual([interactionRef('mastodon', 'r9')]);
    // Again: nothing left to delete.
    expect((await store.forgetContact('alice', { sourceId: 'mastodon', contactId: 'c1', decisions: [] })).labels).toBe(0);
  });
});
