/**
 * The tone of one short reply, from lexicons and a few rules (pure, no I/O).
 *
 * Every cue (a word, a phrase, an emoji, a pattern such as "did you even
 * read") carries a valence; the rules adjust it where it stands:
 *  - negation turns the next cues of the clause around, softly ("not bad" is
 *    mildly good, "not helpful" clearly bad); Italian double negation
 *    ("non … niente") is still one negation;
 *  - intensifiers and softeners scale the next cue ("really", "un po'");
 *    stretched letters ("sooo"), a word in capitals and "!!!" add emphasis;
 *  - after "but"/"ma"/"però" the clause counts more, the one before less;
 *  - in a question the words count half (people ask about "bad performance"
 *    without being negative), unless a pattern says the question is an attack;
 *  - sarcasm (an explicit marker, 🙄 🤡, or 👏 next to blame) turns the praise
 *    in the same reply into blame: sarcastic praise is criticism.
 * Then a learned model (learned.ts: a logistic regression over word and letter
 * n-grams, negated words, and named features of what the rules saw, including
 * their own verdict, binned) has its say: a reply the rules do not find
 * clearly positive is called negative when the model's log-odds of criticism
 * are above LEARNED_NEGATIVE_AT (dry jabs, unmarked sarcasm, condescension,
 * concern-trolling, "peccato che…"), and a reply the rules call negative, but
 * not strongly, is cleared when they are below LEARNED_CLEARS_BELOW (praise in
 * blame words: "this slaps", "mi uccidi 💀", "the haters can't stand it").
 */
import type { Tone } from '../../ports/classifiers.ts';
import { CLAP, EMOJI_VALENCE, EMOTICON_VALENCE, IRONY_EMOJI } from './emoji.ts';
import { EN_LEXICON } from './lexicon-en.ts';
import { IT_LEXICON } from './lexicon-it.ts';
import { decodeLearnedModel, learnedBucketsOfTokens, learnedLogOddsOfTokens } from './learned.ts';
import { LEARNED_TABLE } from './learned-table.generated.ts';
import { mergeLexicons, stemValence, type ToneLexicon } from './lexicon.ts';
import { tokenize, unstretch, type Token } from './tokenize.ts';

export type ScoredLanguage = 'it' | 'en' | 'it+en';

export interface ToneScore {
  tone: Tone;
  /** -1..1: the raw sum squashed, for sorting and display. */
  score: number;
  /** The unbounded sum of the weighted cues; the tone is decided on it. */
  raw: number;
  language: ScoredLanguage;
  sarcasm: boolean;
  /** The learned model's log-odds that the reply is criticism (0 when the language is unclear). */
  learned: number;
  /**
   * The learned model gets no say: the language is unclear (its features are
   * per language), the reply has no words, or it is an open first-person
   * question ("What am I doing wrong?") whose words look like criticism.
   */
  learnedStaysOut: boolean;
  /** What moved the score, e.g. `not helpful -2.0`, `pattern:did you even read -3.0`. */
  cues: string[];
}

/** A reply is negative below -NEGATIVE_AT and positive above POSITIVE_AT; in between, neutral. */
export const NEGATIVE_AT = 1;
export const POSITIVE_AT = 1;
/**
 * The learned model calls a reply negative above these log-odds, unless the
 * rules found it strongly positive (raw above LEARNED_OVERRULES_UP_TO). The
 * thresholds were chosen by 10-fold cross-validation on the training corpora,
 * scored on the folds the lexicon was never written against (tuning-2,
 * held-out-2, tuning-3, tuning-4), where the learned part has to carry the
 * subtle criticism, among the rules that keep the pre-issue-19 corpora at
 * least where the classifier before issue 19 had them: see eval-tone.ts.
 * The optimum is flat (-0.75 to -0.25 within about 0.01 of F1).
 */
