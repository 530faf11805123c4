/**
 * What both entry points of the decision page (the Lambda, functions/decide.ts,
 * and `followback serve`) answer before the handler runs, or when it cannot:
 * the only path that is the page, a client over its rate, a dependency that
 * did not load, a failure. The answers are fixed text: nothing from the
 * request, nothing from the error.
 */
import { isLoopbackHostname, type Config } from '../config/schema.ts';
import type { RateLimitVerdict } from './client-rate-limit.ts';

export interface EntryResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Nothing in these answers loads anything, runs anything or may be framed or cached. */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex, nofollow',
};

/** A short plain-text answer (404, 421, 413, 429). */
export function plainResponse(status: number, text: string, extra: Record<string, string> = {}): EntryResponse {
  return { status, headers: { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...extra }, body: `${text}\n` };
}

export function notFound(): EntryResponse {
  return plainResponse(404, 'not found');
}

/** 429 with the seconds until the client may ask again. */
export function rateLimited(verdict: Extract<RateLimitVerdict, { ok: false }>): EntryResponse {
  return plainResponse(429, 'too many requests: try again in a minute', { 'retry-after': String(verdict.retryAfterSeconds) });
}

const ERROR_TEXT = {
  500: { title: 'Something went wrong', body: 'Nothing was changed. Open the link again in a minute; if it keeps failing, use the followback command line.' },
  503: { title: 'Not available right now', body: 'The decision page could not start. Nothing was changed: open the link again in a minute.' },
} as const;

/**
 * A page a person may see instead of the Function URL's bare 502: fixed English text (the locale
 * is not known when the config did not load), and a Retry-After.
 */
export function errorPage(status: 500 | 503): EntryResponse {
  const { title, body } = ERROR_TEXT[status];
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><h1>${title}</h1><p>${body}</p></body></html>`;
  return { status, headers: { ...COMMON_HEADERS, 'content-type': 'text/html; charset=utf-8', 'retry-after': '60' }, body: html };
}

/**
 * The paths the deployed page answers at: the paths of the profiles' `report.decisionsUrl`s
 * (a custom domain may put the page under a path; a Function URL's own is `/`), or `/` alone
 * when none names a deployed page (none set yet, or only a local `followback serve`).
 */
export function decisionPaths(config: Pick<Config, 'profiles'>): ReadonlySet<string> {
  const paths = new Set<string>();
  for (const profile of config.profiles) {
    const url = profile.report.decisionsUrl;
    if (url === undefined) continue;
    const parsed = new URL(url);
    if (!isLoopbackHostname(parsed.hostname)) paths.add(parsed.pathname);
  }
  return paths.size > 0 ? paths : new Set(['/']);
}
