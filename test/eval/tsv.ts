/**
 * Reads the evaluation corpora: UTF-8, tab-separated, a header line naming the
 * columns, one example per line. A line with the wrong number of columns is an
 * error naming the file and line, never skipped in silence (a silently dropped
 * example would flatter the figures).
 */
import { readFileSync } from 'node:fs';

export function readTsv<C extends string>(path: string, columns: readonly C[]): Record<C, string>[] {
  const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t');
  if (header.length !== columns.length || header.some((h, i) => h.trim() !== columns[i])) {
    throw new Error(`${path}:1: the header must be ${columns.join('<TAB>')}, found ${JSON.stringify(lines[0] ?? '')}`);
  }
  const rows: Record<C, string>[] = [];
  lines.slice(1).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const cells = line.split('\t');
    // The last column (the text) may itself contain no tab; more cells than columns is an error.
    if (cells.length !== columns.length) {
      throw new Error(`${path}:${index + 2}: expected ${columns.length} tab-separated columns (${columns.join(', ')}), found ${cells.length}`);
    }
    rows.push(Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ''])) as Record<C, string>);
  });
  return rows;
}

/** Precision, recall and F1 of one class. */
export interface ClassScore {
  label: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export function classScores(pairs: readonly { truth: string; predicted: string }[], labels: readonly string[]): ClassScore[] {
  return labels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const { truth, predicted } of pairs) {
      if (predicted === label && truth === label) tp += 1;
      else if (predicted === label) fp += 1;
      else if (truth === label) fn += 1;
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, support: tp + fn, precision, recall, f1 };
  });
}
