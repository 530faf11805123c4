/**
 * `npm run eval:tone -- [FILE.tsv]`: how well the offline tone classifier
 * finds criticism, per language and per class.
 *
 * Without FILE it reads the training corpora (tuning.tsv and tuning-2.tsv,
 * and the first two held-out corpora, each measured once and then trained
 * on), a 10-fold cross-validation on all of them that also chooses the
 * learned part's thresholds, and the third held-out corpus (written
 * separately, nothing tuned on it); the last line is that corpus's
 * negative-class F1, the figure the critic_only filter depends on. A malformed
 * file is an error naming the file and line, exit code 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tone } from '../../shared/ports/classifiers.ts';
import { LexiconToneClassifier } from '../../shared/classify/tone/lexicon-tone-classifier.ts';
import { learnedOverrules, scoreTone, LEARNED_NEGATIVE_AT, LEARNED_OVERRULES_UP_TO, NEGATIVE_AT } from '../../shared/classify/tone/score-tone.ts';
import { learnedLogOdds, trainLearnedTone } from '../../shared/classify/tone/learned.ts';
import { classScores, readTsv } from './tsv.ts';

const LABELS: readonly Tone[] = ['negative', 'neutral', 'positive'];
const LANGS = ['it', 'en'] as const;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string): string => join(root, 'test/fixtures/tone', name);
/** Trained and tuned on. `fresh`: the lexicon was never edited while reading it, so its CV folds are the fair ones. */
const TRAINING = [
  { path: fixture('tuning.tsv'), heading: '(tuning)', fresh: false },
  { path: fixture('tuning-2.tsv'), heading: '(tuning: the learned part trains on it; the lexicon was not edited for it)', fresh: true },
  { path: fixture('held-out.tsv'), heading: '(tuning: first held-out, measured once, then tuned on)', fresh: false },
  { path: fixture('held-out-2.tsv'), heading: '(tuning: second held-out, measured once, then trained on)', fresh: true },
] as const;
const HELD_OUT_3 = fixture('held-out-3.tsv');
const FOLDS = 10;

interface Example {
  lang: string;
  truth: Tone;
  text: string;
}

class BadInput extends Error {}

function load(path: string): Example[] {
  if (!existsSync(path)) throw new BadInput(`${path}: no such file`);
  let rows: Record<'lang' | 'label' | 'text', string>[];
  try {
    rows = readTsv(path, ['lang', 'label', 'text']);
  } catch (error) {
    throw new BadInput(error instanceof Error ? error.message : String(error));
  }
  // readTsv skips blank and # lines, so count physical lines again to name the bad one.
  const lineOf = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line, i) => ({ line, number: i + 1 }))
    .slice(1)
    .filter(({ line }) => line.trim() !== '' && !line.startsWith('#'))
    .map(({ number }) => number);
  return rows.map((row, index) => {
    const label = row.label.trim();
    const lang = row.lang.trim().toLowerCase();
    const where = `${path}:${lineOf[index] ?? '?'}`;
    if (!(LABELS as readonly string[]).includes(label)) throw new BadInput(`${where}: label must be negative|neutral|positive, found ${JSON.stringify(row.label)}`);
    if (!(LANGS as readonly string[]).includes(lang)) throw new BadInput(`${where}: lang must be it|en, found ${JSON.stringify(row.lang)}`);
    if (row.text.trim() === '') throw new BadInput(`${where}: empty text`);
    return { lang, truth: label as Tone, text: row.text };
  });
}

const pct = (x: number): string => x.toFixed(2);

function table(title: string, pairs: readonly { truth: Tone; predicted: Tone }[]): string[] {
  const lines = [`  ${title} (${pairs.length} examples, accuracy ${pct(pairs.filter((p) => p.truth === p.predicted).length / Math.max(pairs.length, 1))})`];
  lines.push(`    ${'class'.padEnd(10)}${'precision'.padStart(10)}${'recall'.padStart(8)}${'F1'.padStart(6)}${'support'.padStart(9)}`);
  for (const s of classScores(pairs, LABELS)) {
    lines.push(`    ${s.label.padEnd(10)}${pct(s.precision).padStart(10)}${pct(s.recall).padStart(8)}${pct(s.f1).padStart(6)}${String(s.support).padStart(9)}`);
  }
  lines.push(`    confusion (rows: truth, columns: predicted)`);
  lines.push(`    ${''.padEnd(10)}${LABELS.map((l) => l.padStart(10)).join('')}`);
  for (const truth of LABELS) {
    const row = LABELS.map((p) => String(pairs.filter((x) => x.truth === truth && x.predicted === p).length).padStart(10)).join('');
    lines.push(`    ${truth.padEnd(10)}${row}`);
  }
  return lines;
}

