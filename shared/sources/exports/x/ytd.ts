/**
 * The X archive's data files are JavaScript assignments, never evaluated here:
 *
 *     window.YTD.follower.part0 = [ … ]
 *     window.__THAR_CONFIG = { … }          (data/manifest.js)
 *
 * The assignment prefix is stripped and the rest parsed as JSON (a BOM and a
 * trailing ';' tolerated). A file may hold several `partN` assignments (each
 * one's JSON runs to the next assignment); very old archives may hold bare JSON.
 * Anything else is an ExportError naming the file.
 */
import { ExportError } from '../export-types.ts';

export interface YtdPart {
  /** The global's type name (`follower`, `tweets`, `tweet`), or '' for bare JSON. */
  name: string;
  part: number;
  data: unknown;
}

const YTD_ASSIGNMENT = /(?:^|\n)[ \t]*window\.YTD\.([A-Za-z0-9_]+)\.part(\d+)[ \t]*=[ \t]*/g;
const THAR_ASSIGNMENT = /^[ \t\r\n]*window\.__THAR_CONFIG[ \t]*=[ \t]*/;

function parseBody(label: string, path: string, body: string): unknown {
  let json = body.trim();
  if (json.endsWith(';')) json = json.slice(0, -1).trimEnd();
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    throw new ExportError(`${label}: ${path} is not a readable X archive file (${err instanceof Error ? err.message : String(err)}); download the archive again.`);
  }
}

/** Every `window.YTD.<name>.partN = …` assignment of one file, in order. */
export function parseYtdFile(label: string, path: string, text: string): YtdPart[] {
  const source = text.replace(/^\uFEFF/u, '');
  const matches = [...source.matchAll(YTD_ASSIGNMENT)];
  if (matches.length === 0) {
    const start = source.trimStart()[0];
    if (start === '[' || start === '{') return [{ name: '', part: 0, data: parseBody(label, path, source) }];
    throw new ExportError(`${label}: ${path} is not an X archive data file (no "window.YTD.<name>.partN =" assignment).`);
  }
  return matches.map((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const next = matches[i + 1];
    const end = next?.index ?? source.length;
    return { name: m[1] ?? '', part: Number(m[2] ?? 0), data: parseBody(label, path, source.slice(start, end)) };
  });
}

/** `data/manifest.js`: the `window.__THAR_CONFIG = { … }` object. */
export function parseManifest(label: string, path: string, text: string): unknown {
  const source = text.replace(/^\uFEFF/u, '');
  const m = THAR_ASSIGNMENT.exec(source);
  if (m === null) throw new ExportError(`${label}: ${path} is not an X archive manifest (no "window.__THAR_CONFIG =" assignment).`);
  return parseBody(label, path, source.slice(m[0].length));
}
