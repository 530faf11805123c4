/**
 * Stopping a run: Ctrl-C (cancel) leaves no trace; a deadline (the Lambda's
 * remaining time) keeps what was pulled, marked partial, still delivers, and
 * the next run resumes from where the pull was stopped.
 *
 * The sources here read page after page and yield to the event loop between
 * pages, as a network source does, so a stop arrives *during* a pull: after
 * some pages were read and while the next one is in flight. The pages before
 * it take milliseconds and the deadline is seconds away, so the claim and the
 * loads, slow on a busy machine, cannot use it up before the pull has begun;
 * the tests check how many pages were read, so an early stop would fail them.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { RunCancelledError, runReport } from '../../../shared/app/run-report.ts';
import { parseConfig } from '../../../shared/config/load-config.ts';
import type { Contact, Interaction, SourcePull } from '../../../shared/domain/model.ts';
import type { DeliveryResult, Mailer } from '../../../shared/ports/mailer.ts';
import type { PullContext, Source } from '../../../shared/ports/source.ts';
import { DemoSource } from '../../../shared/sources/demo/demo-source.ts';
import { STOPPED_PROBLEM } from '../../../shared/sources/stopped.ts';
import { freshTable, scanAll } from '../../helpers/dynamo.ts';

const profile = parseConfig(
  {
    profiles: [{ id: 'p', sources: [{ type: 'demo', size: 50 }, { type: 'file', id: 'paged', path: 'unused.json' }], report: { recipients: ['a@example.com'], sender: 'b@example.com' } }],
  },
  'test',
).profiles[0]!;
const NOW = new Date('2026-11-25T08:00:00Z');
const WEEK = 7 * 86_400_000;
const PER_PAGE = 5;

const contactOf = (n: number): Contact => ({ id: `c${n}`, handle: `@c${n}`, displayName: '', bio: '', relation: 'mutual', state: 'active' });

interface PagedOptions {
  pages: number;
  /** After this many pages of a pull, the next page's request stays in flight until the pull is stopped. */
  hangAfter?: number;
  /** Called once a page is read (1-based, counted within the pull). */
  onPage?: (page: number) => void;
}

/**
 * A network source: the contact list in one answer, then `pages` pages of
 * notifications (one inbound like from each of PER_PAGE contacts a page), one
 * page at a time with a real wait between them. The cursor is the last page
 * read, so a pull that was stopped resumes after it. It records what each
 * pull saw.
 */
class PagedSource implements Source {
  readonly id = 'paged';
  readonly platform = 'mastodon';
  readonly pulls: { cursor: string | undefined; pagesRead: number; stoppedBy?: string }[] = [];
  constructor(private readonly options: PagedOptions) {}

  async pull(ctx: PullContext): Promise<SourcePull> {
    const record: (typeof this.pulls)[number] = { cursor: ctx.cursor, pagesRead: 0 };
    this.pulls.push(record);
    const start = ctx.cursor === undefined ? 0 : Number(ctx.cursor.replace('page:', ''));
    let last = start;
    const contacts = Array.from({ length: this.options.pages * PER_PAGE }, (_, n) => contactOf(n));
    const interactions: Interaction[] = [];
    for (let page = start + 1; page <= this.options.pages; page++) {
      const inFlight = this.options.hangAfter !== undefined && record.pagesRead >= this.options.hangAfter;
      const answered = await request(ctx.signal, inFlight);
      if (!answered) {
        record.stoppedBy = ctx.signal?.reason instanceof Error ? ctx.signal.reason.name : String(ctx.signal?.reason);
        break;
      }
      for (let i = 0; i < PER_PAGE; i++) {
        const n = (page - 1) * PER_PAGE + i;
        interactions.push({ id: `like-${n}`, contactId: `c${n}`, kind: 'like', direction: 'inbound', at: new Date(ctx.now.getTime() - 3_600_000).toISOString() });
      }
      last = page;
      record.pagesRead += 1;
      this.options.onPage?.(record.pagesRead);
    }
    const complete = last === this.options.pages;
    return {
      sourceId: this.id,
      platform: this.platform,
      takenAt: ctx.now.toISOString(),
      owner: { id: 'me', handle: '@me' },
      contacts,
      interactions,
      contactsCompleteness: 'complete',
      interactionsCompleteness: complete ? 'complete' : 'partial',
      cursor: `page:${last}`,
      problems: complete ? [] : [STOPPED_PROBLEM],
      requests: 1 + record.pagesRead + (complete ? 0 : 1),
    };
  }
}

