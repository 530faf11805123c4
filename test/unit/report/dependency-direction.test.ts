/**
 * The report and the decision page depend one way: decide/ signs the links the
 * report asks for through its `DecisionLinks` port, so decide/ may import from
 * report/, never the reverse. Read from the source files themselves, so a new
 * import that breaks the rule fails here, not in a later refactor.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const REPORT = join(ROOT, 'shared', 'report');
const DECIDE = join(ROOT, 'shared', 'decide');

/** Static imports and re-exports (also across lines), side-effect imports, dynamic import() and require(). */
const SPECIFIERS = [
  /\b(?:import|export)\b[^;'"`]*?\bfrom\s*(['"])([^'"]+)\1/g,
  /\bimport\s*(['"])([^'"]+)\1/g,
  /\b(?:import|require)\s*\(\s*(['"`])([^'"`]+)\1\s*\)/g,
];

function specifiersOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return SPECIFIERS.flatMap((re) => [...source.matchAll(re)].map((m) => m[2] ?? ''));
}

/** The file a relative specifier names (with or without its .ts), or null for a package or a builtin. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${relative(ROOT, from)}: cannot resolve "${specifier}"`);
}

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const inside = (dir: string, file: string): boolean => file.startsWith(`${dir}${sep}`);

/** Every import edge (importer, imported file) reachable from `starts`, following relative imports through any folder. */
function reachableEdges(starts: string[]): { from: string; to: string }[] {
  const seen = new Set<string>(starts);
  const queue = [...starts];
  const edges: { from: string; to: string }[] = [];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const specifier of specifiersOf(file)) {
      const to = resolveSpecifier(file, specifier);
      if (to === null) continue;
      edges.push({ from: file, to });
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return edges;
}

const show = (edges: { from: string; to: string }[]): string[] => edges.map((e) => `${relative(ROOT, e.from)} -> ${relative(ROOT, e.to)}`);

describe('report and decide depend one way', () => {
  const reportFiles = tsFilesUnder(REPORT);

  it('no file in shared/report imports anything from shared/decide', () => {
    const offending = reportFiles.flatMap((file) =>
      specifiersOf(file)
        .filter((specifier) => /(^|\/)decide(\/|$)/.test(specifier) || inside(DECIDE, resolveSpecifier(file, specifier) ?? ''))
        .map((specifier) => `${relative(ROOT, file)} imports "${specifier}"`),
    );
    expect(reportFiles.length).toBeGreaterThan(10);
    expect(offending).toEqual([]);
  });

  it('nothing the report imports, however indirectly, reaches shared/decide: the two folders have no import cycle', () => {
    const edges = reachableEdges(reportFiles);
    // Only the edges that enter decide/: the path from the report up to there shows where the rule broke.
    expect(show(edges.filter((e) => inside(DECIDE, e.to) && !inside(DECIDE, e.from)))).toEqual([]);
    // The walk does leave the folder (domain, config…), so "indirectly" is really followed.
    expect(edges.some((e) => !inside(REPORT, e.to))).toBe(true);
  });

  it('decide is the side that depends: the signing links implement the report\'s DecisionLinks port', () => {
    // Also shows the reader sees real imports: were it blind, the two tests above would pass for nothing.
    const edges = show(reachableEdges([join(DECIDE, 'links.ts')]));
    expect(edges).toContain('shared/decide/links.ts -> shared/report/decision-links.ts');
    expect(edges).toContain('shared/decide/links.ts -> shared/decide/token.ts');
  });
});
