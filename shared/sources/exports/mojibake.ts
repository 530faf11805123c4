/**
 * Repair of Meta's mojibake.
 *
 * Meta's exports (Instagram, Threads, Facebook) write every byte of a UTF-8
 * character as its own `\u00XX` JSON escape, so "José" (UTF-8 `4A 6F 73 C3 A9`)
 * arrives, once JSON-parsed, as "JosÃ©": one code unit per byte. The repair
 * reads the code units back as bytes and decodes them as UTF-8.
 *
 * The rule, `fixMojibake(s)`: when every code unit of `s` is ≤ 0xFF and those
 * units, taken as bytes, are valid UTF-8 (a fatal decoder) that decodes to
 * something different, return the decoded text; otherwise `s` was not mojibake
 * and is returned unchanged (pure ASCII, a string with any code unit above
 * 0xFF, a byte sequence that is not valid UTF-8).
 *
 * The edge it accepts: a genuine Latin-1-only string that happens to be valid
 * UTF-8 when re-read ("Ã©" typed on purpose) would be "repaired" to "é". Meta's
 * exports never hold raw non-ASCII text — every non-ASCII character is escaped
 * byte by byte — so in a Meta export such a string cannot be genuine, and the
 * rule is safe there. Apply it ONLY to Meta exports (Instagram, Threads,
 * Facebook); TikTok, LinkedIn and X write real UTF-8, where it would damage
 * names such as "Ã©lan".
 *
 * Seen in: RobinOehler/unfollowtool-export-parsers `src/parsers/instagram.js`
 * (`fixMojibake`), karlicoss/HPI `src/my/instagram/gdpr.py`
 * (`s.encode('latin-1').decode('utf8')`).
 */

/** Fatal: invalid UTF-8 throws (then the string was not mojibake). ignoreBOM: a leading EF BB BF stays U+FEFF. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text `s` was meant to be, when `s` is Meta's byte-per-code-unit mojibake of it; otherwise `s` itself. */
export function fixMojibake(s: string): string {
  let nonAscii = false;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit > 0xff) return s;
    if (unit > 0x7f) nonAscii = true;
  }
  // Pure ASCII decodes to itself.
  if (!nonAscii) return s;
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  let decoded: string;
  try {
    decoded = utf8.decode(bytes);
  } catch {
    return s;
  }
  return decoded;
}

/** True when `fixMojibake` changes `s`. */
export function isMojibake(s: string): boolean {
  return fixMojibake(s) !== s;
}

/** A value parsed from JSON, with every string and every object key repaired. Safe for keys such as `__proto__` (own data properties). */
export function repairJson<T>(value: T): T {
  return repair(value) as T;
}

function repair(value: unknown): unknown {
  if (typeof value === 'string') return fixMojibake(value);
  if (Array.isArray(value)) return value.map(repair);
  if (value !== null && typeof value === 'object') {
    // Object.fromEntries defines own data properties, so a key "__proto__" stays a key and never sets the prototype.
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [fixMojibake(key), repair(inner)]));
  }
  return value;
}

/** `JSON.parse` of a Meta export's file, repaired. Throws what `JSON.parse` throws. */
export function parseMetaJson(text: string): unknown {
  return repairJson(JSON.parse(text) as unknown);
}
