/**
 * Language codes. The port speaks ISO 639-1 (`it`, `en`); franc answers in
 * ISO 639-3 (`ita`, `eng`) and platforms tag posts with BCP 47 (`pt-BR`).
 */

/**
 * The languages a followback profile is likely to meet on Mastodon and
 * Bluesky (the most used languages of both networks' posts, plus the big
 * European ones). A detector limited to these cannot answer Scots for a
 * three-word English reply, or Ilocano for "Ciao a tutti", which full
 * 180-language models do on short texts.
 */
export const SOCIAL_LANGUAGES = [
  { iso1: 'en', iso3: 'eng' },
  { iso1: 'es', iso3: 'spa' },
  { iso1: 'pt', iso3: 'por' },
  { iso1: 'fr', iso3: 'fra' },
  { iso1: 'de', iso3: 'deu' },
  { iso1: 'it', iso3: 'ita' },
  { iso1: 'nl', iso3: 'nld' },
  { iso1: 'pl', iso3: 'pol' },
  { iso1: 'tr', iso3: 'tur' },
  { iso1: 'sv', iso3: 'swe' },
  { iso1: 'da', iso3: 'dan' },
  { iso1: 'no', iso3: 'nob' },
  { iso1: 'fi', iso3: 'fin' },
  { iso1: 'ca', iso3: 'cat' },
  { iso1: 'cs', iso3: 'ces' },
  { iso1: 'hu', iso3: 'hun' },
  { iso1: 'ro', iso3: 'ron' },
  { iso1: 'el', iso3: 'ell' },
  { iso1: 'ru', iso3: 'rus' },
  { iso1: 'uk', iso3: 'ukr' },
  { iso1: 'he', iso3: 'heb' },
  { iso1: 'ar', iso3: 'arb' },
  { iso1: 'fa', iso3: 'pes' },
  { iso1: 'hi', iso3: 'hin' },
  { iso1: 'ja', iso3: 'jpn' },
  { iso1: 'ko', iso3: 'kor' },
  { iso1: 'zh', iso3: 'cmn' },
  { iso1: 'th', iso3: 'tha' },
  { iso1: 'vi', iso3: 'vie' },
  { iso1: 'id', iso3: 'ind' },
] as const;

const ISO3_TO_1 = new Map<string, string>([
  ...SOCIAL_LANGUAGES.map((l) => [l.iso3, l.iso1] as [string, string]),
  ['nno', 'no'], ['zlm', 'ms'], ['bul', 'bg'], ['hrv', 'hr'], ['srp', 'sr'], ['bos', 'bs'], ['slk', 'sk'],
  ['slv', 'sl'], ['lit', 'lt'], ['lvs', 'lv'], ['ekk', 'et'], ['est', 'et'], ['glg', 'gl'], ['eus', 'eu'],
  ['cym', 'cy'], ['gle', 'ga'], ['isl', 'is'], ['als', 'sq'], ['bel', 'be'], ['tgl', 'tl'], ['afr', 'af'],
]);

/** ISO 639-1 for a franc code; `und` (franc's "can't tell") is undefined; a code without a 639-1 form stays as it is. */
export function fromIso639_3(code: string): string | undefined {
  if (code === 'und') return undefined;
  return ISO3_TO_1.get(code) ?? code;
}

/**
 * ISO 639-1 for a platform's language tag (`pt-BR`, `en_US`, `IT`, `zh-Hant`),
 * or undefined when the tag is empty or not a language code.
 */
export function normaliseLanguageTag(tag: string | null | undefined): string | undefined {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (/^[a-z]{2}$/.test(primary)) return primary;
  if (/^[a-z]{3}$/.test(primary)) {
    const mapped = ISO3_TO_1.get(primary);
    return mapped && mapped.length === 2 ? mapped : undefined;
  }
  return undefined;
}
