/**
 * `npm run eval:tone -- [FILE.tsv]`: how well the offline tone classifier
 * finds criticism, per language and per class.
 *
 * Without FILE it reads the tuning corpus (the lexicon was adjusted while
 * looking at it) and then the held-out corpus (written separately, never
 * looked at while tuning); the last line is the held-out negative-class F1,
 * the figure the critic_only filter depends on. A malformed file is an error
 * naming the file and line, exit code 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tone } from '../../shared/ports/classifiers.ts';
import { LexiconToneClassifier } from '../../shared/classify/tone/lexicon-tone-classifier.ts';
import { classScores, readTsv } from './tsv.ts';

const LABELS: readonly Tone[] = ['negative', 'neutral', 'positive'];
const LANGS = ['it', 'en'] as const;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TUNING = join(root, 'test/fixtures/tone/tuning.tsv');
const HELD_OUT = join(root, 'test/fixtures/tone/held-out.tsv');

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
  await evaluate(TUNING, '(tuning)');
  const { negativeF1 } = await evaluate(HELD_OUT, '(held-out: nothing was tuned on it)');
  console.log(lastLine(negativeF1));
}

main().catch((error: unknown) => {
  console.error(`eval:tone: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof BadInput ? 2 : 1);
});
