/**
 * How well the shipped language detector does on a labelled corpus:
 *
 *   npm run eval:language -- [FILE.tsv]
 *
 * FILE holds `lang<TAB>text` lines under that header (`lang` an ISO 639-1
 * code, or `unknown` for a text nobody could assign to one language).
 * Without FILE it evaluates test/fixtures/language/tuning.tsv (what the
 * thresholds were tuned on) and then test/fixtures/language/held-out.tsv
 * (what nothing was tuned on: the figures to publish).
 *
 * Per language: n, accuracy, the share answered `unknown`, the share answered
 * with another language, and precision (of the texts called this language,
 * how many were; overall: of all answers naming a language, how many were
 * right), then the wrong answers by pair.
 * A bad file is an error naming the file and line; exit code 2.
 */
import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { audienceClassifier } from '../../shared/classify/audience.ts';
import { loadLanguageDetector } from '../../shared/classify/language/detect-language.ts';
import { Audience } from '../../shared/config/schema.ts';
import type { TrackedContact } from '../../shared/domain/analysis-types.ts';
import type { LanguageDetector } from '../../shared/ports/classifiers.ts';
import { classScores, readTsv } from './tsv.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TUNING = resolve(ROOT, 'test/fixtures/language/tuning.tsv');
const HELD_OUT = resolve(ROOT, 'test/fixtures/language/held-out.tsv');

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function evaluate(file: string, detector: LanguageDetector): void {
  const rows = readTsv(file, ['lang', 'text'] as const);
  evaluateDetector(file, rows, detector);
  evaluateAudience(rows, detector);
}

function evaluateDetector(file: string, rows: readonly { lang: string; text: string }[], detector: LanguageDetector): void {
  const pairs = rows.map((r) => ({ truth: r.lang.trim(), predicted: detector.detect(r.text).lang }));
  const langs = [...new Set(pairs.map((p) => p.truth))].sort();
  const precision = new Map(classScores(pairs, langs).map((s) => [s.label, s.precision]));
  const calledAs = (lang: string): number => pairs.filter((p) => p.predicted === lang).length;

  const lines: string[][] = [];
  const line = (label: string, subset: typeof pairs, prec: string): void => {
    const n = subset.length;
    const right = subset.filter((p) => p.predicted === p.truth).length;
    const unknown = subset.filter((p) => p.predicted === 'unknown' && p.truth !== 'unknown').length;
    lines.push([label, String(n), pct(right / n), pct(unknown / n), pct((n - right - unknown) / n), prec]);
  };
  for (const lang of langs) {
    const called = calledAs(lang);
    const prec = lang === 'unknown' || called === 0 ? '-' : pct(precision.get(lang) ?? 0);
    line(lang, pairs.filter((p) => p.truth === lang), prec);
  }
  // Overall precision: of the answers that named a language, how many named the right one.
  const named = pairs.filter((p) => p.predicted !== 'unknown');
  line('overall', pairs, named.length === 0 ? '-' : pct(named.filter((p) => p.predicted === p.truth).length / named.length));

  console.log(`\n${relative(process.cwd(), file) || file} (${detector.name}): ${pairs.length} texts`);
  const header = ['lang', 'n', 'accuracy', 'unknown', 'wrong', 'precision'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));

  const wrong = new Map<string, number>();
  for (const p of pairs) {
    if (p.predicted === p.truth || p.predicted === 'unknown') continue;
    const key = `${p.truth}→${p.predicted}`;
    wrong.set(key, (wrong.get(key) ?? 0) + 1);
  }
  const listed = [...wrong.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`);
  console.log(`wrong answers: ${listed.length === 0 ? 'none' : listed.join(', ')}`);
  console.log('(unknown for an `unknown` text is right; wrong there means a language was claimed)');
}

/** A contact whose only text is `bio`. */
function bioContact(bio: string): TrackedContact {
  const at = '2025-01-01T00:00:00.000Z';
  return { id: 'x', handle: 'x@example.social', displayName: 'x', bio, relation: 'following', state: 'active', sourceId: 'eval', platform: 'eval', firstSeenAt: at, lastSeenAt: at };
}

function evaluateAudience(rows: readonly { lang: string; text: string }[], detector: LanguageDetector): void {
  const judge = audienceClassifier(detector);
  const enIt = Audience.parse({ languages: ['en', 'it'] });
  const outFor = (text: string, audience: Audience): boolean => judge(bioContact(text), [{ text }], audience) !== null;
  const labelled = rows.map((r) => ({ lang: r.lang.trim(), text: r.text })).filter((r) => r.lang !== 'unknown');
  const langs = [...new Set(labelled.map((r) => r.lang))].sort();
  const cells = langs.map((lang) => {
    const subset = labelled.filter((r) => r.lang === lang);
    return `${lang} ${subset.filter((r) => outFor(r.text, enIt)).length}/${subset.length}`;
  });
  const served = labelled.filter((r) => r.lang === 'en' || r.lang === 'it');
  const wronglyOut = served.filter((r) => outFor(r.text, enIt)).length;
  const ownOut = labelled.filter((r) => outFor(r.text, Audience.parse({ languages: [r.lang] }))).length;
  const noLanguage = rows.filter((r) => r.lang.trim() === 'unknown' && outFor(r.text, enIt)).length;
  console.log('audience rule, each text alone as a bio:');
  console.log(`  it/en audience, judged out: ${cells.join(', ')}`);
  console.log(`  it/en texts judged out for an it/en audience: ${wronglyOut} of ${served.length} (must be 0)`);
  console.log(`  texts judged out for an audience of their own language: ${ownOut} of ${labelled.length} (each one a language the detector got wrong)`);
  console.log(`  "no language" texts judged out: ${noLanguage} (must be 0)`);
}

async function main(): Promise<number> {
  const detector = await loadLanguageDetector();
  const arg = process.argv[2];
  if (arg !== undefined) {
    evaluate(resolve(arg), detector);
    return 0;
  }
  evaluate(TUNING, detector);
  if (!existsSync(HELD_OUT)) {
    console.error(`\n${relative(process.cwd(), HELD_OUT)}: not found, so there are no held-out figures yet.`);
    return 0;
  }
  evaluate(HELD_OUT, detector);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // readTsv names the file and line; a missing file names itself in Node's message.
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
