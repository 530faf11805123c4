/**
 * English tone lexicon for replies to someone who posts about web development,
 * accessibility, open source, design and tech careers. Written for this
 * project (AFINN-style valences, -4..+4), not downloaded.
 *
 * Technical words that look emotional stay out on purpose: "bug", "error",
 * "fatal", "kill", "crash", "exception", "panic", "problem", "issue", "abort",
 * "attack", "dead", "break", "negative" are how developers ask questions, not
 * how they criticise.
 */
import { buildLexicon, type ToneLexicon } from './lexicon.ts';

const words: Record<string, number> = {
  // praise and support
  good: 2, great: 3, awesome: 4, amazing: 4, excellent: 4, brilliant: 3, fantastic: 4, wonderful: 4, superb: 4,
  nice: 2, cool: 1.5, neat: 2, lovely: 3, beautiful: 3, gorgeous: 3, elegant: 2, clean: 1.5, cleanest: 3, slick: 2,
  impressive: 3, outstanding: 4, perfect: 3, stellar: 3, incredible: 3, phenomenal: 4, insightful: 3, inspiring: 3,
  helpful: 2.5, useful: 2, valuable: 2, clear: 1.5, clearer: 1.5, concise: 1.5, thoughtful: 2, honest: 1.5,
  solid: 2, sane: 1.5, smart: 2, genius: 2.5, legend: 3, hero: 3, gem: 3, gold: 2, underrated: 2, favourite: 2,
  favorite: 2, best: 3, better: 1.5, love: 3, loved: 3, loving: 3, loves: 3, adore: 3, like: 0, enjoy: 2,
  enjoyed: 2, appreciate: 2.5, appreciated: 2.5, thanks: 2, thank: 2, thx: 2, ty: 2, tysm: 3, grateful: 3,
  kudos: 3, congrats: 3, congratulations: 3, bravo: 3, respect: 2.5, agree: 2, agreed: 2, yes: 1, yess: 1.5,
  wow: 1.5, woah: 1, yay: 3, hooray: 3, finally: 1, win: 2, wins: 2, deserved: 2, recommend: 2, recommended: 2,
  bookmarked: 2, saved: 1, saving: 1, happy: 3, glad: 2, excited: 3, exciting: 3, fun: 2, fabulous: 4,
  convincing: 2, inclusive: 1.5, welcoming: 2, supportive: 2, kind: 2, generous: 2, masterpiece: 4, wholesome: 3,
  dope: 2, lit: 2, slaps: 3, banger: 3, goat: 3, goated: 3, based: 1.5, fire: 0, chef: 0, epic: 3, sick: 0,
  rocks: 2, rock: 0, nailed: 3, spot: 0, blessed: 2, lifesaver: 3, handy: 2, works: 0, fixed: 1, solved: 1.5,
  // criticism and abuse
  bad: -2, worse: -2.5, worst: -3, terrible: -3, awful: -3, horrible: -3, horrendous: -3, atrocious: -4,
  poor: -2, weak: -1.5, mediocre: -2, lame: -2, boring: -2, bland: -1, sloppy: -2, lazy: -2, messy: -1.5,
  ugly: -2.5, clunky: -1.5, bloated: -2, confusing: -2, confused: -1, unreadable: -2.5, unusable: -3,
  inaccessible: -2, useless: -3, pointless: -2.5, worthless: -3, meaningless: -2, nonsense: -3, rubbish: -3,
  garbage: -3, trash: -3, crap: -3, crappy: -3, shit: -3, shitty: -3, bullshit: -3, bs: -2, junk: -2.5,
  wrong: -2.5, incorrect: -2.5, false: -1, misleading: -3, inaccurate: -2.5, disagree: -2.5, untrue: -2.5,
  outdated: -1.5, overhyped: -2, overrated: -2, overconfident: -2, overengineered: -2, overcomplicated: -2,
  stupid: -3, dumb: -2.5, idiot: -3.5, idiotic: -3.5, moron: -3.5, clown: -2.5, clueless: -3, incompetent: -3,
  ignorant: -3, arrogant: -3, pathetic: -3, ridiculous: -2.5, absurd: -2.5, laughable: -2.5, embarrassing: -2.5,
  shameful: -3, shame: -2, disgrace: -3, disgusting: -3.5, gross: -2, cringe: -2.5, cringey: -2.5, cringy: -2.5,
  toxic: -3, gatekeeping: -2.5, elitist: -2.5, condescending: -3, patronizing: -3, smug: -2.5, rude: -2.5,
  hate: -3, hated: -3, hates: -3, dislike: -2, annoying: -2.5, annoyed: -2, irritating: -2.5, tired: -1.5,
  disappointing: -2.5, disappointed: -2.5, disappointment: -2.5, fail: -1, failed: -1, fails: -1,
  failure: -2, disaster: -3, mess: -2, dangerous: -2.5, harmful: -3, irresponsible: -3, scam: -3, grift: -3,
  grifter: -3, fraud: -3, fake: -2, shill: -2.5, clickbait: -2.5, waste: -2.5, wasted: -2.5, broken: -1.5,
  badly: -2, poorly: -2, mistake: -1, mistakes: -1.5, lies: -3, lie: -2, lying: -3, liar: -3.5, rigged: -3,
  ugh: -2, meh: -1.5, yikes: -2, smh: -2, wtf: -2.5, fml: -2, lmao: 0, lol: 0, bruh: -1, oof: -1, eww: -2.5,
  ew: -2, sus: -1.5, cope: -1.5, seething: -2.5, ratio: -2, mid: 0, stfu: -4, gtfo: -4, fuck: -2.5, fucking: 0,
  damn: -1, dammit: -2, sucks: -3, suck: -2.5, sucked: -2.5, hurts: -1, painful: -2, nightmare: -2.5, unhinged: -2,
  unprofessional: -2.5, amateur: -2, amateurish: -2.5, dishonest: -3, hypocrite: -3, hypocritical: -3,
  bias: -1, biased: -2, nope: -1.5, nah: -1, sorry: -0.5, seriously: 0, sry: 0, satire: -1.5, joke: -1.5,
  delusional: -3, insane: 0, crazy: 0, wild: 0, hacky: -1, gimmick: -2, gimmicky: -2, vaporware: -2.5,
  bloatware: -2.5, overkill: -1.5, shallow: -2, superficial: -2, hype: -1, unimpressed: -2, yawn: -2,
  ableist: -3, offensive: -2.5, insulting: -3, disrespectful: -3, dismissive: -2.5, performative: -2, slop: -3,
  ragebait: -3, tone: 0, sloppily: -2, inconsistent: -1.5, unfollowed: -2,
  unfollow: -1.5, blocked: -1, dishonestly: -3, nonsensical: -3, illogical: -2.5, naive: -2, ignorance: -2.5,
  arrogance: -3, laughably: -3, lazily: -2, haters: 0, hater: -1, troll: -2, trolling: -2.5, gaslighting: -3,
  whatever: -1, sad: -1.5, sadly: -1, unfortunately: -1, regret: -1.5, worrying: -1.5,
  clever: 2.5, stunning: 3, inspired: 2.5, stoked: 3, psyched: 3, proud: 2.5, exactly: 1.5, precisely: 1.5,
  cheers: 1.5, congratulate: 3, exceptional: 4, remarkable: 3, delightful: 3, clarity: 1.5,
  thorough: 2, comprehensive: 1.5, detailed: 1, polished: 2, refreshing: 2.5, mvp: 2, hyped: 2, wholesomely: 3,
  helped: 2, helps: 1.5, learned: 1, til: 1, gamechanger: 3, agreeing: 2, fantastically: 4, beautifully: 3,
  nicely: 2, wonderfully: 4, perfectly: 3, brilliantly: 3, greatly: 2, amazed: 3, impressed: 3, thanked: 2, shameless: -3, spam: 0, spammy: -2, noise: -1, fluff: -1.5, buzzwords: -1.5,
};

