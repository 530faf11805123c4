/**
 * The decision page's HTML: one small document, no script, one <style> block
 * allowed by its hash in the Content-Security-Policy (no inline style
 * attributes), readable on a phone. Every string goes through `escapeHtml`.
 */
import { createHash } from 'node:crypto';
import { escapeHtml as e, safeHttpUrl } from '../report/escape-html.ts';

const STYLE = `
body{margin:0;background:#f1f3f4;color:#202124;font:16px/1.5 -apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}
main{max-width:560px;margin:0 auto;padding:16px;background:#fff;min-height:100vh;box-sizing:border-box}
h1{font-size:22px;line-height:1.3;margin:8px 0 12px;overflow-wrap:anywhere}
li{overflow-wrap:anywhere}
p{margin:0 0 12px}
.muted{color:#5f6368;font-size:14px}
.note{background:#fef7e0;border-left:4px solid #f9ab00;padding:8px 12px;font-size:14px}
.bad{background:#fce8e6;border-left:4px solid #b3261e;padding:8px 12px}
.ok{background:#e6f4ea;border-left:4px solid #1e7e34;padding:8px 12px}
ul{list-style:none;padding:0;margin:0 0 16px}
li{border-bottom:1px solid #e8eaed;padding:10px 0}
.name{font-weight:bold}
.why{font-size:14px}
.quote{font-style:italic;color:#3c4043;margin:0 0 16px;padding:8px 12px;border-left:4px solid #dadce0;overflow-wrap:anywhere;white-space:pre-line}
button{font:inherit;font-size:18px;width:100%;padding:14px;border:0;border-radius:8px;background:#1a56c4;color:#fff;cursor:pointer}
button:focus{outline:3px solid #f9ab00}
a{color:#1a56c4}
footer{margin-top:24px;color:#5f6368;font-size:12px}
.confirm{display:flex;gap:10px;align-items:flex-start;margin:0 0 12px;padding:10px 12px;border:2px solid #1a56c4;border-radius:8px}
.confirm input{width:22px;height:22px;margin:2px 0 0;flex:none}
.refused{color:#b3261e;font-size:14px}
form+p{margin-top:12px}
`.trim();

/** The CSP source for the page's one style block. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`;

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src ${STYLE_HASH}; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-frame-options': 'DENY',
  // The page's own POST then carries its true Origin; nothing leaves for another site.
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  // Mail scanners and search engines: nothing here to index.
  'x-robots-tag': 'noindex, nofollow',
};

export interface ContactBlock {
  name: string;
  handle: string;
  platform: string;
  relation: string;
  href: string | null;
  reasons: string;
  facts: string;
  /** Why this link may not act on this contact (shown in red); absent when it may. */
  refused?: string;
  /** The reply the last report quoted as their criticism (untrusted), with the link to say it is not. */
  quote?: { lead: string; text: string; href: string; link: string };
}

export interface FormView {
  action: string;
  token: string;
  button: string;
  /** A paragraph right above the button. */
  lead?: string;
  /** A box the owner must tick: its value (the count shown) is checked again by the server. */
  confirm?: { label: string; value: string };
}

export interface PageView {
  lang: string;
  title: string;
  /** Class of the lead paragraph: plain, a warning, an error or a success. */
  tone: 'plain' | 'note' | 'bad' | 'ok';
  paragraphs: string[];
  contacts?: { why: string; profileLink: string; items: ContactBlock[] };
  /** A reply the page is about (a label link): who wrote it and when, then its text (untrusted). */
  quote?: { lead: string; text: string };
  /** After acting: one line per contact, what happened. */
  results?: { who: string; text: string; tone: 'ok' | 'note' | 'bad' }[];
  notes?: string[];
  form?: FormView;
  /** A small line after the form (how to take a label back). */
  after?: string;
  footer: string;
}

export function renderPage(v: PageView): string {
  const lead = v.paragraphs.map((p, i) => `<p${i === 0 && v.tone !== 'plain' ? ` class="${v.tone}"` : ''}>${e(p)}</p>`).join('\n');
  const contacts = v.contacts
    ? `<ul>\n${v.contacts.items.map((c) => contactItem(c, v.contacts?.why ?? '', v.contacts?.profileLink ?? '')).join('\n')}\n</ul>`
    : '';
  const quote = v.quote ? `<p class="muted">${e(v.quote.lead)}</p>\n<blockquote class="quote">${e(v.quote.text)}</blockquote>` : '';
  const results = v.results ? `<ul>\n${v.results.map((r) => `<li class="${r.tone}"><span class="name">${e(r.who)}</span>: ${e(r.text)}</li>`).join('\n')}\n</ul>` : '';
  const notes = (v.notes ?? []).map((n) => `<p class="note">${e(n)}</p>`).join('\n');
  // The token rides in the body, never in a URL the browser would send on.
  const form = v.form
    ? `<form method="post" action="${e(v.form.action)}">
<input type="hidden" name="t" value="${e(v.form.token)}">
${v.form.lead !== undefined ? `<p class="muted">${e(v.form.lead)}</p>\n` : ''}${
        v.form.confirm !== undefined ? `<label class="confirm"><input type="checkbox" name="confirm" value="${e(v.form.confirm.value)}" required><span>${e(v.form.confirm.label)}</span></label>\n` : ''
      }<button type="submit">${e(v.form.button)}</button>
</form>`
    : '';
  return `<!DOCTYPE html>
<html lang="${e(v.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${e(v.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${e(v.title)}</h1>
${contacts}
${quote}
${lead}
${results}
${notes}
${form}
${v.after !== undefined ? `<p class="muted">${e(v.after)}</p>` : ''}
<footer>${e(v.footer)}</footer>
</main>
</body>
</html>
`;
}

function contactItem(c: ContactBlock, why: string, profileLink: string): string {
  const href = safeHttpUrl(c.href ?? undefined);
  const link = href !== null ? ` · <a href="${e(href)}" rel="noopener noreferrer">${e(profileLink)}</a>` : '';
  const about = [c.handle, c.platform, c.relation].filter((part) => part !== '');
  return (
    `<li><span class="name">${e(c.name)}</span>${about.length > 0 ? ` <span class="muted">${e(about.join(' · '))}</span>` : ''}${link}` +
    `<div class="why">${e(why)}: ${e(c.reasons)}</div>` +
    `<div class="muted">${e(c.facts)}</div>` +
    (c.quote !== undefined
      ? `<div class="muted">${e(c.quote.lead)}</div><blockquote class="quote">${e(c.quote.text)}</blockquote><div class="why"><a href="${e(c.quote.href)}">${e(c.quote.link)}</a></div>`
      : '') +
    (c.refused !== undefined ? `<div class="refused">${e(c.refused)}</div>` : '') +
    `</li>`
  );
}
