/**
 * The report step's work once the pulls are in: merge them with the stored
 * history -> classify -> analyse -> render -> deliver -> store what changed.
 */
import { randomUUID } from 'node:crypto';
import type { ProfileConfig } from '../config/schema.ts';
import { analyse } from '../domain/analyse.ts';
import { InteractionLog } from '../domain/interaction-log.ts';
import type { Analysis, OwnerDecisions, TrackedContact } from '../domain/analysis-types.ts';
import type { DeliveryResult } from '../ports/mailer.ts';
import type { ProfileState, RunRecord, StoredDecision, WriteStats } from '../ports/store.ts';
import { actionsTaken } from '../report/actions-taken.ts';
import { buildReport } from '../report/build-report.ts';
import { declaredObservability } from '../sources/observes.ts';
import { renderReport } from '../report/render.ts';
import { decisionRenderOptions, decisionsSince } from '../decide/report-parts.ts';
import { changedContact, StoredBaselineBuilder, storedVerdictOf, type ContactToStore } from './changed-contacts.ts';
import { classifyTexts } from './classify-texts.ts';
import { apiNotes } from './api-notes.ts';
import { exportAges } from './export-ages.ts';
import { decisionSuggestions } from './decision-suggestions.ts';
import { contactKey, mergePulls, type MergeResult, type PullOutcome } from './merge-pulls.ts';
import { DeliveredNotStoredError, RunCancelledError } from './run-errors.ts';
import type { Log, PullSummary, RunReportDeps, RunReportRequest, RunReportResult } from './types.ts';

const DAY = 86_400_000;