/** Word sequences, read before single words. A phrase of valence 0 masks the words inside it. */
const phrases: Record<string, number> = {
  'thanks for nothing': -3.5, 'waste of time': -3, 'waste of space': -3, 'no thanks': -1.5, 'thanks but no': -1.5,
  'not even close': -2.5, 'flat out': -0.5, 'full of mistakes': -3, 'full of errors': -3, 'full of bugs': -2.5,
  'bad take': -2.5, 'hot take': 0, 'terrible take': -3, 'l take': -2.5, 'huge l': -2, 'take the l': -2,
  'dark pattern': -2, 'dark patterns': -2, 'aged badly': -3, 'aged poorly': -3, 'aged like milk': -3,
  'cool story': -2, 'nobody asked': -3, 'no one asked': -3, 'who asked': -2.5, 'skill issue': -2.5,
  'is mid': -2, 'so mid': -2, 'kinda mid': -2, 'pretty mid': -2, 'mid at best': -2.5, 'this is mid': -2.5,
  'do better': -2.5, 'read the docs': -1.5, 'read the room': -2, 'learn to code': -1, 'stop spreading': -2.5,
  'spreading misinformation': -3, 'get a grip': -2.5, 'give me a break': -2, 'touch grass': -2.5,
  'not a good look': -2.5, 'bad look': -2.5, 'what a joke': -3, 'you clearly': -1.5, 'you obviously': -1.5,
  'hate speech': 0, 'hate to': 0, 'no worries': 1, 'no problem': 1, 'not a problem': 1, 'no contest': 1.5,
  "can't wait": 3, 'cant wait': 3, 'cannot wait': 3, "couldn't agree more": 3, 'couldnt agree more': 3,
  "can't agree more": 3, 'not going to lie': 0, 'not gonna lie': 0, 'ngl': 0, 'no offense': 0,
  'well done': 3, 'well said': 3, 'well deserved': 3, 'well written': 3, 'well explained': 3, 'nice one': 2.5,
  'made my day': 3, 'spot on': 3, 'on point': 2.5, "chef's kiss": 3, 'chefs kiss': 3, 'is fire': 3, 'this is fire': 3,
  'so fire': 3, 'is gold': 2.5, 'pure gold': 3, 'big fan': 2.5, 'huge fan': 3, "god's work": 3, 'gods work': 3,
  'game changer': 3, 'game-changer': 3, 'mind blown': 3, 'life saver': 3, 'saved my day': 3, 'saved my life': 3,
  'great job': 3, 'good job': 3, 'nice work': 3, 'great work': 3, 'love this': 3, 'love it': 3, 'thank you': 2.5,
  'huge thanks': 3, 'many thanks': 3, 'hats off': 3, 'kudos to': 3, 'happy to help': 2, 'rooting for you': 3,
  'keep it up': 2.5, 'keep going': 2, 'more of this': 2, 'needed this': 2, 'exactly what i needed': 3,
  'works great': 3, 'works like a charm': 3, 'so good': 3, 'too good': 2, 'not bad at all': 2,
  'sick of': -2.5, 'tired of': -2.5, 'fed up': -2.5, 'so sick': 1, 'the hell': -2, 'what the hell': -2.5,
  'the fuck': -3, 'what the fuck': -3, 'fuck off': -4, 'shut up': -3, 'piss off': -4, 'get lost': -3,
  'owe you nothing': -1.5, 'for free': 0, 'free software': 0, 'not helpful': -2.5, 'not useful': -2.5,
  'not true': -2.5, "that's not how": -2, 'thats not how': -2, "doesn't work that way": -2, 'not how it works': -2,
  "doesn't scale": -1.5, 'no idea': 0, 'no fix': 0, 'makes no sense': -2.5, 'make no sense': -2.5,
  'good luck with that': -2.5, 'said no one ever': -3, 'said nobody ever': -3, 'how original': -2.5,
  'big brain': -1.5, 'galaxy brain': -2.5, 'slow clap': -3, 'yeah no': -2, 'yeah, no': -2, 'lol no': -2.5,
  'reinventing': -1, 'reinvented': -1, 'reinventing the wheel': -1.5, 'in prod': 0, 'kill switch': 0,
  'worst case': 0, 'worst-case': 0, 'bad request': 0, 'bad gateway': 0, 'dead code': 0, 'dark mode': 0,
  'doing wrong': 0, 'did wrong': 0, 'went wrong': 0, 'goes wrong': 0, 'go wrong': 0, 'going wrong': 0,
  'something wrong': 0, 'anything wrong': 0, 'wrong with my': 0, 'the wrong': 0, 'best way': 0, 'best practice': 0,
  'best practices': 0, 'at best': -1, 'clean code': 0, 'clean architecture': 0, 'garbage collection': 0,
  'garbage collector': 0, 'killer feature': 2.5, 'kill it': 0, 'good first issue': 0, 'good question': 1,
  'great question': 1, 'hard disagree': -3, 'respectfully disagree': -2.5, 'respectfully, no': -2.5,
  'ok boomer': -3, 'okay boomer': -3, 'sure jan': -3, 'who cares': -2.5, 'nobody cares': -3, 'no one cares': -3,
  'so what': -1.5, "this ain't it": -2.5, 'this aint it': -2.5, 'hard pass': -2.5, 'hot garbage': -3.5,
  'dumpster fire': -3.5, 'tone deaf': -3, 'tone-deaf': -3, 'out of touch': -2.5, 'virtue signalling': -2.5,
  'virtue signaling': -2.5, 'snake oil': -3, 'linkedin lunatic': -3, 'thought leader': -1, 'word salad': -3,
  'buzzword soup': -3, 'not impressed': -2.5, 'rage bait': -3, 'engagement bait': -3, 'thanks, i hate it': -2.5,
  'i hate this': -3, 'dead on arrival': -3, 'hand-wavy': -2, 'hand wavy': -2, 'lol ok': -2, 'ok buddy': -2.5,
  'sure buddy': -2.5, 'bless your heart': -2.5, 'nice try': -2, 'must be nice': -2, 'bold of you': -2,
  'big if true': -1.5, 'so brave': -2, 'color me shocked': -2.5, 'colour me shocked': -2.5,
  'no shit sherlock': -3.5, 'captain obvious': -3, "tell me something i don't know": -2.5,
  'learn to read': -3, 'please delete this': -3.5, 'delete this': -3, 'makes zero sense': -3,
  'good luck': 2, 'best of luck': 2.5, 'you got this': 3, 'proud of you': 3, 'so proud': 3, "let's go": 2,
  'lets go': 2, 'hell yeah': 3, 'heck yes': 3, 'heck yeah': 3, 'this is the way': 2.5, 'great read': 3,
  'thanks for sharing': 2.5, 'thank you for sharing': 3, 'saved me': 2.5, 'learned something': 2,
  'highly recommend': 3, 'keep up the good work': 3.5, 'nailed it': 3, 'huge w': 2.5, 'big w': 2.5,
  'recommend enough': 3, 'thank u': 2.5, 'legend status': 3, 'exactly this': 2.5,
  'kind of': 0, 'what kind': 0, 'no bugs': 2, 'zero bugs': 2, 'no dependencies': 1, 'zero dependencies': 1, 'no-brainer': 2,
};