async function evaluate(path: string, heading: string, listMisses = false): Promise<{ negativeF1: Record<'it' | 'en', number> }> {
  const examples = load(path);
  const classifier = new LexiconToneClassifier();
  const started = performance.now();
  const tones = await classifier.classify(examples.map((e, i) => ({ id: String(i), text: e.text, lang: e.lang })));
  const ms = performance.now() - started;
  const pairs = examples.map((e, i) => ({ lang: e.lang, truth: e.truth, predicted: tones.get(String(i)) ?? 'neutral' }));

  const out = [``, `${relative(process.cwd(), path) || path} ${heading}`, `  classifier: ${classifier.name}, ${examples.length} texts in ${ms.toFixed(1)} ms (first call, cold)`];
  const negativeF1 = { it: 0, en: 0 };
  for (const lang of LANGS) {
    const subset = pairs.filter((p) => p.lang === lang);
    out.push(...table(lang, subset));
    negativeF1[lang] = classScores(subset, LABELS).find((s) => s.label === 'negative')?.f1 ?? 0;
  }
  out.push(...table('all', pairs));
  out.push(`  throughput: ${Math.round(await throughput(classifier, examples)).toLocaleString('en')} texts/s (warm, this corpus repeated)`);
  // Only in FILE mode: the misses of the held-out corpus are not for reading while tuning.
  if (listMisses) {
    for (const [i, p] of pairs.entries()) {
      if (p.truth !== p.predicted) out.push(`  miss ${p.lang} ${p.truth}->${p.predicted}: ${examples[i]?.text ?? ''}`);
    }
  }
  console.log(out.join('\n'));
  return { negativeF1 };
}

/**
 * The learned part judged on text it was not trained on: stratified folds
 * (every FOLDS-th example of each file's language and label), a model trained
 * on the other folds, the full classifier's decision rule. The lexicon was
 * written while reading tuning.tsv and held-out.tsv, so figures on all folds
 * are optimistic; the "fresh" figures (tuning-2.tsv, held-out-2.tsv, which the
 * lexicon never saw) are the fair ones, and they choose the thresholds: the
 * grid below picks the pair with the best mean negative F1 there.
 */