/** One page's request: answered after a real wait, or (in flight) only when the stop signal ends it. False if stopped. */
function request(signal: AbortSignal | undefined, inFlight: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = inFlight ? undefined : setTimeout(() => resolve(!signal?.aborted), 2);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve(false);
      },
      { once: true },
    );
  });
}

/** A network source that never answers and ignores the stop signal. */
class DeafSource implements Source {
  readonly id = 'paged';
  readonly platform = 'mastodon';
  pull(): Promise<SourcePull> {
    return new Promise(() => undefined);
  }
}

/** A full garbage collection, without starting node with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

class CountingMailer implements Mailer {
  sent = 0;
  async deliver(): Promise<DeliveryResult> {
    this.sent += 1;
    return { kind: 'outbox', ref: 'memory' };
  }
}

/**
 * A deadline far enough away that the claim and the loads (slow on a busy machine) are over before it,
 * yet the source's pages before the one left in flight take milliseconds: the stop comes mid-pull.
 */
function deadlineAfter(ms: number, sources: () => Source[]): { pullDeadline: Date; sourcesFor: () => Source[] } {
  return { pullDeadline: new Date(Date.now() + ms), sourcesFor: sources };
}

const demo = (): DemoSource => new DemoSource({ id: 'demo', seed: 1, size: 50 });

