/**
 * The one escaping function for untrusted text in HTML (names, handles, bios,
 * replies, URLs, problems). Safe in element content and in quoted attributes.
 */

// Control characters (C0 but tab/LF/CR, DEL, C1) and bidi overrides/isolates: a
// display name can use them to break layouts or disguise itself (U+202E turns
// "gpj.exe" around), so they go. Joiners (U+200D) stay: emoji sequences need them.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
// Half of a surrogate pair on its own is not text: encoders turn it into "?" or
// reject the whole message, so it is shown as the replacement character instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Longer than any real profile URL: a link this long is an attack on the email's size, not a profile. */
const MAX_URL_CHARS = 2048;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Lone surrogates become U+FFFD, so every later step handles well-formed Unicode. */
export function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD');
}

/** Drops invisible control/bidi characters and repairs lone surrogates; used for the plain-text part and CSV too. */
export function stripInvisible(value: string): string {
  return wellFormed(value).replace(INVISIBLE, '');
}

export function escapeHtml(value: string): string {
  return stripInvisible(value).replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/** Only http(s) URLs may become links: `javascript:`, `data:` and friends are shown as text, if at all. */
export function safeHttpUrl(value: string | undefined): string | null {
  if (value === undefined || value.length > MAX_URL_CHARS) return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}