export const LEARNED_NEGATIVE_AT = -0.5;
export const LEARNED_OVERRULES_UP_TO = 5;
/**
 * The other way round: a reply the rules call negative, but not strongly (raw
 * at least LEARNED_CLEARS_FROM), is not criticism when the model's log-odds
 * are below LEARNED_CLEARS_BELOW. Chosen by the same cross-validation.
 */
export const LEARNED_CLEARS_BELOW = -1.5;
export const LEARNED_CLEARS_FROM = -4;

const LEARNED = decodeLearnedModel(LEARNED_TABLE);

const NEGATION_SPAN = 4;
const NEGATED_PRAISE = -0.8;
const NEGATED_BLAME = -0.5;
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
const IN_QUESTION = 0.5;
/** "How do you deal with toxic maintainers?" asks for help; such questions barely carry tone. */
const IN_OPEN_QUESTION = 0.25;
const OPEN_QUESTION = new Set([
  'how', 'what', 'whats', "what's", 'which', 'when', 'where', 'who', 'whos', "who's", 'any', 'anyone', 'has', 'does', 'do', 'is', 'are', 'can', 'could', 'would',
  'come', 'cosa', 'che', 'qual', 'quale', 'quali', 'quando', 'dove', 'chi', 'quanto', 'quanti', 'quanta', 'qualcuno', 'esiste', 'avete', 'hai',
]);
const SARCASTIC_PRAISE = -0.8;
/** A title in scare quotes ("performance expert") mocks: its praise turns into this much blame and more. */
const QUOTED_PRAISE = 1.5;

const BOTH = mergeLexicons(EN_LEXICON, IT_LEXICON);

interface Contribution {
  index: number;
  valence: number;
  cue: string;
  /** Emoji and emoticons keep their weight in questions and are not negated. */
  symbol: boolean;
}

/** What the rules found in one reply, before the learned model has its say. */
interface Analysis {
  tokens: Token[];
  lexicon: ToneLexicon;
  language: ScoredLanguage;
  raw: number;
  sarcasm: boolean;
  cues: string[];
  /** The learned model gets no say (see ToneScore.learnedStaysOut). */
  staysOut: boolean;
  /** Named features for the learned model: see toneMetaFeatures. */
  meta: string[];
}

export function scoreTone(text: string, lang?: string): ToneScore {
  const a = analyzeTone(text, lang);
  const { raw, language } = a;
  // Unclear language: the features are per language, so the model stays out.
  const learned = language === 'it+en' ? 0 : learnedLogOddsOfTokens(LEARNED, a.tokens, language, a.meta, a.lexicon.negators);
  let tone: Tone = raw < -NEGATIVE_AT ? 'negative' : raw > POSITIVE_AT ? 'positive' : 'neutral';
  const cues = a.cues;
  if (tone !== 'negative' && learnedOverrules(raw, learned, a.staysOut)) {
    tone = 'negative';
    cues.push(`learned:criticism ${learned.toFixed(1)}`);
  } else if (tone === 'negative' && learnedVetoes(raw, learned, a.staysOut)) {
    // "This slaps", "mi hai steso 😂", "the haters can't stand it": blame words, no blame.
    tone = 'neutral';
    cues.push(`learned:not criticism ${learned.toFixed(1)}`);
  }
  return {
    tone,
    score: raw / Math.sqrt(raw * raw + 15),
    raw,
    language,
    sarcasm: a.sarcasm,
    learned,
    learnedStaysOut: a.staysOut,
    cues,
  };
}

/**
 * The learned model's features of one reply as bucket numbers (the n-grams of
 * the tokenizer's own words, negated words, and the named features the rules
 * give): what build-learned-table.ts and the cross-validation train on.
 */
export function toneFeatureBuckets(text: string, lang: 'it' | 'en', bits: number): number[] {
  const a = analyzeTone(text, lang);
  const { buckets, count } = learnedBucketsOfTokens(a.tokens, lang, bits, a.meta, a.lexicon.negators);
  return Array.from(buckets.subarray(0, count));
}

