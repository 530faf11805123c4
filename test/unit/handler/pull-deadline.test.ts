import { describe, expect, it } from 'vitest';
import { pullDeadlineOf, STORE_AND_DELIVER_RESERVE_MS } from '../../../functions/handler/create-handler.ts';

const ctx = (remainingMs: number) => ({ awsRequestId: 'r', getRemainingTimeInMillis: () => remainingMs });

describe('the pull deadline of a Lambda run', () => {
  it('keeps time back from the timeout to store and deliver', () => {
    expect(pullDeadlineOf(ctx(600_000), 0)?.getTime()).toBe(600_000 - STORE_AND_DELIVER_RESERVE_MS);
  });

  it('keeps at least half the remaining time for pulling when the timeout is short', () => {
    expect(pullDeadlineOf(ctx(60_000), 0)?.getTime()).toBe(30_000);
  });

  it('sets no deadline without a Lambda context (tests, local calls)', () => {
    expect(pullDeadlineOf(undefined)).toBeUndefined();
    expect(pullDeadlineOf({ awsRequestId: 'r' })).toBeUndefined();
  });
});
