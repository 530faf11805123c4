/**
 * Asks the tone and language classifiers before the analysis, so analyse()
 * stays pure and a remote classifier (Amazon Comprehend) is called once per
 * run, in batches, for only the texts that can matter.
 */
import type { ProfileStore } from '../ports/store.ts';
import type { ProfileConfig } from '../config/schema.ts';
import type { AnalysisInput, Classifiers, Tone } from '../domain/analysis-types.ts';
import { audienceClassifier } from '../classify/audience.ts';
import { InteractionLog } from '../domain/interaction-log.ts';
import type { ToneClassifier, ToneText } from '../ports/classifiers.ts';
import type { ToneLabel, ToneLabelStore } from '../ports/tone-labels.ts';
import { ownerTeaching, type OwnerTeaching } from '../classify/tone/owner-labels.ts';
import type { RunReportDeps, Log } from './types.ts';

/**
 * Texts whose tone can decide `critic_only`: the inbound replies, mentions and
 * quotes of contacts who never liked or reposted anything we hold (one like
 * already means they are not only critics). Identical texts are sent once.
 * Reads the log's columns: a run's history can hold a million interactions.
 */
export function criticCandidateTexts(interactions: AnalysisInput['interactions'], nowMs: number): ToneText[] {
  const log = interactions instanceof InteractionLog ? interactions : InteractionLog.from(interactions);
  const engaged = new Uint8Array(log.partyCount);
  for (let k = 0; k < log.length; k++) {
    if (log.isInboundAt(k) && log.isEngagingAt(k)) engaged[log.partyAt(k)] = 1;
  }
  const byText = new Map<string, ToneText>();
  for (const k of log.textRows()) {
    const text = log.textAt(k);
    if (text === undefined || !log.isInboundAt(k) || !log.isTalkingAt(k) || text.trim() === '') continue;
    if (engaged[log.partyAt(k)] === 1 || log.atMsAt(k) > nowMs || byText.has(text)) continue;
    const lang = log.langAt(k);
    byText.set(text, { id: String(byText.size), text, ...(lang !== undefined ? { lang } : {}) });
  }
  return [...byText.values()];
}

export interface ClassifyOutcome {
  classifiers: Classifiers;
  /** Why a judgement could not be made this run (shown with the sources' problems). */
  problems: string[];
  /** What the tone classifier did otherwise this run, though every reply got a tone (e.g. Bedrock's cost cap: the local classifier judged the rest). */
  notices: string[];
}

function hasAudience(profile: ProfileConfig): boolean {
  const a = profile.audience;
  return a.languages.length > 0 || a.excludeKeywords.length > 0;
}

/** Where the owner's tone labels come from (shared/store/dynamo-tone-label-store.ts); without it no label applies. */
export interface ToneLabelDeps {
  toneLabels?: Pick<ToneLabelStore, 'listLabels'>;
}

/**
 * The owner's labels as a correction of this run's verdicts. A label naming an
 * interaction takes that interaction's text from the history (so it overrides
 * that text, and teaches about similar ones).
 */
export function teachingFor(labels: readonly ToneLabel[], interactions: AnalysisInput['interactions']): OwnerTeaching {
  const wanted = new Set(labels.filter((l) => l.interactionId !== undefined).map((l) => l.interactionId));
  const textsOfInteractions = new Map<string, string>();
  if (wanted.size > 0) {
    const log = interactions instanceof InteractionLog ? interactions : InteractionLog.from(interactions);
    for (const k of log.textRows()) {
      if (!wanted.has(log.idAt(k))) continue;
      const text = log.textAt(k);
      if (text !== undefined) textsOfInteractions.set(`${log.get(k).sourceId}:${log.idAt(k)}`, text);
    }
  }
  return ownerTeaching(labels, { textsOfInteractions });
}

/**
 * The label store: the one given, else the one on the run's DynamoDB store's
 * table (until RunReportDeps carries `toneLabels`), else none (a store of
 * another kind, as in some tests).
 */
