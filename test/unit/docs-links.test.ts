/**
 * The manual's links: every relative Markdown link (and image) in README.md and
 * docs/*.md points to a file that exists, and a `#anchor` to a heading of that
 * file (GitHub's slugs). Links inside fenced code blocks and inline code are not
 * links; absolute URLs (https:, mailto:) are not checked here.
 * The README is the front door: it stays short (the manual is in docs/), and its
 * test command is the one CI runs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

function markdownFiles(): string[] {
  const docs = join(ROOT, 'docs');
  const inDocs = existsSync(docs) ? readdirSync(docs).filter((f) => f.endsWith('.md')).map((f) => join(docs, f)) : [];
  return [join(ROOT, 'README.md'), ...inDocs.sort()];
}

/** The lines outside fenced code blocks (``` or ~~~), with their line numbers. */
function proseLines(text: string): { line: string; n: number }[] {
  const out: { line: string; n: number }[] = [];
  let fence: string | null = null;
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m?.[1] !== undefined) {
      const marker = m[1];
      if (fence === null) fence = marker[0]!.repeat(marker.length);
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      return;
    }
    if (fence === null) out.push({ line, n: i + 1 });
  });
  return out;
}

/** GitHub's heading anchor: the rendered text lower-cased, punctuation dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/`/g, '');
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a file's headings define, with GitHub's -1, -2 suffixes for repeats. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  for (const { line } of proseLines(readFileSync(file, 'utf8'))) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m?.[1] === undefined) continue;
    const base = githubSlug(m[1]);
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    anchors.add(seen === 0 ? base : `${base}-${seen}`);
  }
  return anchors;
}

interface Link {
  file: string;
  n: number;
  target: string;
}

function linksOf(file: string): Link[] {
  const links: Link[] = [];
  for (const { line, n } of proseLines(readFileSync(file, 'utf8'))) {
    const prose = line.replace(/(`+)[^`]*?\1/g, ''); // inline code is not a link
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ file, n, target: m[1]! });
    const ref = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (ref?.[1] !== undefined) links.push({ file, n, target: ref[1] });
  }
  return links;
}

const isRelative = (target: string): boolean => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//');

/** What is wrong with a relative link, or null when it resolves. */
function problemOf(link: Link): string | null {
  const hash = link.target.indexOf('#');
  const pathPart = hash < 0 ? link.target : link.target.slice(0, hash);
  const anchor = hash < 0 ? null : decodeURIComponent(link.target.slice(hash + 1));
  const path = decodeURIComponent(pathPart.split('?')[0]!);
  const target = path === '' ? link.file : resolve(dirname(link.file), path);
  if (!existsSync(target)) return `${path} does not exist`;
  if (anchor === null || anchor === '') return null;
  if (statSync(target).isDirectory() || !target.endsWith('.md')) return `#${anchor} points into ${path}, which is not a Markdown file`;
  return anchorsOf(target).has(anchor.toLowerCase()) ? null : `#${anchor} is not a heading of ${relative(ROOT, target)}`;
}

describe('documentation links', () => {
  it('slugs headings as GitHub does', () => {
    expect(githubSlug('What every export has in common')).toBe('what-every-export-has-in-common');
    expect(githubSlug('Demo (`{ "type": "demo" }`)')).toBe('demo--type-demo-');
    expect(githubSlug('Not your audience (`out_of_audience`)')).toBe('not-your-audience-out_of_audience');
    expect(githubSlug('`followback serve`')).toBe('followback-serve');
    expect(githubSlug('Mastodon and Bluesky')).toBe('mastodon-and-bluesky');
    expect(githubSlug('Keeping a contact: `followback keep`')).toBe('keeping-a-contact-followback-keep');
    expect(githubSlug('Steps: a long pull in bounded pieces')).toBe('steps-a-long-pull-in-bounded-pieces');
    expect(githubSlug('The exports bucket (deployed)')).toBe('the-exports-bucket-deployed');
  });

  it('finds the README and the docs pages', () => {
    const files = markdownFiles().map((f) => relative(ROOT, f));
    expect(files).toContain('README.md');
    expect(files).toContain(join('docs', 'networks.md'));
  });

  it.each(markdownFiles().map((f) => [relative(ROOT, f), f] as const))('%s: every relative link resolves', (_name, file) => {
    const broken = linksOf(file)
      .filter((l) => isRelative(l.target))
      .map((l) => ({ l, problem: problemOf(l) }))
      .filter((x) => x.problem !== null)
      .map(({ l, problem }) => `${relative(ROOT, l.file)}:${l.n}: (${l.target}) ${problem}`);
    expect(broken).toEqual([]);
  });
});

describe('the README is the front door', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('stays under 260 lines: the manual is in docs/', () => {
    expect(readme.split('\n').length).toBeLessThan(260);
  });

  it('gives the test command CI runs (.ci/run runs npm test; the README says npm ci && npm test)', () => {
    expect(readme).toMatch(/^npm ci && npm test\b/m);
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test\b/m);
  });
});
