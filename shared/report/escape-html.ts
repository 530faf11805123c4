/**
 * The one escaping function for untrusted text in HTML (names, handles, bios,
 * replies, URLs, problems). Safe in element content and in quoted attributes.
 */

// Control characters and bidi overrides/isolates: a display name can use them to
// break layouts or disguise itself (U+202E turns "gpj.exe" around), so they go.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Drops invisible control/bidi characters; used for the plain-text part too. */
export function stripInvisible(value: string): string {
  return value.replace(INVISIBLE, '');
}

export function escapeHtml(value: string): string {
  return stripInvisible(value).replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/** Only http(s) URLs may become links: `javascript:`, `data:` and friends are shown as text, if at all. */
export function safeHttpUrl(value: string | undefined): string | null {
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}