function labelSource(deps: ToneLabelDeps & { store?: Pick<ProfileStore, 'toneLabelStore'> }): Pick<ToneLabelStore, 'listLabels'> | undefined {
  return deps.toneLabels ?? deps.store?.toneLabelStore?.();
}

async function loadLabels(profile: ProfileConfig, deps: ToneLabelDeps & { store?: Pick<ProfileStore, 'toneLabelStore'> }, log: Log, notices: string[]): Promise<ToneLabel[]> {
  const source = labelSource(deps);
  if (source === undefined) return [];
  try {
    return await source.listLabels(profile.id);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    notices.push(`your "this is (not) criticism" labels could not be read, so the classifier judged alone this run: ${message}`);
    log.warn('tone labels unreadable', { profile: profile.id, error: message });
    return [];
  }
}

export async function classifyTexts(
  profile: ProfileConfig,
  interactions: AnalysisInput['interactions'],
  now: Date,
  deps: Pick<RunReportDeps, 'toneClassifierFor' | 'languageDetector'> & ToneLabelDeps & { store?: Pick<ProfileStore, 'toneLabelStore'> },
  log: Log,
  signal?: AbortSignal,
): Promise<ClassifyOutcome> {
  const classifiers: Classifiers = {};
  const problems: string[] = [];
  const notices: string[] = [];
  if (deps.languageDetector !== undefined && hasAudience(profile)) classifiers.audience = audienceClassifier(deps.languageDetector);

  const tone: ToneClassifier | undefined = deps.toneClassifierFor?.(profile);
  if (tone === undefined) return { classifiers, problems, notices };
  const texts = criticCandidateTexts(interactions, now.getTime());
  if (texts.length === 0) {
    classifiers.tone = () => undefined;
    classifiers.toneClassifier = tone.name;
    return { classifiers, problems, notices };
  }
  try {
    const before = tone.meter?.();
    const tones = await tone.classify(texts, signal);
    const after = tone.meter?.();
    const labels = await loadLabels(profile, deps, log, notices);
    const teaching = labels.length > 0 ? teachingFor(labels, interactions) : undefined;
    const byText = new Map<string, Tone>();
    let relabelled = 0;
    for (const t of texts) {
      const answer = tones.get(t.id);
      // The owner's labels: exactly on the labelled replies, by similarity on unseen ones.
      const adjusted = teaching === undefined ? answer : teaching.adjust(t.text, answer);
      if (adjusted !== answer) relabelled += 1;
      if (adjusted !== undefined) byText.set(t.text, adjusted);
    }
    if (teaching !== undefined) log.info('owner tone labels applied', { profile: profile.id, labels: labels.length, verdictsChanged: relabelled });
    classifiers.tone = (text) => byText.get(text);
    classifiers.toneClassifier = tone.name;
    // A paid classifier's meter runs across runs in a warm Lambda: this run's share is the difference.
    const cost =
      before !== undefined && after !== undefined
        ? { calls: after.calls - before.calls, textsSent: after.textsSent - before.textsSent, units: after.units - before.units, costUsd: Math.round((after.costUsd - before.costUsd) * 10_000) / 10_000 }
        : undefined;
    log.info('texts classified', { profile: profile.id, classifier: tone.name, texts: texts.length, answered: byText.size, ...(cost !== undefined ? { cost } : {}) });
    notices.push(...(tone.notices?.() ?? []));
    if (notices.length > 0) log.warn('tone classifier fell back', { profile: profile.id, classifier: tone.name, notices });
  } catch (err) {
    if (signal?.aborted) throw err;
    // Without tones nothing is concluded about criticism this run; the report says why.
    const message = err instanceof Error ? err.message : String(err);
    classifiers.toneFailed = true;
    problems.push(`tone classifier "${tone.name}" failed, critics were not judged this run: ${message}`);
    log.warn('tone classifier failed', { profile: profile.id, classifier: tone.name, error: message });
  }
  return { classifiers, problems, notices };
}