function analyzeTone(text: string, lang?: string): Analysis {
  const tokens = tokenize(text);
  const { lexicon, language } = chooseLexicon(tokens, lang);
  // The learned model reads the tokenizer's own words: the aliases are undone at the end.
  const rewritten: [number, string][] = [];
  for (const [i, t] of tokens.entries()) {
    if (t.kind !== 'word') continue;
    const alias = lexicon.aliases.get(t.text);
    if (alias !== undefined && alias !== t.text) {
      rewritten.push([i, t.text]);
      t.text = alias;
    }
  }

  const shouting = isShouting(tokens);
  const questionAt = questionSentences(tokens);

  const quoted = quotedTokens(tokens);
  const found: Contribution[] = [];
  let contrastAt = -1;
  let negation = 0;
  let boost = 0;
  let boostLeft = 0;

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as Token;
    if (tok.kind === 'punct') {
      // A comma inside "yeah, no" is read by the phrase matcher; here every mark closes the clause.
      negation = 0;
      boostLeft = 0;
      continue;
    }
    if (tok.kind === 'emoji' || tok.kind === 'emoticon') {
      const valence = (tok.kind === 'emoji' ? EMOJI_VALENCE : EMOTICON_VALENCE).get(tok.text) ?? 0;
      if (valence !== 0) found.push({ index: i, valence, cue: tok.text, symbol: true });
      continue;
    }

    const phrase = matchPhrase(lexicon, tokens, i);
    if (phrase !== undefined) {
      let valence = phrase.valence;
      const startsNegated = lexicon.negators.has(tokens[i]?.text ?? '');
      if (valence !== 0) {
        if (boostLeft > 0) valence *= 1 + boost;
        let cue = phrase.text;
        if (quoted[i] === true && valence > 0) {
          valence = -(valence + QUOTED_PRAISE);
          cue = `"${cue}"`;
        }
        if (negation > 0 && !startsNegated) {
          valence *= valence > 0 ? NEGATED_PRAISE : NEGATED_BLAME;
          cue = `not ${cue}`;
        }
        found.push({ index: i, valence, cue, symbol: false });
      }
      negation = 0;
      boostLeft = 0;
      i = phrase.end - 1;
      continue;
    }

    if (i > 0 && lexicon.contrast.has(tok.text) && countWordsBefore(tokens, i) > 0) {
      contrastAt = i;
      negation = 0;
      boostLeft = 0;
      const own = lookUp(lexicon, tok);
      if (own !== undefined) found.push({ index: i, valence: own.valence, cue: own.word, symbol: false });
      continue;
    }
    if (lexicon.negators.has(tok.text)) {
      negation = NEGATION_SPAN;
      continue;
    }
    const booster = lexicon.boosters.get(tok.text);
    if (booster !== undefined && booster !== 0 && nextIsWord(tokens, i)) {
      boost = boostLeft > 0 ? boost + booster : booster;
      boostLeft = 2;
      continue;
    }

    const looked = lookUp(lexicon, tok);
    if (looked !== undefined) {
      let valence = looked.valence;
      if (boostLeft > 0) valence *= 1 + boost;
      if (tok.stretched) valence *= 1.3;
      if (tok.caps && !shouting) valence *= 1.4;
      let cue = looked.word;
      // Praise in scare quotes is irony: a "lightweight" library, "delightful" UX.
      if (quoted[i] === true && valence > 0) {
        valence = -(valence + QUOTED_PRAISE);
        cue = `"${cue}"`;
      }
      if (negation > 0) {
        valence *= valence > 0 ? NEGATED_PRAISE : NEGATED_BLAME;
        cue = `not ${cue}`;
      }
      found.push({ index: i, valence, cue, symbol: false });
      boostLeft = 0;
    }
    if (negation > 0) negation -= 1;
    if (boostLeft > 0) boostLeft -= 1;
  }

  // Where the reply changes direction, the second half is what the person means.
  if (contrastAt > 0) {
    for (const c of found) c.valence *= c.index < contrastAt ? BEFORE_CONTRAST : AFTER_CONTRAST;
  }
  for (const c of found) {
    const q = questionAt[c.index];
    if (!c.symbol && q !== undefined && q !== 'no') c.valence *= q === 'open' ? IN_OPEN_QUESTION : IN_QUESTION;
  }

  const lower = text
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[\p{L}']+/gu, (w) => lexicon.aliases.get(w) ?? w);
  const patternCues: Contribution[] = [];
  let sarcasm = false;
  for (const p of lexicon.patterns) {
    if (!p.re.test(lower)) continue;
    patternCues.push({ index: -1, valence: p.weight, cue: `${p.kind}:${p.cue}`, symbol: false });
    if (p.kind === 'sarcasm') sarcasm = true;
  }

  const praised = found.some((c) => c.valence > 0 && c.cue !== CLAP);
  const blame = found.filter((c) => c.valence < 0 && c.cue !== CLAP).reduce((s, c) => s + c.valence, 0)
    + patternCues.filter((c) => c.valence < 0).reduce((s, c) => s + c.valence, 0);
  if (tokens.some((t) => t.kind === 'emoji' && IRONY_EMOJI.has(t.text))) sarcasm = true;
  if (tokens.some((t) => t.kind === 'emoji' && t.text === CLAP) && blame <= -1.5) sarcasm = true;
  if (sarcasm) {
    for (const c of found) {
      if (c.valence > 0) {
        c.valence *= SARCASTIC_PRAISE;
        c.cue = `sarcastic ${c.cue}`;
      }
    }
  }

  const all = [...found, ...patternCues];
  let raw = all.reduce((s, c) => s + c.valence, 0);
  const bangs = Math.min((text.match(/!/g) ?? []).length, 3);
  if (raw !== 0) raw += Math.sign(raw) * 0.25 * bangs;
  if (raw < 0 && /\?\?|\?!|!\?/.test(text)) raw -= 0.3;
  if (shouting) raw *= 1.3;

  const cues = all.map((c) => `${c.cue} ${c.valence.toFixed(1)}`);
  const staysOut = language === 'it+en' || !tokens.some((t) => t.kind === 'word') || asksAboutOwnWork(tokens, questionAt);
  const meta = toneMetaFeatures({ tokens, lexicon, found, patternCues, praised, contrastAt, questionAt, quoted, sarcasm, shouting, text });
  meta.push(`raw:${rawBin(raw)}`);
  for (const [i, original] of rewritten) (tokens[i] as Token).text = original;
  return { tokens, lexicon, language, raw, sarcasm, cues, staysOut, meta };
}

