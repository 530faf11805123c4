import { describe, expect, it } from 'vitest';
import { runInOrder } from '../../../../shared/sources/bluesky/in-order.ts';
import { RequestSlots } from '../../../../shared/sources/bluesky/request-slots.ts';

/** Acquires without waiting: true when the slot was granted by the time queued callbacks ran. */
async function granted(slots: RequestSlots, signal?: AbortSignal): Promise<{ got: boolean; wait: Promise<void> }> {
  let got = false;
  const wait = slots.acquire(signal).then(() => {
    got = true;
  });
  await Promise.resolve();
  await Promise.resolve();
  return { got, wait };
}

describe('RequestSlots: requests in flight together never spend more than the window has left', () => {
  it('before any answer, up to the cap go at once', async () => {
    const slots = new RequestSlots(3);
    const tries = [await granted(slots), await granted(slots), await granted(slots), await granted(slots)];
    expect(tries.map((t) => t.got)).toEqual([true, true, true, false]);
    slots.release(undefined);
    await tries[3]?.wait;
    expect(slots.peak).toBe(3);
  });

  it('an answer saying 2 left, with 1 other in flight, lets 1 more go; the next waits for an answer', async () => {
    const slots = new RequestSlots(8);
    await slots.acquire();
    await slots.acquire();
    slots.release(2); // 1 other in flight, which the server may not have counted yet: 2 - 1 = 1
    const next = [await granted(slots), await granted(slots)];
    expect(next.map((t) => t.got)).toEqual([true, false]);
    slots.release(50);
    await next[1]?.wait;
  });

  it('a window said used up lets one request go only when nothing is in flight (it meets the client\'s wait for the reset)', async () => {
    const slots = new RequestSlots(8);
    await slots.acquire();
    await slots.acquire();
    slots.release(0);
    const waiting = await granted(slots);
    expect(waiting.got).toBe(false);
    slots.release(undefined);
    await waiting.wait;
    const after = await granted(slots);
    expect(after.got).toBe(false);
    slots.release(2999);
    await after.wait;
  });

  it('waiters go in the order they asked, and an abort lets every waiter go at once (the client then refuses to send)', async () => {
    const slots = new RequestSlots(1);
    const order: number[] = [];
    await slots.acquire();
    const controller = new AbortController();
    const waits = [1, 2, 3].map((n) => slots.acquire(controller.signal).then(() => order.push(n)));
    slots.release(100);
    await waits[0];
    expect(order).toEqual([1]);
    controller.abort();
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3]);
  });

  it('refuses a cap below 1', () => {
    expect(() => new RequestSlots(0)).toThrow(/max must be a whole number/);
  });
});

describe('runInOrder', () => {
  it('starts tasks in index order, a few at a time, and returns outcomes by index whatever order they finish in', async () => {
    const started: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const outcomes = await runInOrder(6, 3, () => true, async (i) => {
      started.push(i);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (6 - i) * 3));
      inFlight--;
      if (i === 4) throw new Error('four');
      return i * 10;
    });
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(3);
    expect(outcomes.map((o) => (o?.status === 'fulfilled' ? o.value : o?.status))).toEqual([0, 10, 20, 30, 'rejected', 50]);
  });

  it('once mayStart says no, no later task starts: the tasks run are a prefix', async () => {
    const outcomes = await runInOrder(5, 2, (i) => i < 3, async (i) => i);
    expect(outcomes.map((o) => o?.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', undefined, undefined]);
  });
});
