/**
 * Every string the HTML renderer prints, one at a time, replaced by hostile
 * markup: the rendered email, read back with a real HTML parser, must have
 * exactly the elements and attributes of the plain one, and show the hostile
 * string as text. Walking the view (rather than listing fields by hand) means
 * a field added later is covered the day it is added, and removing the escape
 * from any one of them (a row's name, handle, platform, relation, reasons,
 * facts, quote, link, a stale source's problem, a figure) fails here.
 */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../shared/report/render-html.ts';
import { buildReportView, type ReportView } from '../../../shared/report/report-view.ts';
import { attr, parseHtml, skeleton, textOf } from '../../helpers/parse-html.ts';
import { analysis, sampleReport, staleSource } from './analysis-fixture.ts';

/** Closes the cell, the row and the table, opens elements, breaks out of both attribute quotes, and looks like entities. */
const HOSTILE = `</td></tr></table><img src=x onerror=alert(1)>"><script>alert(1)</script>' onmouseover='alert(1)' <b>bold</b> &lt;i&gt; &amp; <!-- c -->`;
/** A link may be any http(s) URL: its quotes and brackets must not leave the attribute. */
const HOSTILE_URL = `https://evil.example/"><script>alert(1)</script>' onmouseover='alert(1)`;
const SUBJECT = 'followback report';

/** Strings of the view that never reach the markup as text: identifiers and enum values the renderer branches on. */
const NOT_PRINTED = new Set(['key', 'id', 'direction', 'tone']);

type Path = (string | number)[];

function stringLeaves(value: unknown, path: Path = []): Path[] {
  if (typeof value === 'string') return NOT_PRINTED.has(String(path[path.length - 1])) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

function withLeaf(view: ReportView, path: Path, text: string): ReportView {
  const copy = structuredClone(view) as unknown as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = text;
  return copy as unknown as ReportView;
}

const pathName = (path: Path) => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1);

// A report that uses every part of the view: stale banner with problems, trend, every section, a linked and an unlinked name, a quote.
const view = buildReportView(
  sampleReport({ analysis: analysis({ staleSources: [staleSource()] }) }),
);
const plain = parseHtml(renderHtml(view, SUBJECT));
const plainShape = skeleton(plain.elements);
const leaves = stringLeaves(view);

describe('every string of the HTML email is escaped, proven by parsing', () => {
  it('the view exercises rows with every field, so the walk below covers them', () => {
    const rowFields = new Set(leaves.filter((p) => p.includes('rows')).map((p) => String(p[p.length - 1])));
    for (const field of ['name', 'handle', 'platform', 'relation', 'reasons', 'quote', 'href']) expect(rowFields).toContain(field);
    expect(leaves.some((p) => p.includes('facts'))).toBe(true);
    expect(leaves.some((p) => p.includes('problems'))).toBe(true);
  });

  it.each(leaves.map((p) => [pathName(p), p] as const))('%s: hostile markup stays text', (_name, path) => {
    const isLink = path[path.length - 1] === 'href';
    const isLang = path.length === 1 && path[0] === 'lang';
    const payload = isLink ? HOSTILE_URL : HOSTILE;
    const { document, elements } = parseHtml(renderHtml(withLeaf(view, path, payload), SUBJECT));

    // Same elements, same attributes, in the same order: nothing from the data became markup.
    expect(skeleton(elements)).toEqual(plainShape);
    if (isLink) {
      expect(elements.map((e) => attr(e, 'href')).filter((h) => h !== undefined)).toContain(payload);
    } else if (isLang) {
      expect(attr(elements[0]!, 'lang')).toBe(payload);
    } else {
      // Decoded text reads exactly as the data: escaped once, not twice, nothing dropped.
      expect(textOf(document)).toContain(payload);
    }
  });

  it('the subject becomes the title as text', () => {
    const { elements } = parseHtml(renderHtml(view, HOSTILE));
    expect(skeleton(elements)).toEqual(plainShape);
    expect(textOf(elements.find((e) => e.tagName === 'title')!)).toBe(HOSTILE);
  });

  it('a profile link that is not http(s) is shown as a name without a link', () => {
    for (const url of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', `https://long.example/${'a'.repeat(3000)}`]) {
      const report = sampleReport({ analysis: analysis({ staleSources: [] }) });
      for (const c of report.contacts) c.profileUrl = url;
      const { elements } = parseHtml(renderHtml(buildReportView(report), SUBJECT));
      expect(elements.filter((e) => attr(e, 'href') !== undefined)).toEqual([]);
    }
  });
});

