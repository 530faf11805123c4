/** A long reply full of emoji, given to `followback label`, is cut to what the store keeps, never inside a character. */
import { describe, expect, it } from 'vitest';
import { replyOf } from '../../../functions/commands/label.ts';
import { StoredToneLabel } from '../../../shared/store/dynamo-tone-label-store.ts';

describe('followback label with a long reply', () => {
  it('900 emoji (1,800 UTF-16 units) are cut to 500 whole emoji, and the label is one the store accepts', () => {
    const named = replyOf('😂'.repeat(900), { sources: [] });
    expect(named.fields.text).toBe('😂'.repeat(500));
    expect(StoredToneLabel.safeParse({ ref: named.ref, ...named.fields, label: 'not_criticism', at: '2026-12-01T00:00:00.000Z', by: 'cli' }).success).toBe(true);
  });
});
