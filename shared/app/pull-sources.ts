/**
 * Pulling every source of a run, each on its own: a failing source becomes a
 * failed outcome (the run goes on with the others), and pulls stop on cancel
 * or at the run's deadline.
 */
import { SourcePull } from '../domain/model.ts';
import type { PullContext, Source } from '../ports/source.ts';
import type { ProfileStore } from '../ports/store.ts';
import { contactKey, type PullOutcome } from './merge-pulls.ts';
import type { Log, RunReportDeps, RunReportRequest } from './types.ts';

/** The signal pulls stop on, and the clean-up once they are over. */
export interface PullStop {
  /** Aborts on cancel or at the deadline, whichever comes first; undefined when neither can happen. */
  signal: AbortSignal | undefined;
  /** Clears the deadline timer and the cancel listener. Safe to call twice. */
  dispose(): void;
}

/**
 * Pulls stop on cancel or at the deadline, whichever comes first. The deadline
 * is a controller held here plus a plain timer, not `AbortSignal.any([...,
 * AbortSignal.timeout()])`: on Node 20 the composite holds the timeout signal
 * only weakly, and after a garbage collection the deadline never fires
 * (nodejs/node#57736). `now` is the clock the deadline is read on (a
 * simulation's virtual one); the timer then counts real milliseconds.
 */
export function pullStopOf(req: RunReportRequest, now: () => number = Date.now): PullStop {
  if (!req.signal && !req.pullDeadline) return { signal: undefined, dispose: () => undefined };
  const controller = new AbortController();
  const cancel = req.signal;
  const onCancel = (): void => controller.abort(cancel?.reason);
  let timer: NodeJS.Timeout | undefined;
  if (cancel?.aborted) onCancel();
  else cancel?.addEventListener('abort', onCancel, { once: true });
  if (req.pullDeadline && !controller.signal.aborted) {
    const ms = Math.max(0, req.pullDeadline.getTime() - now());
    timer = setTimeout(() => controller.abort(new DOMException('the run reached its time limit', 'TimeoutError')), ms);
  }
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      cancel?.removeEventListener('abort', onCancel);
    },
  };
}

/**
 * What the store remembers of a source's contacts, for the source to ask about
 * the few it needs (PullContext.known): read by key, a batch at a time, never
 * the whole list (a pull step must not load 100,000 contacts). Undefined when
 * the store cannot read by key: the source then reads as if nothing were stored.
 */
export function knownContacts(store: ProfileStore, profileId: string, sourceId: string): PullContext['known'] {
  if (store.loadContacts === undefined) return undefined;
  return async (ids) => {
    const found = await store.loadContacts?.(profileId, ids.map((id) => contactKey(sourceId, id)));
    const out = new Map<string, { postsCount?: number; lastPostAt?: string }>();
    if (found === undefined) return out;
    for (const id of ids) {
      const contact = found.get(contactKey(sourceId, id));
      if (contact === undefined) continue;
      out.set(id, { ...(contact.postsCount !== undefined ? { postsCount: contact.postsCount } : {}), ...(contact.lastPostAt !== undefined ? { lastPostAt: contact.lastPostAt } : {}) });
    }
    return out;
  };
}

export async function pullOne(source: Source, cursor: string | undefined, req: RunReportRequest, deps: RunReportDeps, log: Log, signal: AbortSignal | undefined): Promise<PullOutcome<SourcePull>> {
  try {
    const known = knownContacts(deps.store, req.profile.id, source.id);
    const pulling = source.pull({
      now: req.now,
      ...(cursor !== undefined ? { cursor } : {}),
      ...(known !== undefined ? { known } : {}),
      ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
      ...(signal ? { signal } : {}),
    });
    // A source that ignores the signal must not hold the run past its deadline.
    const raw = signal ? await untilStopped(pulling, signal, source.id, req, deps.stopGraceMs ?? STOP_GRACE_MS) : await pulling;
    const parsed = SourcePull.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const problem = `returned an invalid snapshot (${first ? `${first.path.join('.')}: ${first.message}` : 'unknown field'})`;
      log.error('source failed', { profile: req.profile.id, sourceId: source.id, problem });
      return { sourceId: source.id, platform: source.platform, ok: false, problem };
    }
    const pull = parsed.data;
    log.info('source pulled', {
      profile: req.profile.id,
      sourceId: source.id,
      contacts: pull.contacts.length,
      interactions: pull.interactions.length,
      contactsCompleteness: pull.contactsCompleteness,
      interactionsCompleteness: pull.interactionsCompleteness,
      requests: pull.requests,
      problems: pull.problems,
    });
    return { sourceId: source.id, platform: source.platform, ok: true, pull };
  } catch (err) {
    const problem = err instanceof Error ? err.message : String(err);
    log.error('source failed', { profile: req.profile.id, sourceId: source.id, problem });
    return { sourceId: source.id, platform: source.platform, ok: false, problem };
  }
}

/** How long a source may take, once told to stop, to hand back what it has (as a partial pull). */
export const STOP_GRACE_MS = 5_000;

/** The pull's own result, unless it is still running a grace period after the stop signal (or at once on cancel). */
function untilStopped<T>(pulling: Promise<T>, signal: AbortSignal, sourceId: string, req: RunReportRequest, graceMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onStop = (): void => {
      if (req.signal?.aborted) return reject(new Error('cancelled'));
      timer = setTimeout(() => reject(new Error(`stopped at the time limit of the run; ${sourceId} resumes from its cursor next time`)), graceMs);
    };
    const done = (): void => {
      signal.removeEventListener('abort', onStop);
      if (timer !== undefined) clearTimeout(timer);
    };
    pulling.then(
      (value) => {
        done();
        resolve(value);
      },
      (err: unknown) => {
        done();
        reject(err);
      },
    );
    if (signal.aborted) onStop();
    else signal.addEventListener('abort', onStop, { once: true });
  });
}