/** Whether the learned model turns a reply the rules did not call negative into criticism. */
export function learnedOverrules(raw: number, learned: number, staysOut: boolean, negativeAt = LEARNED_NEGATIVE_AT, upTo = LEARNED_OVERRULES_UP_TO): boolean {
  return !staysOut && raw <= upTo && learned > negativeAt;
}

/** Whether the learned model clears a reply the rules called negative (blame words used as praise or as plain talk). */
export function learnedVetoes(raw: number, learned: number, staysOut: boolean, clearAt = LEARNED_CLEARS_BELOW, from = LEARNED_CLEARS_FROM): boolean {
  return !staysOut && raw >= from && learned < clearAt;
}

const FIRST_PERSON = new Set(['i', "i'm", 'im', 'my', 'me', 'we', 'our', 'io', 'mio', 'mia', 'miei', 'mie', 'sbaglio', 'faccio', 'posso', 'devo']);

/**
 * "What am I doing wrong?" asks for help with one's own work: an open question
 * in the first person, all the way through. Its words look like criticism to the
 * learned model, so it gets no say there.
 */
function asksAboutOwnWork(tokens: readonly Token[], questionAt: readonly Asking[]): boolean {
  let words = 0;
  let firstPerson = false;
  for (const [i, t] of tokens.entries()) {
    if (t.kind !== 'word') continue;
    if (questionAt[i] !== 'open') return false;
    words++;
    if (FIRST_PERSON.has(t.text)) firstPerson = true;
  }
  return words > 0 && firstPerson;
}