function crossValidate(paths: readonly string[], fresh: ReadonlySet<string>): void {
  const examples = paths.flatMap((path) => load(path).map((e) => ({ ...e, fresh: fresh.has(path) })))
    .filter((e): e is Example & { lang: 'it' | 'en'; fresh: boolean } => e.lang === 'it' || e.lang === 'en');
  const seen = new Map<string, number>();
  const fold = examples.map((e) => {
    const key = `${e.lang}/${e.truth}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return n % FOLDS;
  });
  const learned = new Array<number>(examples.length).fill(0);
  for (let k = 0; k < FOLDS; k++) {
    const model = trainLearnedTone(examples.filter((_, i) => fold[i] !== k).map((e) => ({ lang: e.lang, negative: e.truth === 'negative', text: e.text })));
    examples.forEach((e, i) => {
      if (fold[i] === k) learned[i] = learnedLogOdds(model, e.text, e.lang);
    });
  }
  const scored = examples.map((e) => scoreTone(e.text, e.lang));
  const negative = (lang: 'it' | 'en', onlyFresh: boolean, predict: (i: number) => boolean): { text: string; f1: number } => {
    const pairs = examples.flatMap((e, i) => (e.lang === lang && (!onlyFresh || e.fresh) ? [{ truth: e.truth === 'negative' ? 'negative' : 'other', predicted: predict(i) ? 'negative' : 'other' }] : []));
    const s = classScores(pairs, ['negative'])[0];
    return s === undefined ? { text: '-', f1: 0 } : { text: `precision ${pct(s.precision)} recall ${pct(s.recall)} F1 ${pct(s.f1)} (${s.support})`, f1: s.f1 };
  };
  const rules = (i: number): boolean => (scored[i]?.raw ?? 0) < -NEGATIVE_AT;
  const combined = (negativeAt: number, upTo: number) => (i: number): boolean => {
    const s = scored[i];
    return s !== undefined && (s.raw < -NEGATIVE_AT || learnedOverrules(s.raw, learned[i] ?? 0, s.learnedStaysOut, negativeAt, upTo));
  };
  const freshCount = examples.filter((e) => e.fresh).length;
  const out = ['', `${FOLDS}-fold cross-validation on ${paths.map((p) => relative(process.cwd(), p)).join(' + ')} (${examples.length} texts; fresh = the ${freshCount} the lexicon was never edited for)`];
  for (const lang of LANGS) {
    for (const onlyFresh of [false, true]) {
      const where = onlyFresh ? 'fresh' : 'all  ';
      out.push(`  ${lang} ${where} lexicon alone:     negative ${negative(lang, onlyFresh, rules).text}`);
      out.push(`  ${lang} ${where} learned alone:     negative ${negative(lang, onlyFresh, (i) => (learned[i] ?? 0) > LEARNED_NEGATIVE_AT).text}`);
      out.push(`  ${lang} ${where} lexicon + learned: negative ${negative(lang, onlyFresh, combined(LEARNED_NEGATIVE_AT, LEARNED_OVERRULES_UP_TO)).text}${onlyFresh ? '' : ' (optimistic: the lexicon was written on tuning.tsv and held-out.tsv)'}`);
    }
  }
  // The thresholds the classifier ships were chosen here: the best mean fresh negative F1 over this grid.
  // The cap stays at "not clearly positive" (raw <= 1 or 2): overruling praise the rules see was tried
  // (caps 3 and 5 scored 0.79-0.80 too) but calls plain thanks with 👏 criticism.
  let best = { negativeAt: 0, upTo: 0, f1: -1 };
  for (const upTo of [0, 1, 2]) {
    for (let negativeAt = -3; negativeAt <= 3; negativeAt += 0.5) {
      const f1 = LANGS.reduce((sum, lang) => sum + negative(lang, true, combined(negativeAt, upTo)).f1, 0) / LANGS.length;
      if (f1 > best.f1 + 1e-9) best = { negativeAt, upTo, f1 };
    }
  }
  const shipped = LANGS.reduce((sum, lang) => sum + negative(lang, true, combined(LEARNED_NEGATIVE_AT, LEARNED_OVERRULES_UP_TO)).f1, 0) / LANGS.length;
  out.push(`  thresholds: best on the fresh folds learned > ${best.negativeAt} when raw <= ${best.upTo} (mean negative F1 ${pct(best.f1)}); shipped learned > ${LEARNED_NEGATIVE_AT} when raw <= ${LEARNED_OVERRULES_UP_TO} (${pct(shipped)})`);
  console.log(out.join('\n'));
}

async function throughput(classifier: LexiconToneClassifier, examples: readonly Example[]): Promise<number> {
  const batch = Array.from({ length: 50_000 }, (_, i) => {
    const e = examples[i % examples.length] as Example;
    return { id: String(i), text: e.text, lang: e.lang };
  });
  await classifier.classify(batch.slice(0, 5_000));
  const started = performance.now();
  await classifier.classify(batch);
  return batch.length / ((performance.now() - started) / 1000);
}

const lastLine = (f: Record<'it' | 'en', number>): string => `negative F1: it ${pct(f.it)}, en ${pct(f.en)}`;

async function main(): Promise<void> {
  const file = process.argv.slice(2).find((a) => a !== '--');
  if (file !== undefined) {
    const { negativeF1 } = await evaluate(resolve(file), '', process.env.TONE_EVAL_MISSES === '1');
    console.log(lastLine(negativeF1));
    return;
  }
  for (const t of TRAINING) await evaluate(t.path, t.heading);
  crossValidate(TRAINING.map((t) => t.path), new Set(TRAINING.filter((t) => t.fresh).map((t) => t.path)));
  if (!existsSync(HELD_OUT_3)) {
    console.log(`\n${relative(process.cwd(), HELD_OUT_3)}: not written yet, no held-out figure`);
    return;
  }
  const { negativeF1 } = await evaluate(HELD_OUT_3, '(held-out: nothing was tuned on it)');
  console.log(lastLine(negativeF1));
}

main().catch((error: unknown) => {
  console.error(`eval:tone: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof BadInput ? 2 : 1);
});
