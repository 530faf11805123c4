import { describe, it, expect } from 'vitest';
import { freshTable } from '../../helpers/dynamo.ts';
import { changes, contact } from './fixtures.ts';

describe('DynamoStore reads past the 1 MB page limit (DynamoDB Local)', () => {
  it('loads all 3,000 contacts of a partition far larger than one Query page', async () => {
    const { store } = await freshTable();
    const bio = 'community gardener, birdwatcher, bread baker. '.repeat(40); // ~1.8 KB each: ~5.5 MB in all
    const contacts = Array.from({ length: 3000 }, (_, i) => contact(`c${String(i).padStart(4, '0')}`, { bio: `${i} ${bio}` }));
    const stats = await store.applyRun('alice', changes({ contacts }), 730);
    expect(stats.contactsWritten).toBe(3000);

    const loaded = await store.loadProfileState('alice');
    expect(loaded.contacts).toHaveLength(3000);
    expect(new Set(loaded.contacts.map((c) => c.id)).size).toBe(3000);
    expect(loaded.contacts.find((c) => c.id === 'c2999')?.bio).toBe(`2999 ${bio}`);
    // The run record shares the partition; pages of contacts must not hide it.
    expect(loaded.lastRun?.runId).toBe('run-1');
  });
});