const negators = [
  'not', 'no', 'never', 'none', 'nobody', 'nothing', 'neither', 'nor', 'without', 'hardly', 'barely', 'scarcely',
  "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "can't", "cannot",
  "couldn't", "shouldn't", "haven't", "hasn't", "hadn't", "ain't", "mustn't",
  'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wouldnt', 'cant', 'couldnt', 'shouldnt',
  'havent', 'hasnt', 'aint',
];

const boosters: Record<string, number> = {
  very: 0.3, so: 0.3, really: 0.3, totally: 0.3, absolutely: 0.4, completely: 0.4, utterly: 0.5, extremely: 0.5,
  super: 0.3, incredibly: 0.4, insanely: 0.4, truly: 0.3, genuinely: 0.3, highly: 0.3, deeply: 0.3, such: 0.3,
  most: 0.3, pure: 0.3, fucking: 0.5, freaking: 0.4, damn: 0.3, hella: 0.4, mega: 0.3, way: 0.2, too: 0.2,
  especially: 0.2, strongly: 0.4, seriously: 0.3, literally: 0.2, actually: 0.1, quite: 0.1, pretty: 0.1,
  'bit': -0.4, slightly: -0.5, somewhat: -0.4, kinda: -0.3, kind: 0, sorta: -0.3, little: -0.3, mildly: -0.5,
  almost: -0.3, fairly: -0.2, rather: -0.1,
};

