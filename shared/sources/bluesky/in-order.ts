/**
 * Runs tasks 0..count-1, up to `concurrency` at once, each started in index
 * order. `mayStart(i)` is asked just before task i starts (a step's budget, a
 * stop); once it says no, no later task starts, so the tasks that ran are
 * always a prefix of the list. Outcomes come back by index, undefined for a
 * task not started; a task's failure is its outcome, never a rejection of the
 * whole.
 */
export async function runInOrder<T>(
  count: number,
  concurrency: number,
  mayStart: (index: number) => boolean,
  task: (index: number) => Promise<T>,
): Promise<(PromiseSettledResult<T> | undefined)[]> {
  const outcomes: (PromiseSettledResult<T> | undefined)[] = Array.from({ length: count }, () => undefined);
  let next = 0;
  let open = true;
  const worker = async (): Promise<void> => {
    while (open && next < count) {
      const index = next++;
      if (!mayStart(index)) {
        open = false;
        return;
      }
      try {
        outcomes[index] = { status: 'fulfilled', value: await task(index) };
      } catch (reason) {
        outcomes[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(0, Math.min(concurrency, count)) }, worker));
  return outcomes;
}