/** `outcomes`: one per source of the profile, as the pull steps left them. `onDelivered` runs once the email is out. */
export async function reportOutcomes(
  req: RunReportRequest,
  outcomes: PullOutcome[],
  deps: RunReportDeps,
  log: Log,
  onDelivered: (runId: string) => Promise<void>,
  startedAt: string = new Date().toISOString(),
  /**
   * The profile as the report step loaded it already (to fill in contacts staged as unchanged). Its contacts,
   * and the outcomes' pulled contacts, are emptied once the report no longer needs them.
   */
  loaded?: ProfileState,
): Promise<RunReportResult> {
  const { profile, now } = req;
  const nowIso = now.toISOString();
  const runId = `${nowIso.replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  const store = deps.store;
  const policy = profile.policy;

  const state = loaded ?? (await store.loadProfileState(profile.id));
  // The history is loaded, merged into and analysed in a function of its own: once it returns, the stored
  // interactions (columns of a million rows) are no longer held by this step for the rest of the run.
  // The decisions are read first: what they need of the stored contacts (the decided ones' handles) is kept
  // before the stored contacts go, ahead of the analysis.
  const confirmedActions = deps.decisionPage ? await deps.decisionPage.confirmedActions(profile.id) : [];
  const decided = new Set<string>([...state.decisions.map((d) => d.contact), ...confirmedActions.map((a) => a.key)]);
  const decidedStored = decided.size === 0 ? [] : state.contacts.filter((c) => decided.has(contactKey(c.sourceId, c.id)));
  const { merged, pulls, classified, analysis, changed, decidedContacts } = await mergeAndAnalyse(req, outcomes, state, deps, log, decided);

  const runs = await store.listRuns(profile.id, 12);
  const actions = store.actionStore ? actionsTaken(await store.actionStore().listAudits(profile.id, state.lastRun?.at)) : [];
  const since = await decisionsSince(profile.id, { decisions: state.decisions, lastRun: state.lastRun, contacts: decidedStored }, deps.decisionPage);
  // Only the decided contacts' verdicts and contacts are read: handed every one, it made two maps of them all.
  const suggestions = decisionSuggestions({
    now: nowIso,
    policy,
    audience: profile.audience,
    decisions: state.decisions,
    confirmedActions,
    verdicts: decided.size === 0 ? [] : analysis.verdicts.filter((v) => decided.has(v.key)),
    contacts: decidedContacts,
    options: profile.report.suggestions,
  });
  const unstored = new Set(merged.unstoredContactKeys);
  const contacts = changed.filter((c) => !unstored.has(contactKey(c.sourceId, c.id)));

  // The report holds every contact from here on: it takes the verdicts over (consumeVerdicts), one at a time.
  const verdictCount = analysis.verdicts.length;
  const report = buildReport({
    profileId: profile.id,
    ...(profile.name !== undefined ? { profileName: profile.name } : {}),
    locale: profile.report.locale,
    runId,
    generatedAt: nowIso,
    dryRun: req.dryRun,
    analysis,
    consumeVerdicts: true,
    trend: runs.map((r) => ({ at: r.at, figures: r.figures })),
    actions,
    maxRowsPerSection: profile.report.maxRowsPerSection,
    sourceProblems: merged.sourceRuns.map((s) => ({ sourceId: s.sourceId, platform: s.platform, problems: s.problems })),
    classifierProblems: classified.problems,
    classifierNotices: classified.notices,
    ...(state.lastRun?.storeFailed !== undefined ? { previousUnstored: { at: state.lastRun.at, reason: state.lastRun.storeFailed } } : {}),
    decisionsSince: since,
    exportSources: exportAges(profile.sources, outcomes, state.sources),
    apiSources: apiNotes(profile.sources, outcomes),
    ...suggestions,
  });
  for (const u of analysis.unmatchedDecisions) {
    log.warn(`${u.kind} entry "${u.entry}" matches no contact of this profile${u.closest !== undefined ? ` (closest: ${u.closest})` : ''}`, { profile: profile.id });
  }
  const rendered = renderReport(report, await decisionRenderOptions(profile, now, deps.decisionPage));

  // Last point where stopping leaves no trace; once the email is out, the run must be stored.
  if (req.signal?.aborted) throw new RunCancelledError();
  let delivery: DeliveryResult | undefined;
  if (!req.dryRun && deps.mailer) {
    delivery = await deps.mailer.deliver(rendered, { from: profile.report.sender, to: profile.report.recipients });
    log.info('report delivered', { profile: profile.id, runId, delivery: delivery.kind, ref: delivery.ref });
    await onDelivered(runId);
  }

  // The run record carries the counts of what this run writes, so the trend shows churn too.
  const planned: WriteStats = {
    contactsWritten: contacts.length,
    contactsRemoved: merged.removedContactKeys.length,
    interactionsWritten: merged.newInteractions.length,
    sourcesWritten: merged.sourceStates.length,
    items: contacts.length + merged.removedContactKeys.length + merged.newInteractions.length + merged.sourceStates.length + 1,
  };
  const run: RunRecord = {
    profileId: profile.id,
    runId,
    at: nowIso,
    startedAt,
    finishedAt: new Date().toISOString(),
    dryRun: req.dryRun,
    figures: analysis.figures,
    sources: merged.sourceRuns.map((s) => ({ sourceId: s.sourceId, platform: s.platform, contacts: s.contacts, interactions: s.interactions, problems: s.problems })),
    writes: planned,
    delivery: delivery ? { kind: delivery.kind, ref: delivery.ref } : { kind: 'none' },
  };

  let writes: WriteStats = { contactsWritten: 0, contactsRemoved: 0, interactionsWritten: 0, sourcesWritten: 0, items: 0 };
  if (req.dryRun) {
    // A preview changes nothing: storing would make this run the baseline, and the next real
    // report would no longer show this week's new and lost followers.
    log.info('dry run: nothing stored', { profile: profile.id, runId, wouldWrite: planned.items });
  } else {
    deps.onProgress?.({ sourceId: '*', phase: 'store', done: 0, total: planned.items });
    try {
      writes = await store.applyRun(
        profile.id,
        { contacts, removedContactKeys: merged.removedContactKeys, interactions: merged.newInteractions, sources: merged.sourceStates, run },
        policy.retentionDays,
        (done, total) => deps.onProgress?.({ sourceId: '*', phase: 'store', done, total }),
      );
    } catch (err) {
      if (delivery === undefined) throw err; // nothing went out: the trigger may simply run again
      const reason = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      log.error('report delivered but the run could not be stored', { profile: profile.id, runId, problem: reason });
      // The run record alone, so the next report knows these changes were shown but not stored.
      const zero: WriteStats = { contactsWritten: 0, contactsRemoved: 0, interactionsWritten: 0, sourcesWritten: 0, items: 0 };
      await store.recordRun(profile.id, { ...run, writes: zero, storeFailed: reason }).catch((recordErr: unknown) =>
        log.error('could not record the unstored run either', { profile: profile.id, runId, problem: recordErr instanceof Error ? recordErr.message : String(recordErr) }),
      );
      throw new DeliveredNotStoredError(runId, reason, { cause: err });
    }
    log.info('run stored', { profile: profile.id, runId, ...writes });
  }

  return {
    status: 'completed',
    profileId: profile.id,
    runId,
    figures: analysis.figures,
    staleSources: analysis.staleSources,
    writes,
    report: rendered,
    ...(delivery ? { delivery } : {}),
    contacts: verdictCount,
    pulls,
  };
}

/**
 * Loads the stored history, merges the pulls into the stored contacts and history, classifies the texts and
 * analyses. The pulled contacts are let go once merged (the merge made its own).
 */
async function mergeAndAnalyse(
  req: RunReportRequest,
  outcomes: PullOutcome[],
  state: ProfileState,
  deps: RunReportDeps,
  log: Log,
  decided: ReadonlySet<string>,
): Promise<{ merged: MergeResult; pulls: PullSummary[]; classified: Awaited<ReturnType<typeof classifyTexts>>; analysis: Analysis; changed: ContactToStore[]; decidedContacts: TrackedContact[] }> {
  const { profile, now } = req;
  const nowIso = now.toISOString();
  const policy = profile.policy;
  // The stored history as columns: a million interactions must fit beside everything else in a 1 GB function.
  const history = await deps.store.loadHistory(profile.id, new Date(now.getTime() - policy.retentionDays * DAY).toISOString(), nowIso);
  if (req.signal?.aborted) throw new RunCancelledError();

  const pulls = outcomes.map(pullSummaryOf);
  // What the stored contacts have to say for what changed (the baseline) is read from each as it is merged,
  // and then it goes (all but its key and relation, which the analysis reads): the stored and the merged
  // contacts of a million are not all held at once.
  const baselineOf = new StoredBaselineBuilder();
  const merged = mergePulls({
    now: nowIso,
    retentionDays: policy.retentionDays,
    outcomes,
    storedContacts: state.contacts,
    storedSources: state.sources,
    storedInteractions: history,
    declared: new Map(profile.sources.map((s) => [s.id, declaredObservability(s)])),
    // The pulled contacts go as they are merged (the merge makes its own): at a million contacts they are some
    // 300 MB the rest of the report does not need, and the merge is where the stored, the pulled and the merged
    // contacts would otherwise all be held at once. What the result says of each pull is kept first.
    consumePulled: true,
    onMerged: (contact, stored, position) => baselineOf.add(position, contact, stored),
    consumeStored: true,
  });
  for (const o of outcomes) if (o.ok) o.pull.contacts = [];
  // What the stored contacts still have to say, and then they go (the caller that handed them over, the report
  // step, is done with them too): what changed is compared against the baseline, and the analysis reads each
  // one's relation, and only the contacts no longer listed whole.
  // No contacts stored yet and no run that stored any: a first run (also after a first run that could not store).
  const firstRun = state.contacts.length === 0 && (state.lastRun === null || state.lastRun.storeFailed !== undefined);
  const baseline = baselineOf.result(merged.current.length);
  // The stored contacts as the analysis needs them (follower-changes.ts: who followed whom before; the last
  // known record of those no longer listed): each one merged this run is its key and relation alone by now.
  const previous = firstRun ? null : state.contacts.slice();
  state.contacts.length = 0;
  // The decided contacts, for the suggestions: the analysis lets the merged contacts go.
  const decidedContacts = decided.size === 0 ? [] : merged.current.filter((c) => decided.has(contactKey(c.sourceId, c.id)));

  // The stored history followed by what this run adds to it. A first import's new interactions are the whole
  // history: their columns serve as they are (a million rows are not copied).
  const fresh = merged.newInteractions;
  const all = history.length === 0 && fresh instanceof InteractionLog ? fresh : history;
  if (all === history) {
    if (fresh instanceof InteractionLog) history.append(fresh);
    else for (const interaction of fresh) history.push(interaction);
  }
  const classified = await classifyTexts(profile, all, now, deps, log, req.signal);
  if (req.signal?.aborted) throw new RunCancelledError();
  const changedAt = new Array<ContactToStore | undefined>(merged.current.length).fill(undefined);
  const analysis = analyse({
    now: nowIso,
    policy,
    audience: profile.audience,
    decisions: decisionsOf(profile, state.decisions),
    sources: merged.sourceRuns,
    current: merged.current,
    previous,
    ...(previous !== null ? { previousIndex: merged.storedIndex } : {}),
    interactions: all,
    previousFigures: state.lastRun?.figures ?? null,
    classifiers: classified.classifiers,
    // What the run stores is worked out as each verdict is made, against the baseline, and each merged contact
    // goes once it is: a million contacts and a million verdicts do not fit side by side in a 1 GB function.
    // In the merged contacts' order, as they were listed.
    onVerdict: (contact, verdict, position) => {
      const next = changedContact(contact, storedVerdictOf(verdict), position, baseline);
      if (next !== undefined) changedAt[position] = next;
    },
    consumeCurrent: true,
  });
  const changed: ContactToStore[] = [];
  for (const next of changedAt) if (next !== undefined) changed.push(next);
  changedAt.length = 0;
  return { merged, pulls, classified, analysis, changed, decidedContacts };
}

export function pullSummaryOf(outcome: PullOutcome): PullSummary {
  if (!outcome.ok) {
    return { sourceId: outcome.sourceId, platform: outcome.platform, ok: false, contacts: 0, interactions: 0, requests: 0, contactsCompleteness: 'failed', interactionsCompleteness: 'failed', problems: [outcome.problem] };
  }
  const p = outcome.pull;
  return {
    sourceId: outcome.sourceId,
    platform: outcome.platform,
    ok: true,
    contacts: p.contacts.length,
    interactions: p.interactions.length,
    requests: p.requests,
    contactsCompleteness: p.contactsCompleteness,
    interactionsCompleteness: p.interactionsCompleteness,
    problems: [...p.problems],
  };
}

function decisionsOf(profile: ProfileConfig, stored: StoredDecision[]): OwnerDecisions {
  return {
    allowlist: [...profile.allowlist, ...stored.filter((d) => d.kind === 'allow').map((d) => d.contact)],
    snoozed: [
      ...profile.snoozed.map((s) => ({ contact: s.contact, until: s.until })),
      ...stored.flatMap((d) => (d.kind === 'snooze' && d.until !== undefined ? [{ contact: d.contact, until: d.until }] : [])),
    ],
  };
}