const contrast = ['but', 'however', 'though', 'although', 'except'];

const stopwords = [
  'the', 'a', 'an', 'is', 'are', 'was', 'were', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'with', 'this', 'that',
  'it', "it's", 'you', 'your', "you're", 'i', "i'm", 'my', 'we', 'our', 'they', 'what', 'how', 'why', 'which',
  'do', 'does', 'did', 'have', 'has', 'be', 'been', 'not', "don't", 'just', 'at', 'by', 'from', 'about', 'so',
  'if', 'would', 'should', 'can', 'will', 'there', 'here', 'any', 'all', 'some', 'these', 'those', 'when', 'where',
];

/** Cues that live in punctuation or word order, read on the lower-cased text. */
const patterns: ToneLexicon['patterns'] = [
  { re: /(^|[\s(])\/s\b/, weight: -2, kind: 'sarcasm', cue: '/s' },
  { re: /\byeah,? right\b/, weight: -2.5, kind: 'sarcasm', cue: 'yeah right' },
  { re: /\bsure,? because\b/, weight: -2.5, kind: 'sarcasm', cue: 'sure, because' },
  { re: /\bbecause that (always )?(works|worked)\b/, weight: -2, kind: 'sarcasm', cue: 'because that works' },
  { re: /\boh,? (great|wonderful|brilliant|perfect|nice|joy|cool|good|fantastic)\b/, weight: -2, kind: 'sarcasm', cue: 'oh great' },
  { re: /\bwow,? (what|such) an? \w+/, weight: -1.5, kind: 'sarcasm', cue: 'wow, what a' },
  { re: /^(great|brilliant|perfect|wonderful|fantastic|nice|awesome|amazing|cool|lovely|congrats)\b[,!. ]+(yet )?another\b/, weight: -2.5, kind: 'sarcasm', cue: 'great, another' },
  { re: /\b(great|good|nice|fantastic|amazing|brilliant|excellent) (job|work) (breaking|ruining|killing|making|shipping|turning)\b/, weight: -3, kind: 'sarcasm', cue: 'great job breaking' },
  { re: /\bcongrats on (breaking|ruining|reinventing|making|shipping) /, weight: -2.5, kind: 'sarcasm', cue: 'congrats on …ing' },
  { re: /\bthanks,? (captain obvious|genius|einstein)\b/, weight: -3, kind: 'sarcasm', cue: 'thanks, captain obvious' },
  { re: /\bwhat could (possibly )?go wrong\b/, weight: -2.5, kind: 'sarcasm', cue: 'what could go wrong' },
  { re: /\bdid you (even|actually|ever) (read|try|test|check|look|use|open)\b/, weight: -3, kind: 'attack', cue: 'did you even read' },
  { re: /\bhave you (even|ever|actually) (read|tried|tested|used|shipped|worked)\b/, weight: -2.5, kind: 'attack', cue: 'have you even' },
  { re: /\b(is this|are you) (satire|serious|kidding|joking|for real|trolling)\b/, weight: -3, kind: 'attack', cue: 'is this satire' },
  { re: /(^|[.!?]\s*)(seriously|really)\s*\?/, weight: -2, kind: 'attack', cue: 'seriously?' },
  { re: /\bhow is this (still|even|a thing|getting)\b/, weight: -2.5, kind: 'attack', cue: 'how is this still' },
  { re: /\bso (you're|youre|you are) (telling|saying)\b/, weight: -2, kind: 'attack', cue: "so you're telling" },
  { re: /\bimagine (thinking|believing|writing|shipping|using)\b/, weight: -2.5, kind: 'attack', cue: 'imagine thinking' },
  { re: /\b(you('ve| have)|you've) (clearly |obviously )?never (shipped|worked|built|used|written|tried|done)\b/, weight: -2.5, kind: 'attack', cue: "you've never shipped" },
  { re: /\bwho (hurt|taught|told) you\b/, weight: -2.5, kind: 'attack', cue: 'who taught you' },
  { re: /\bwhy would (anyone|you|i) (ever )?(do|use|want|listen)\b/, weight: -2, kind: 'attack', cue: 'why would anyone' },
  { re: /\bthis is why (nobody|no one|people)\b/, weight: -2.5, kind: 'attack', cue: 'this is why nobody' },
  { re: /\b(maybe|try to|go) fix your own\b/, weight: -2, kind: 'attack', cue: 'fix your own' },
  { re: /\bwhat is (this|that)\b.*\?|\bwhat even is\b/, weight: -1, kind: 'attack', cue: 'what is this?' },
  { re: /\bplease (stop|don't|dont)\b/, weight: -1.5, kind: 'attack', cue: 'please stop' },
  { re: /\bsounds like (you|someone)\b/, weight: -1, kind: 'attack', cue: 'sounds like you' },
  { re: /\bi want my .{0,20}back\b/, weight: -2.5, kind: 'attack', cue: 'I want my time back' },
  { re: /^(this|that)\s*([.!]|$)/, weight: 2.5, kind: 'support', cue: 'THIS.' },
  { re: /\b100 ?%\s*(agree|this|yes|true)\b|\bcouldn't have said it better\b/, weight: 2, kind: 'support', cue: '100% agree' },
  { re: /\b(wish i had|wish i'd had|wish i knew) this\b/, weight: 2.5, kind: 'support', cue: 'wish I had this' },
  { re: /\b(more people|everyone) (should|needs to|need to) (see|read|hear)\b|\bneed(s)? to hear this\b/, weight: 2.5, kind: 'support', cue: 'more people should see this' },
  { re: /\bchanged (how|the way) i\b/, weight: 2.5, kind: 'support', cue: 'changed how I' },
  { re: /\bbetter than (my|the|any)\b/, weight: 1.5, kind: 'support', cue: 'better than my …' },
];

export const EN_LEXICON: ToneLexicon = buildLexicon(
  { lang: 'en', words, phrases, negators, boosters, contrast, stopwords, patterns },
  (word, valence, into) => {
    // Plurals and third persons of the few verbs and nouns the tables list in one form.
    if (!word.endsWith('s') && /^[a-z]+$/.test(word)) into.set(`${word}s`, valence);
  },
);