function chooseLexicon(tokens: readonly Token[], lang: string | undefined): { lexicon: ToneLexicon; language: ScoredLanguage } {
  const tag = lang?.trim().toLowerCase().split(/[-_]/)[0];
  if (tag === 'it') return { lexicon: IT_LEXICON, language: 'it' };
  if (tag === 'en') return { lexicon: EN_LEXICON, language: 'en' };
  // No usable tag: whichever language's function words and cue words the reply uses more.
  let it = 0;
  let en = 0;
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
    if (IT_LEXICON.stopwords.has(t.text) || IT_LEXICON.words.has(t.text)) it += 1;
    if (EN_LEXICON.stopwords.has(t.text) || EN_LEXICON.words.has(t.text)) en += 1;
  }
  if (it > en) return { lexicon: IT_LEXICON, language: 'it' };
  if (en > it) return { lexicon: EN_LEXICON, language: 'en' };
  return { lexicon: BOTH, language: 'it+en' };
}

/** The whole reply is in capitals (at least two words of two letters). */
function isShouting(tokens: readonly Token[]): boolean {
  let words = 0;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.text.length < 2 || !/\p{L}/u.test(t.text)) continue;
    if (!t.caps) return false;
    words++;
  }
  return words >= 2;
}

function quotedTokens(tokens: readonly Token[]): boolean[] {
  const out: boolean[] = new Array<boolean>(tokens.length).fill(false);
  let open = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.kind !== 'punct' || tokens[i]?.text !== '"') continue;
    if (open < 0) {
      open = i;
    } else {
      // Only short quotes: a long one is a citation, not irony.
      if (i - open <= 4) for (let j = open + 1; j < i; j++) out[j] = true;
      open = -1;
    }
  }
  return out;
}

type Asking = 'no' | 'open' | 'yes';

/**
 * For each token index, whether its sentence is a question, and whether it
 * opens like a request for information ("how do you…", "qualcuno sa…").
 */
function questionSentences(tokens: readonly Token[]): Asking[] {
  const out: Asking[] = new Array<Asking>(tokens.length).fill('no');
  let start = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    const ends = t === undefined || (t.kind === 'punct' && /[.!?]/.test(t.text));
    if (!ends) continue;
    if (t !== undefined && t.text.includes('?') && !t.text.includes('!') && t.text.length === 1) {
      const first = tokens.slice(start, i).find((x) => x.kind === 'word')?.text ?? '';
      const kind: Asking = OPEN_QUESTION.has(first) ? 'open' : 'yes';
      for (let j = start; j < i; j++) out[j] = kind;
    } else if (t !== undefined && t.text.includes('?')) {
      for (let j = start; j < i; j++) out[j] = 'yes';
    }
    start = i + 1;
  }
  return out;
}

function matchPhrase(lexicon: ToneLexicon, tokens: readonly Token[], at: number): { valence: number; text: string; end: number } | undefined {
  const first = tokens[at];
  if (first === undefined) return undefined;
  const candidates = lexicon.phrases.get(first.text);
  if (candidates === undefined) return undefined;
  for (const p of candidates) {
    let i = at;
    let ok = true;
    for (const w of p.words) {
      // A comma may sit inside a phrase ("yeah, no"); nothing else may.
      while (tokens[i]?.kind === 'punct' && tokens[i]?.text === ',' && i > at) i++;
      const t = tokens[i];
      if (t === undefined || t.text !== w || t.kind === 'punct') {
        ok = false;
        break;
      }
      i++;
    }
    if (ok) return { valence: p.valence, text: p.text, end: i };
  }
  return undefined;
}

