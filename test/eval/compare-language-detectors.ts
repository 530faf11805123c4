/**
 * Compares the candidate language detectors on short social texts, so the
 * choice in shared/classify/language/detect-language.ts stays reproducible:
 *
 *   npx tsx test/eval/compare-language-detectors.ts [FILE.tsv]
 *
 * FILE defaults to test/fixtures/language/tuning.tsv (lines `lang<TAB>text`).
 * Every candidate sees the same pre-cleaned text (links, handles, emoji and
 * digits removed) and keeps its own way of saying "I can't tell" (franc's
 * `und`, eld's isReliable(), cld3's is_reliable, tinyld's empty answer).
 * The `+ gates` rows add followback's length, name-list and margin gates
 * (tuned on the tuning corpus) to each eld size; the last row is the
 * detector as shipped.
 *
 * Printed per candidate: accuracy per language, the share answered `unknown`,
 * the share answered with a wrong language (the costly error: it can put a
 * contact out of the audience), overall accuracy, ms per 1,000 texts, and the
 * size of an esbuild-minified bundle that imports the library (node, esm).
 */
import { build } from 'esbuild';
import { franc } from 'franc';
import { loadModule } from 'cld3-asm';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { cleanText } from '../../shared/classify/language/clean-text.ts';
import { fromIso639_3 } from '../../shared/classify/language/iso-639.ts';
import { EldLanguageDetector, type EldEngine, loadLanguageDetector, SOCIAL_LANGUAGES } from '../../shared/classify/language/detect-language.ts';
import { readTsv } from './tsv.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_FILE = resolve(ROOT, 'test/fixtures/language/tuning.tsv');

interface Candidate {
  name: string;
  /** The import a bundle would carry, to measure its size; null to skip. */
  bundleEntry: string | null;
  detect(text: string): string;
}

type EldLike = EldEngine;

async function candidates(): Promise<Candidate[]> {
  const list: Candidate[] = [];
  const social3 = SOCIAL_LANGUAGES.map((l) => l.iso3);

  list.push({
    name: 'franc (187 langs)',
    bundleEntry: `import { franc } from 'franc'; console.log(franc('x'));`,
    detect: (text) => fromIso639_3(franc(cleanText(text))) ?? 'unknown',
  });
  list.push({
    name: 'franc (social subset)',
    bundleEntry: null,
    detect: (text) => fromIso639_3(franc(cleanText(text), { only: social3 })) ?? 'unknown',
  });

  const gated: Candidate[] = [];
  for (const size of ['extrasmall', 'small', 'medium', 'large'] as const) {
    const mod = (await import(`eld/${size}`)) as { eld: EldLike };
    const eld = mod.eld;
    const withGates = new EldLanguageDetector(eld, `eld ${size}`);
    gated.push({ name: `eld ${size} + gates`, bundleEntry: null, detect: (text) => withGates.detect(text).lang });
    list.push({
      name: `eld ${size}`,
      bundleEntry: `import { eld } from 'eld/${size}'; console.log(eld.detect('x'));`,
      detect: (text) => eld.detect(cleanText(text)).language || 'unknown',
    });
    list.push({
      name: `eld ${size} reliable`,
      bundleEntry: null,
      detect: (text) => {
        const r = eld.detect(cleanText(text));
        return r.language && r.isReliable() ? r.language : 'unknown';
      },
    });
  }

  for (const variant of ['light', 'normal', 'heavy'] as const) {
    const spec = variant === 'normal' ? 'tinyld' : `tinyld/${variant}`;
    const mod = (await import(spec)) as { detect(text: string): string };
    list.push({
      name: `tinyld ${variant}`,
      bundleEntry: `import { detect } from '${spec}'; console.log(detect('x'));`,
      detect: (text) => mod.detect(cleanText(text)) || 'unknown',
    });
  }

  const cld = await loadModule();
  const identifier = cld.create(0, 1000);
  const cldCode = (code: string): string => (code === 'und' ? 'unknown' : code.split('-')[0] ?? code);
  list.push({
    name: 'cld3-asm',
    bundleEntry: `import { loadModule } from 'cld3-asm'; console.log(await loadModule());`,
    detect: (text) => cldCode(identifier.findLanguage(cleanText(text)).language),
  });
  list.push({
    name: 'cld3-asm reliable',
    bundleEntry: null,
    detect: (text) => {
      const r = identifier.findLanguage(cleanText(text));
      return r.is_reliable ? cldCode(r.language) : 'unknown';
    },
  });

  list.push(...gated);
  const shipped = await loadLanguageDetector();
  list.push({
    name: `followback (${shipped.name} + gates)`,
    bundleEntry: `import { loadLanguageDetector } from './shared/classify/language/detect-language.ts'; console.log((await loadLanguageDetector()).detect('x'));`,
    detect: (text) => shipped.detect(text).lang,
  });
  return list;
}

async function bundleKiB(entry: string): Promise<number> {
  const result = await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles.reduce((sum, f) => sum + f.contents.byteLength, 0) / 1024;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`.padStart(6);

async function main(): Promise<void> {
  const file = resolve(process.argv[2] ?? DEFAULT_FILE);
  const rows = readTsv(file, ['lang', 'text'] as const);
  const langs = [...new Set(rows.map((r) => r.lang))].sort();
  console.log(`${file}: ${rows.length} texts, ${langs.length} labels`);

  const table: string[][] = [];
  const perLang: string[][] = [];
  for (const candidate of await candidates()) {
    const answers = rows.map((r) => candidate.detect(r.text));
    // The machine is shared: the median of five timed rounds (after the warm-up pass above) is a steadier figure.
    const rounds: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const start = performance.now();
      for (const r of rows) candidate.detect(r.text);
      rounds.push(((performance.now() - start) / rows.length) * 1000);
    }
    const msPer1000 = rounds.sort((a, b) => a - b)[2] ?? 0;

    let right = 0;
    let unknown = 0;
    let wrong = 0;
    const byLang = new Map<string, { n: number; right: number }>();
    rows.forEach((r, i) => {
      const answer = answers[i] ?? 'unknown';
      const entry = byLang.get(r.lang) ?? { n: 0, right: 0 };
      entry.n += 1;
      if (answer === r.lang) {
        right += 1;
        entry.right += 1;
      } else if (answer === 'unknown') unknown += 1;
      else wrong += 1;
      byLang.set(r.lang, entry);
    });
    const size = candidate.bundleEntry ? `${(await bundleKiB(candidate.bundleEntry)).toFixed(0)} KiB` : '(same)';
    table.push([candidate.name, pct(right / rows.length), pct(unknown / rows.length), pct(wrong / rows.length), msPer1000.toFixed(1), size]);
    perLang.push([candidate.name, ...langs.map((l) => {
      const e = byLang.get(l);
      return e ? pct(e.right / e.n) : '';
    })]);
  }

  const print = (header: string[], body: string[][]): void => {
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
    console.log(line(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of body) console.log(line(r));
  };
  console.log('\nOverall (unknown = abstained; wrong = another language, or a language for an `unknown` text)\n');
  print(['candidate', 'accuracy', 'unknown', 'wrong', 'ms/1000', 'bundle (min)'], table);
  console.log('\nAccuracy per language (n: ' + langs.map((l) => `${l} ${rows.filter((r) => r.lang === l).length}`).join(', ') + ')\n');
  print(['candidate', ...langs], perLang);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