// Generous timeouts: on a loaded machine (2 cores shared by several test runs) two runs can take tens of seconds.
describe('stopping a run', { timeout: 120_000 }, () => {
  it('a run cancelled in the middle of a pull stores nothing, sends nothing, and the next run starts from scratch', async () => {
    const { store, doc, tableName } = await freshTable();
    const mailer = new CountingMailer();
    const cancel = new AbortController();
    // Ctrl-C arrives once two pages are in: the pull is under way and has data in hand.
    const paged = new PagedSource({ pages: 10, onPage: (n) => n === 2 && cancel.abort() });
    const running = runReport({ profile, now: NOW, dryRun: false, signal: cancel.signal }, { store, mailer, sourcesFor: () => [demo(), paged] });
    await expect(running).rejects.toBeInstanceOf(RunCancelledError);
    expect(paged.pulls).toEqual([{ cursor: undefined, pagesRead: 2, stoppedBy: 'AbortError' }]);
    expect(mailer.sent).toBe(0);
    expect(await scanAll(doc, tableName)).toEqual([]);

    const next = await runReport({ profile, now: NOW, dryRun: false }, { store, mailer, sourcesFor: () => [demo(), paged] });
    expect(next.status).toBe('completed');
    expect(mailer.sent).toBe(1);
    // No cursor was kept from the cancelled pull: it reads everything again.
    expect(paged.pulls[1]).toEqual({ cursor: undefined, pagesRead: 10 });
  });

  it('a deadline reached in the middle of a pull keeps the pages read, stores and delivers them as stale, and the next run resumes after them', async () => {
    const { store } = await freshTable();
    const mailer = new CountingMailer();
    const options: PagedOptions = { pages: 10, hangAfter: 3 };
    const paged = new PagedSource(options);
    const timing = deadlineAfter(2_000, () => [demo(), paged]);
    const result = await runReport({ profile, now: NOW, dryRun: false, pullDeadline: timing.pullDeadline }, { store, mailer, sourcesFor: timing.sourcesFor });

    // Three pages were read, the fourth was in flight when the time limit (not a cancel) stopped the pull.
    expect(paged.pulls).toEqual([{ cursor: undefined, pagesRead: 3, stoppedBy: 'TimeoutError' }]);
    expect(result.status).toBe('completed');
    expect(mailer.sent).toBe(1);
    expect(result.staleSources).toEqual([expect.objectContaining({ sourceId: 'paged', contacts: 'complete', interactions: 'partial', problems: [STOPPED_PROBLEM] })]);
    // The likes read before the stop are stored, those not read are not; the cursor is where the pull stopped.
    const upTo = (pages: number) => Array.from({ length: pages * PER_PAGE }, (_, n) => `c${n}`).sort();
    const likes = async () => (await store.loadInteractions('p', '2026-01-01T00:00:00Z')).filter((i) => i.sourceId === 'paged').map((i) => i.contactId).sort();
    expect(await likes()).toEqual(upTo(3));
    const stored = await store.loadProfileState('p');
    expect(stored.sources.find((s) => s.sourceId === 'paged')).toMatchObject({ cursor: 'page:3', lastContacts: 'complete' });
    expect(stored.contacts.filter((c) => c.sourceId === 'paged')).toHaveLength(10 * PER_PAGE);

    // The next run, with time enough, resumes after page 3 and reads the rest: every like, each once.
    delete options.hangAfter;
    const next = await runReport({ profile, now: new Date(NOW.getTime() + WEEK), dryRun: false }, { store, mailer, sourcesFor: () => [demo(), paged] });
    expect(paged.pulls[1]).toEqual({ cursor: 'page:3', pagesRead: 7 });
    expect(next.staleSources).toEqual([]);
    expect(await likes()).toEqual(upTo(10));
  });

  it('the deadline still fires after garbage collections during the pull (nodejs/node#57736)', async () => {
    const { store } = await freshTable();
    const mailer = new CountingMailer();
    let collections = 0;
    // Every page read collects garbage: the deadline's timer and controller must survive it.
    const paged = new PagedSource({
      pages: 10,
      hangAfter: 2,
      onPage: () => {
        collectGarbage();
        collections += 1;
      },
    });
    // A full collection can take a good part of a second on a busy machine: the deadline leaves room for two.
    const timing = deadlineAfter(3_000, () => [demo(), paged]);
    const running = runReport({ profile, now: NOW, dryRun: false, pullDeadline: timing.pullDeadline }, { store, mailer, sourcesFor: timing.sourcesFor });
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), 60_000);
    });
    const result = await Promise.race([running, hung]).finally(() => clearTimeout(timer));
    expect(result).not.toBe('hung');
    if (result === 'hung') return;
    expect(collections).toBe(2);
    expect(paged.pulls).toEqual([{ cursor: undefined, pagesRead: 2, stoppedBy: 'TimeoutError' }]);
    expect(result.status).toBe('completed');
    expect(result.staleSources).toEqual([expect.objectContaining({ sourceId: 'paged', interactions: 'partial' })]);
  });

  it('a source that ignores the deadline is given up on after the grace period; the others are still reported', async () => {
    const { store } = await freshTable();
    const mailer = new CountingMailer();
    const timing = deadlineAfter(100, () => [demo(), new DeafSource()]);
    const started = Date.now();
    const result = await runReport({ profile, now: NOW, dryRun: false, pullDeadline: timing.pullDeadline }, { store, mailer, stopGraceMs: 200, sourcesFor: timing.sourcesFor });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.status).toBe('completed');
    expect(mailer.sent).toBe(1);
    const stale = result.staleSources?.find((s) => s.sourceId === 'paged');
    expect(stale?.contacts).toBe('failed');
    expect(stale?.problems.join(' ')).toContain('stopped at the time limit of the run');
    expect(result.figures?.following).toBeGreaterThan(0);
  });
});