function lookUp(lexicon: ToneLexicon, tok: Token): { valence: number; word: string } | undefined {
  const spellings = tok.stretched ? unstretch(tok.text) : [tok.text];
  for (const s of spellings) {
    const v = lexicon.words.get(s);
    if (v !== undefined) return v === 0 ? undefined : { valence: v, word: s };
  }
  // Italian superlatives: "chiarissima" is "chiaro", stronger.
  const plain = spellings.at(-1) ?? '';
  const superlative = plain.includes('issim') ? /^(\p{L}{2,})issim[oaie]$/u.exec(plain) : null;
  if (superlative?.[1] !== undefined) {
    for (const ending of ['o', 'e', 'a']) {
      const v = lexicon.words.get(superlative[1] + ending);
      if (v !== undefined && v !== 0) return { valence: v * 1.3, word: superlative[1] + ending };
    }
  }
  // English "-est" superlatives and "-ly" adverbs: "dumbest" is "dumb", "terribly" is "terrible".
  const last = spellings.at(-1) ?? '';
  for (const [suffix, replacements] of ENGLISH_SUFFIXES) {
    if (!last.endsWith(suffix) || last.length < suffix.length + 3) continue;
    for (const r of replacements) {
      const v = lexicon.words.get(last.slice(0, -suffix.length) + r);
      if (v !== undefined && v !== 0) return { valence: v, word: last.slice(0, -suffix.length) + r };
    }
  }
  const stem = stemValence(lexicon, last);
  if (stem !== undefined) return { valence: stem.valence, word: `${stem.stem}-` };
  return undefined;
}

const ENGLISH_SUFFIXES: readonly [string, readonly string[]][] = [
  ['iest', ['y']],
  ['est', ['', 'e']],
  ['ily', ['y']],
  ['ly', ['', 'le', 'e']],
];

function nextIsWord(tokens: readonly Token[], i: number): boolean {
  const next = tokens[i + 1];
  return next !== undefined && next.kind === 'word';
}

function countWordsBefore(tokens: readonly Token[], i: number): number {
  let n = 0;
  for (let j = 0; j < i; j++) if (tokens[j]?.kind === 'word') n++;
  return n;
}

const LAUGH_EMOJI = new Set(['😂', '🤣', '💀', '😭', '☠']);
const HYPE_EMOJI = new Set(['🔥', '💯', '🙌', '🐐', '👑', '🚀', '🤯', '😤']);
const LAUGH_WORD = /^(?:l+o+l+|lmf?ao+|rofl|a?(?:ha){2,}h?|a?(?:ah){2,}|(?:ah)+ah|(?:eh){2,}|xd+|ahah\w*|hah\w*)$/;
/** Words that so often wrap praise in irony or talk down: "certo, come no", "immagino", "sure", "wow", "you do realise". */
const IRONY_WORD = new Set([
  'sure', 'surely', 'totally', 'clearly', 'obviously', 'wow', 'oh', 'ah', 'apparently', 'imagine', 'bless', 'cute', 'adorable', 'sweetie',
  'buddy', 'champ', 'actually', 'realise', 'realize', 'literally', 'congrats', 'riveting', 'groundbreaking', 'revolutionary', 'bold',
  'certo', 'certamente', 'ovvio', 'ovviamente', 'chiaramente', 'immagino', 'addirittura', 'tranquillo', 'caro', 'cara', 'tesoro',
  'bravo', 'bravi', 'brava', 'complimenti', 'geniale', 'genio', 'rivoluzionario', 'beh', 'mah', 'ecco', 'wow', 'figurati', 'sicuro',
]);
const SECOND_PERSON = new Set([
  'you', 'your', "you're", 'youre', 'yours', 'yourself', 'u', 'ur',
  'tu', 'ti', 'te', 'tuo', 'tua', 'tuoi', 'tue', 'sei', 'hai', 'fai', 'dici', 'pensi', 'sai', 'vuoi', 'potevi', 'dovresti', 'studia', 'informati',
]);

