/**
 * Stopping a run: Ctrl-C (cancel) leaves no trace; a deadline (the Lambda's
 * remaining time) keeps what was pulled, marked partial, and still delivers.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RunCancelledError, runReport } from '../../../shared/app/run-report.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';
import type { SourcePull } from '../../../shared/domain/model.ts';
import type { DeliveryResult, Mailer } from '../../../shared/ports/mailer.ts';
import type { PullContext, Source } from '../../../shared/ports/source.ts';
import { DemoSource } from '../../../shared/sources/demo/demo-source.ts';
import { freshTable, scanAll } from '../../helpers/dynamo.ts';

const profile = parseConfig(
  {
    profiles: [{ id: 'p', sources: [{ type: 'demo', size: 50 }, { type: 'file', id: 'slow', path: 'unused.json' }], report: { recipients: ['a@example.com'], sender: 'b@example.com' } }],
  },
  'test',
).profiles[0]!;
const NOW = new Date('2026-11-25T08:00:00Z');

/** A network source that takes as long as it is allowed to. */
class SlowSource implements Source {
  readonly id = 'slow';
  readonly platform = 'mastodon';
  constructor(private readonly honoursStop: boolean) {}
  pull(ctx: PullContext): Promise<SourcePull> {
    return new Promise((resolve) => {
      if (!this.honoursStop) return; // never answers
      ctx.signal?.addEventListener('abort', () =>
        resolve({
          sourceId: 'slow',
          platform: 'mastodon',
          takenAt: ctx.now.toISOString(),
          owner: { id: 'me', handle: '@me' },
          contacts: [{ id: 'x', handle: '@x', displayName: '', bio: '', relation: 'mutual', state: 'active' }],
          interactions: [],
          contactsCompleteness: 'partial',
          interactionsCompleteness: 'failed',
          problems: ['stopped early'],
          requests: 3,
        }),
      );
    });
  }
}

/** A full garbage collection, without starting node with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** A source that honours the stop signal, and collects garbage while it waits for it. */
class GcWhileWaitingSource extends SlowSource {
  override pull(ctx: PullContext): Promise<SourcePull> {
    const pulling = super.pull(ctx);
    const collect = (n: number): void => {
      collectGarbage();
      if (n > 0) setTimeout(() => collect(n - 1), 20).unref();
    };
    setTimeout(() => collect(3), 10).unref();
    return pulling;
  }
}

class CountingMailer implements Mailer {
  sent = 0;
  async deliver(): Promise<DeliveryResult> {
    this.sent += 1;
    return { kind: 'outbox', ref: 'memory' };
  }
}

describe('stopping a run', () => {
  it('a cancelled run stores nothing, sends nothing, and frees the profile for the next run', async () => {
    const { store, doc, tableName } = await freshTable();
    const mailer = new CountingMailer();
    const cancel = new AbortController();
    const running = runReport(
      { profile, now: NOW, dryRun: false, signal: cancel.signal },
      { store, mailer, sourcesFor: () => [new DemoSource({ id: 'demo', seed: 1, size: 50 }), new SlowSource(false)] },
    );
    setTimeout(() => cancel.abort(), 50);
    await expect(running).rejects.toBeInstanceOf(RunCancelledError);
    expect(mailer.sent).toBe(0);
    expect(await scanAll(doc, tableName)).toEqual([]);

    const next = await runReport({ profile, now: NOW, dryRun: false }, { store, mailer, sourcesFor: () => [new DemoSource({ id: 'demo', seed: 1, size: 50 })] });
    expect(next.status).toBe('completed');
    expect(mailer.sent).toBe(1);
  });

  it('at the pull deadline a source hands back what it has, and the run stores and delivers it as stale', async () => {
    const { store } = await freshTable();
    const mailer = new CountingMailer();
    const result = await runReport(
      { profile, now: NOW, dryRun: false, pullDeadline: new Date(Date.now() + 100) },
      { store, mailer, sourcesFor: () => [new DemoSource({ id: 'demo', seed: 1, size: 50 }), new SlowSource(true)] },
    );
    expect(result.status).toBe('completed');
    expect(mailer.sent).toBe(1);
    expect(result.staleSources).toEqual([expect.objectContaining({ sourceId: 'slow', contacts: 'partial', interactions: 'failed', problems: ['stopped early'] })]);
  });

  it('the deadline still fires after a garbage collection during the pull (nodejs/node#57736)', async () => {
    const { store } = await freshTable();
    const mailer = new CountingMailer();
    const running = runReport(
      { profile, now: NOW, dryRun: false, pullDeadline: new Date(Date.now() + 300) },
      { store, mailer, sourcesFor: () => [new DemoSource({ id: 'demo', seed: 1, size: 50 }), new GcWhileWaitingSource(true)] },
    );
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), 8_000);
    });
    const result = await Promise.race([running, hung]).finally(() => clearTimeout(timer));
    expect(result).not.toBe('hung');
    if (result === 'hung') return;
    expect(result.status).toBe('completed');
    expect(result.staleSources).toEqual([expect.objectContaining({ sourceId: 'slow', contacts: 'partial' })]);
  });

  it('a source that ignores the deadline is given up on after the grace period; the others are still reported', async () => {
    const { store } = await freshTable();
    const mailer = new CountingMailer();
    const started = Date.now();
    const result = await runReport(
      { profile, now: NOW, dryRun: false, pullDeadline: new Date(Date.now() + 100) },
      { store, mailer, stopGraceMs: 200, sourcesFor: () => [new DemoSource({ id: 'demo', seed: 1, size: 50 }), new SlowSource(false)] },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.status).toBe('completed');
    expect(mailer.sent).toBe(1);
    const stale = result.staleSources?.find((s) => s.sourceId === 'slow');
    expect(stale?.contacts).toBe('failed');
    expect(stale?.problems.join(' ')).toContain('stopped at the time limit of the run');
    expect(result.figures?.following).toBeGreaterThan(0);
  });
});