/**
 * Named features for the learned model, from what the rules saw: cue polarity
 * and how it combines with questions, contrast ("bello, peccato che"), irony
 * words ("certo", "immagino", "wow" + praise), laughter or hype emoji next to
 * blame words (💀😭🔥 as praise: "mi uccidi 💀", "this is sick 🔥"), scare
 * quotes, "!!!", "?!", the second person ("you do realise", "magari prima
 * studia"). Their weights are learned, none is a rule by itself.
 */
function toneMetaFeatures(x: {
  tokens: readonly Token[];
  lexicon: ToneLexicon;
  found: readonly Contribution[];
  patternCues: readonly Contribution[];
  praised: boolean;
  contrastAt: number;
  questionAt: readonly Asking[];
  quoted: readonly boolean[];
  sarcasm: boolean;
  shouting: boolean;
  text: string;
}): string[] {
  const f: string[] = [];
  const neg = x.found.some((c) => c.valence < 0 && c.cue !== CLAP);
  const pos = x.praised;
  let words = 0;
  let laugh = false;
  let hype = false;
  let irony = false;
  let second = false;
  let clap = false;
  let posBeforeContrast = false;
  for (const t of x.tokens) {
    if (t.kind === 'word') {
      words++;
      if (LAUGH_WORD.test(t.text)) laugh = true;
      if (IRONY_WORD.has(t.text)) irony = true;
      if (SECOND_PERSON.has(t.text)) second = true;
    } else if (t.kind === 'emoji') {
      if (LAUGH_EMOJI.has(t.text)) laugh = true;
      if (HYPE_EMOJI.has(t.text)) hype = true;
      if (t.text === CLAP) clap = true;
    } else if (t.kind === 'emoticon' && t.text === 'xd') {
      laugh = true;
    }
  }
  if (x.contrastAt > 0) posBeforeContrast = x.found.some((c) => c.index < x.contrastAt && c.index >= 0 && c.valence !== 0 && !c.cue.startsWith('not ') && c.cue !== CLAP && (c.valence > 0 || c.cue.startsWith('sarcastic ')));
  const question = x.questionAt.some((q) => q !== 'no');
  const open = x.questionAt.some((q) => q === 'open');
  const polarity = pos && neg ? 'mixed' : pos ? 'pos' : neg ? 'neg' : 'none';
  f.push(`pol:${polarity}`);
  if (x.sarcasm) f.push('sarcasm');
  for (const c of x.patternCues) f.push(`pattern:${c.cue.slice(0, c.cue.indexOf(':'))}`);
  if (question) f.push(`q:${polarity}`, second ? 'q&you' : 'q');
  if (open) f.push('openq');
  if (x.contrastAt > 0) f.push(posBeforeContrast ? 'praise,but' : 'but');
  if (x.quoted.some(Boolean)) f.push('quote');
  if ((x.text.match(/!/g) ?? []).length >= 3) f.push('!!!');
  if (/\?!|!\?|\?\?/.test(x.text)) f.push('?!');
  if (/\.\.\.|…/.test(x.text)) f.push(`...:${polarity}`);
  if (second) f.push(`you:${polarity}`);
  if (laugh) f.push(`laugh:${polarity}`);
  if (hype) f.push(`hype:${polarity}`);
  if (irony) f.push(`irony:${polarity}`);
  if (clap) f.push(`clap:${polarity}`);
  if (x.shouting) f.push('shout');
  f.push(words <= 3 ? 'len:short' : words > 20 ? 'len:long' : 'len:mid');
  return f;
}

/** The rules' verdict, coarsely, as a feature of the learned model. */
function rawBin(raw: number): string {
  const edges = [-4, -2, -1, -0.3, 0.3, 1, 2, 4];
  let bin = 0;
  while (bin < edges.length && raw >= (edges[bin] as number)) bin++;
  return String(bin);
}
