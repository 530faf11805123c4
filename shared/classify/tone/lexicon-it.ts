/**
 * Italian tone lexicon, written for this project with colloquial and chat
 * Italian in mind (profanity, "figata", "fuffa", "nn", "xké"), not a
 * translation of the English one. Adjectives are listed once in the masculine
 * singular; the feminine and plural forms are generated ("pessimo" ->
 * "pessima", "pessimi", "pessime"), and "-issimo" superlatives are read as
 * their base word, stronger.
 *
 * Technical words stay neutral: "bug", "errore", "errore fatale", "problema",
 * "crash", "eccezione", "uccidere il processo", "fallisce" (a test) are how
 * people ask for help.
 */
import { buildLexicon, type ToneLexicon } from './lexicon.ts';

const words: Record<string, number> = {
  // praise and support
  bello: 2.5, buono: 2, bravo: 3, ottimo: 3, eccellente: 4, fantastico: 4, stupendo: 4, meraviglioso: 4,
  splendido: 3.5, magnifico: 3.5, eccezionale: 4, incredibile: 2.5, straordinario: 3.5, perfetto: 3, geniale: 3,
  utile: 2, prezioso: 2.5, chiaro: 1.5, interessante: 2, curato: 2, elegante: 2, pulito: 1.5, semplice: 1,
  veloce: 1, onesto: 1.5, gentile: 2, simpatico: 2, fico: 2.5, figo: 2.5, figata: 3, figate: 3, bomba: 2.5,
  top: 2.5, spettacolo: 3, spettacolare: 3.5, grande: 1.5, grandioso: 3.5, mitico: 3, mito: 3, leggenda: 3,
  forza: 1, stima: 2.5, chapeau: 3, complimenti: 3, congratulazioni: 3, grazie: 2, grazissime: 3, ringrazio: 2,
  adoro: 3, amo: 3, piace: 2, piaciuto: 2, piaciuta: 2, piacciono: 2, apprezzo: 2.5, apprezzato: 2.5,
  consiglio: 0, consigliato: 2, consigliatissimo: 3, convinto: 1, interessato: 1, contento: 2.5, felice: 3,
  entusiasta: 3, emozionante: 3, divertente: 2, sottovalutato: 2, illuminante: 3, brillante: 3, impeccabile: 3.5,
  finalmente: 1, meritato: 2, merita: 2, meriti: 2, evviva: 3, yeah: 1, wow: 1.5, benissimo: 3, bene: 1,
  ben: 1, giusto: 0, vero: 0, esatto: 1.5, esattamente: 1, verissimo: 2, assolutamente: 0, sì: 0.5, si: 0,
  risolto: 1.5, funziona: 0, pazzesco: 1, pazzesca: 1, notevole: 2.5, valido: 2, ottima: 3,
  inclusivo: 1.5, esperto: 0.3, leggero: 0.3, moderno: 0.2, indispensabile: 0.5, salvato: 1, bravissimo: 3.5,
  // criticism and abuse
  brutto: -2.5, cattivo: -2, pessimo: -3, orribile: -3.5, orrendo: -3.5, terribile: -3, tremendo: -2.5,
  schifoso: -3.5, schifo: -3, penoso: -3, pietoso: -3, patetico: -3, ridicolo: -2.5, imbarazzante: -2.5,
  vergognoso: -3, vergogna: -3, vergognati: -3.5, vergognatevi: -3.5, inutile: -2.5, inutili: -2, superfluo: -1.5,
  sbagliato: -2.5, sbagli: -2.5, sbagliate: -2.5, sbaglia: -2, errato: -2.5, falso: -2.5, fuorviante: -3,
  scorretto: -2.5, confuso: -1.5, confusionario: -2, lento: -1, pesante: -1, noioso: -2, banale: -2,
  mediocre: -2, scadente: -3, approssimativo: -2, superficiale: -2, pigro: -2, illeggibile: -2.5,
  inaccessibile: -2, inusabile: -3, disastro: -3, disastroso: -3, delusione: -2.5, deludente: -2.5,
  deluso: -2.5, tossico: -3, arrogante: -3, presuntuoso: -3, saccente: -3, supponente: -3, incompetente: -3,
  ignorante: -3, dilettante: -2.5, dilettanti: -2.5, dilettantesco: -3, pagliaccio: -3, pagliacciata: -3,
  buffone: -3, buffonata: -3, fuffa: -2.5, fuffaguru: -3, guru: -0.5, venditore: -0.5, truffa: -3, truffatore: -3,
  idiota: -3.5, cretino: -3.5, scemo: -2.5, stupido: -3, deficiente: -3.5, imbecille: -3.5, coglione: -3.5,
  coglionata: -3, cazzata: -3, cazzate: -3, stronzata: -3, stronzate: -3, cagata: -3, cagate: -3,
  minchiata: -3, minchiate: -3, puttanata: -3, porcata: -3, porcheria: -3, schifezza: -3, merda: -3,
  merdoso: -3.5, vaffanculo: -4, fanculo: -3.5, cazzo: -1, palle: -1, sticazzi: -2, bah: -1, mah: -0.5,
  boh: -0.5, uffa: -1.5, uff: -1.5, ansia: -1.5, odio: -3, odiare: -2.5, odioso: -3, detesto: -3, insopportabile: -3,
  fastidioso: -2, irritante: -2.5, stufo: -2.5, basta: -1, ennesimo: -1.5, solito: -0.5, peggio: -2.5,
  peggiore: -3, male: -2, malissimo: -3, peccato: -1, purtroppo: -0.5, ritirala: -2, rubato: -2.5,
  copiato: -1.5, spam: 0, clickbait: -2.5, marchetta: -2.5, sopravvalutato: -2, presa: 0, assurdo: -2,
  allucinante: -2.5, cavolata: -3, fesseria: -3, sciocchezza: -2.5, boiata: -3, stupidaggine: -2.5,
  idiozia: -3, tristezza: -2, triste: -1.5, squallido: -3, indecente: -3, inaccettabile: -3, scandaloso: -3,
  vomitevole: -3.5, incommentabile: -3, rosicone: -2.5, troll: -2, polemico: -1.5, paraculo: -3, venduto: -2.5,
  ipocrita: -3, ipocrisia: -3, pippone: -2, sproloquio: -2.5, supercazzola: -2.5, delirio: -2.5, deliri: -2.5,
  follia: -2, scandalo: -3, barzelletta: -2.5, bleah: -2.5, pff: -1.5, pfff: -1.5, obsoleto: -1.5,
  antiquato: -1.5, ritrito: -2, ovvio: -1, taci: -3, zitto: -3, sparisci: -3.5, cambia: 0, offensivo: -2.5,
  irrispettoso: -3, arroganza: -3, ignoranza: -2.5, presunzione: -3, incoerente: -2, incomprensibile: -2.5,
  sgradevole: -2.5, lentissimo: -2, imbarazzo: -2, schifezze: -3, cialtrone: -3, cialtroni: -3, sfigato: -3,
  poveraccio: -2.5, incapace: -3, inetto: -3, spocchioso: -3, boomer: -1.5, cringe: -2.5, trash: -2, mid: 0,
  fighissimo: 3.5, topissimo: 3.5, spacca: 3, spacchi: 3, spaccano: 3, meraviglia: 3.5, gioiellino: 3,
  chicca: 3, perla: 3, sacrosanto: 2.5, concordo: 2.5, condivido: 2, quoto: 2.5, stimo: 3, illuminato: 2,
  esaustivo: 2.5, completo: 1, professionale: 2, competente: 2.5, preparato: 2, ispirante: 3, motivante: 2.5,
  commovente: 2.5, emozionato: 2.5, grazie1000: 3, auguri: 2.5, daje: 2.5, dajee: 2.5, forte: 0.5,
  fortissimo: 3, magari: 0, felicissimo: 3.5, contentissimo: 3.5, orgoglioso: 3, fiero: 2.5, azzeccato: 2.5,
  centrato: 2, interessantissimo: 3, riuscito: 2, ispirazione: 2, gratitudine: 3, vabbè: -0.5, vabbe: -0.5, meh: -1.5, ahah: 0, ahahah: 0, lol: 0,
};

const phrases: Record<string, number> = {
  'grazie al cazzo': -3.5, 'del cazzo': -3, 'un cazzo': -2.5, 'che cazzo': -3, 'ma che cazzo': -3.5,
  'cazzo dici': -3, 'di merda': -3, 'fa schifo': -3.5, 'fanno schifo': -3.5, 'che schifo': -3.5,
  'fa cagare': -3.5, 'fanno cagare': -3.5, 'che palle': -2.5, 'rompi le palle': -3, 'rompere le palle': -3,
  'cagata pazzesca': -3.5, 'coi piedi': -3, 'con i piedi': -3, 'non ci siamo': -2.5, 'brutta figura': -3,
  'figura di merda': -3.5, 'non sono d\'accordo': -2.5, 'non sono per niente d\'accordo': -3,
  'non è vero': -2.5, 'non e vero': -2.5, 'non funziona così': -2, 'non c\'entra niente': -2, 'non c\'entrano niente': -2,
  'non c\'entra nulla': -2, 'non hai capito': -2.5, 'non avete capito': -2.5, 'non capisci': -2.5,
  'ci capisci nulla': -2.5, 'ci capisci niente': -2.5, 'capito un cazzo': -3.5, 'perdita di tempo': -3,
  'tempo perso': -2.5, 'lascia stare': -1.5, 'lascia perdere': -1.5, 'ma smettila': -3, 'smettila': -2,
  'piena di errori': -3, 'pieno di errori': -3, 'pieno di bug': -2.5, 'solo marketing': -2, 'acchiappa like': -2.5,
  'acchiappalike': -2.5, 'mi aspettavo di più': -2, 'mi aspettavo molto di più': -2.5, 'sei il solito': -2,
  'il solito': -1, 'la solita': -1, 'i soliti': -1, 'mica da': -1, 'fatto male': -2.5, 'scritto male': -2.5,
  'che ansia': -2, 'sto cazzo': -3, 'sti cazzi': -2.5, 'manco per niente': -1, 'per niente': 0,
  "d'accordo": 2, 'sono d\'accordo': 2.5, 'non male': 2, 'niente male': 2, 'mica male': 2, 'non vedo l\'ora': 3,
  'nessun problema': 1, 'non c\'è di che': 1.5, 'non pensavo': 0, 'non sapevo': 0.5, 'mai visto': 0, 'mai vista': 0,
  'ben fatto': 3, 'fatto bene': 3, 'ottimo lavoro': 3, 'bel lavoro': 3, 'gran lavoro': 3, 'che bello': 3,
  'che bella': 3, 'che figata': 3.5, 'sei un grande': 3.5, 'sei una grande': 3.5, 'sei una forza': 3.5,
  'continua così': 2.5, 'continuate così': 2.5, 'era ora': 1.5, 'mi piace un sacco': 3.5, 'un sacco': 0.5,
  'mi hai salvato': 3, 'mi hai convinto': 2.5, 'hai ragione': 2.5, 'avete ragione': 2.5, 'ha ragione': 2,
  'grazie mille': 3, 'mille grazie': 3, 'salvato nei preferiti': 2.5, 'al 100%': 1, 'alla grande': 3,
  'errore fatale': 0, 'caso peggiore': 0, 'nessun bug': 2, 'zero bug': 2, 'senza bug': 1.5,
  'ho sbagliato': 0, 'mi sbaglio': 0, 'se non sbaglio': 0, 'sbaglio qualcosa': 0, 'cosa sbaglio': 0,
  'hai sbagliato': -2, "l' odio": 0, "all' odio": 0, "d' odio": 0, 'di odio': 0, "dell' odio": 0,
  'non ha senso': -2.5, 'senza senso': -2.5, 'non ha alcun senso': -3, 'non sai di cosa parli': -3,
  'non sai quello che dici': -3, 'vai a studiare': -3, 'studia prima': -2.5, 'informati': -2, 'documentati': -2,
  'che tristezza': -2.5, 'ma per favore': -2.5, 'per carità': -1.5, 'che cavolata': -3, 'non serve a niente': -2.5,
  'non serve a nulla': -2.5, 'a che serve': -1.5, 'chi se ne frega': -3, 'e quindi': -1, 'e sti cazzi': -3,
  'ma anche no': -2.5, 'anche no': -2, 'no grazie': -1.5, 'non mi convince': -2, 'roba vecchia': -1.5,
  'trito e ritrito': -2.5, 'già visto': -1, 'niente di nuovo': -2, "l' acqua calda": -2.5, 'grazie tante': -2,
  'bella scoperta': -2.5, 'che genio': -2, 'che novità': -2.5, 'sai che novità': -3, 'lo dici tu': -2,
  'parla per te': -2, 'che pena': -3, 'fai pena': -3.5, 'fate pena': -3.5, 'cambia mestiere': -3.5,
  'cambia lavoro': -3, 'stai zitto': -3.5, 'ma taci': -3.5, 'aria fritta': -3, 'pubblicità occulta': -2.5,
  'roba da matti': -2.5, 'ci sei o ci fai': -3, 'ci fai o ci sei': -3, 'gne gne': -2.5, 'che roba': -1.5,
  'ma certo': -1, 'sì certo': -1.5, 'come no': -2, 'ah ecco': -1, 'ma guarda un po\'': -1.5, 'che sorpresa': -1.5,
  'ben detto': 3, 'parole sante': 3, 'quoto tutto': 3, 'grazie di cuore': 3.5, 'ti adoro': 3.5, 'ti stimo': 3.5,
  'mi hai illuminato': 3, 'ottimo spunto': 3, 'ben scritto': 3, 'scritto benissimo': 3.5, 'mi piace': 2,
  'mi è servito': 2, 'mi è stato utile': 2.5, 'molto utile': 2.5, 'lo giro al team': 2, 'vai così': 2.5,
  'sei forte': 3, 'che spettacolo': 3.5, 'che meraviglia': 3.5, 'con cura': 1.5, 'cura dei dettagli': 2.5,
  'in bocca al lupo': 2.5, 'buona fortuna': 2, 'tanti auguri': 2.5, 'felice per te': 3, 'te lo meriti': 3,
  'grazie per la condivisione': 3, 'grazie per aver condiviso': 3, 'grazie per averlo condiviso': 3,
  'non vedevo l\'ora': 2.5, 'non è male': 2, 'non era male': 2, 'il modo migliore': 0,
  'ma per piacere': -3, 'fatemi il piacere': -3, 'fammi il piacere': -3, 'ma fatemi il piacere': -3.5,
  'marea di': -0.5, 'non funziona': -1.5, 'non funzionano': -1.5, 'non funzioni': -1.5, 'non funziona niente': -2.5,
  'non funziona nulla': -2.5, 'non funzioni niente': -2.5, 'non va': -1, 'prende sul serio': 1.5, 'prendere sul serio': 1.5,
  'finalmente ho capito': 2.5, 'ho capito finalmente': 2.5, 'mi ci voleva': 2, 'ci voleva proprio': 2,
  'ragione da vendere': 3.5, 'non deludi mai': 3, 'non delude mai': 3, 'mi hai risparmiato': 2.5,
  'mi ha risparmiato': 2, 'mi hai fatto risparmiare': 2.5, 'ti seguo': 1, 'dark mode': 0, 'mi piacerebbe': 0.5, 'non si fa così': -2.5, 'non si fa cosi': -2.5,
  'non è così che': -2, 'fanno scappare': -2, 'fa scappare': -2, "miniera d' oro": 3, 'niente da aggiungere': 0.5, 'zero possibilità': -2.5, 'nessuna possibilità': -2, 'ti fa dormire': -2.5, 'vi fa dormire': -2.5, 'questa roba': -1, 'sta roba': -1, 'di cui mi fido': 2, 'mi fido': 1.5, '10 e lode': 3, 'dieci e lode': 3, 'mi hai perso': -2.5, 'te lo rubo': 2, 'invecchiato malissimo': -3, 'invecchiato male': -2.5, 'invecchiato bene': 1.5,
  'non credo proprio': -1.5, 'eh già': -1, 'eh gia': -1,
  'soluzione in cerca di un problema': -3, 'zero prove': -2, 'nessuna prova': -1.5, 'smetto di seguirti': -2.5,
  'smesso di seguirti': -2.5, 'ti smetto di seguire': -2.5, 'siamo matti': -2.5, 'siete matti': -2.5,
  'ho imparato più': 2.5, 'ho imparato tanto': 2.5, 'ho imparato molto': 2.5, 'ho imparato un sacco': 3,
  'minestra riscaldata': -2.5, 'acqua calda': -2, 'fa male': -1.5, 'va bene': 0.5, 'va male': -2,
};

/** Every form of these carries the tone: "delud-" covers deludere, deludi, deluso, delusione, deludente. */
const stems: Record<string, number> = {
  delud: -2.5, delus: -2.5, vergogn: -3, schif: -3, incazz: -3, rovin: -2, imbarazz: -2.5, ridicol: -2.5,
  patetic: -3, penos: -3, pietos: -3, ignoran: -3, incompeten: -3, arrogan: -3, presuntuos: -3, saccen: -3,
  ipocri: -3, inesatt: -2.5, imprecis: -2, fuorvian: -3, sbagliat: -2.5, stupidagg: -2.5, cazzat: -3,
  stronzat: -3, cagat: -3, minchiat: -3, puttanat: -3, porcat: -3, coglion: -3.5, deficien: -3.5, imbecill: -3.5,
  cretin: -3.5, idiot: -3.5, insopport: -3, irritan: -2.5, fastidi: -2, squallid: -3, scandal: -3, vomit: -3.5,
  inutil: -2.5, superficial: -2, approssimativ: -2, dilettant: -2.5, cialtron: -3, buffon: -3, pagliacc: -3,
  fuffa: -2.5, offens: -2.5, irrispett: -3, tossic: -3, banalit: -2, confusionar: -2, incomprensib: -2.5,
  autopromozion: -1.5, spacciat: -1.5, spacciar: -1.5, licenzierei: -3, soddisfazion: 2.5, ironi: -1.5, ossessionat: 1.5, uff: -1.5, meravigli: 3.5, fantastic: 4, stupend: 4, splendid: 3.5, eccezional: 4, eccellen: 4, straordinar: 3.5,
  favolos: 3.5, geniale: 3, genialat: 3, applaus: 2.5, ringrazi: 2.5, complimen: 3, apprezz: 2.5, adoro: 3,
  ador: 3, stim: 0, miglior: 2, ottim: 3, bellissim: 3.5, utilissim: 3, preziosi: 2.5, illumin: 2.5,
  ispira: 2.5, entusias: 3, impeccab: 3.5, fighissim: 3.5, spettacol: 3, grandios: 3.5, incredib: 2.5,
};

const negators = [
  'non', 'mai', 'nessuno', 'nessuna', 'nessun', 'né', 'neanche', 'nemmeno', 'neppure', 'mica', 'niente',
  'nulla', 'senza', 'poco', 'manco',
];

const boosters: Record<string, number> = {
  molto: 0.3, troppo: 0.3, davvero: 0.3, proprio: 0.3, veramente: 0.3, assolutamente: 0.4, decisamente: 0.3,
  estremamente: 0.5, super: 0.3, parecchio: 0.2, tanto: 0.3, tantissimo: 0.5, così: 0.2, cosi: 0.2,
  incredibilmente: 0.4, totalmente: 0.4, completamente: 0.4, sempre: 0.1, ultra: 0.3, stra: 0.3,
  davvvero: 0.3, particolarmente: 0.2, enorme: 0.3, gran: 0.3, grosso: 0, pure: 0.1,
  'po\'': -0.4, pochino: -0.4, leggermente: -0.5, abbastanza: -0.2, quasi: -0.3, piuttosto: -0.1,
};

const contrast = ['peccato', 'ma', 'però', 'pero', 'tuttavia', 'eppure', 'invece', 'comunque'];

const stopwords = [
  'il', 'lo', 'la', 'i', 'gli', 'le', 'un', 'uno', 'una', 'di', 'del', 'della', 'dei', 'che', 'è', 'e', 'non',
  'per', 'con', 'su', 'da', 'in', 'al', 'alla', 'sono', 'sei', 'hai', 'ho', 'ha', 'questo', 'questa', 'quello',
  'anche', 'ma', 'come', 'cosa', 'perché', 'quando', 'dove', 'quale', 'mi', 'ti', 'ci', 'si', 'lo', 'più',
  "l'", "d'", "c'", "un'", 'tutto', 'tutti', 'ancora', 'già', 'solo', 'molto', 'proprio', 'davvero', 'grazie',
];

const aliases: Record<string, string> = {
  nn: 'non', cmq: 'comunque', xké: 'perché', xke: 'perché', xche: 'perché', xchè: 'perché', perke: 'perché',
  perchè: 'perché', grz: 'grazie', thx: 'grazie', ke: 'che', tt: 'tutto', qlc: 'qualcosa', pò: "po'", po: "po'",
  na: 'una', nemmen: 'nemmeno',
};

const patterns: ToneLexicon['patterns'] = [
  { re: /\bcomplimenti\b[^.!?]{0,20}(\.\.\.|…)/, weight: -2.5, kind: 'sarcasm', cue: 'complimenti…' },
  { re: /\bcomplimenti,? (davvero|proprio)? ?eh\b/, weight: -2.5, kind: 'sarcasm', cue: 'complimenti eh' },
  { re: /\bcerto,? come no\b/, weight: -3, kind: 'sarcasm', cue: 'certo, come no' },
  { re: /(^|[\s,.!?])ma va(?:'|\s*[,.!?]|$)|\bma va là\b|\bma vaa+\b|\bma vai a\b/, weight: -2, kind: 'sarcasm', cue: "ma va'" },
  { re: /\bbrav[oaie],? gen(io|i)\b/, weight: -3, kind: 'sarcasm', cue: 'bravo genio' },
  { re: /\bs[iì],? vabb[eè']/, weight: -2.5, kind: 'sarcasm', cue: 'sì vabbè' },
  { re: /\be io sono (il papa|babbo natale|napoleone|la regina)\b/, weight: -3, kind: 'sarcasm', cue: 'e io sono il papa' },
  { re: /\bgenial[eio],? eh\b/, weight: -2.5, kind: 'sarcasm', cue: 'geniale eh' },
  { re: /\b(ottimo|ottima|perfetto|bene|benissimo|fantastico|grande|evviva|stupendo|bravo|bravi|complimenti|bello)\b[,!. ]+(un altro|un'altra|l'ennesim|ennesim|ancora un)/, weight: -2.5, kind: 'sarcasm', cue: 'ottimo, un altro' },
  { re: /\bgrazie,? (capitan ovvio|genio|einstein)\b/, weight: -3, kind: 'sarcasm', cue: 'grazie, capitan ovvio' },
  { re: /\bcosa (potrebbe|potrà|può|potra) (mai )?andare storto\b/, weight: -2.5, kind: 'sarcasm', cue: 'cosa potrebbe andare storto' },
  { re: /\bfigurati se\b/, weight: -2, kind: 'sarcasm', cue: 'figurati se' },
  { re: /^figurati,\s*\S/, weight: -1.5, kind: 'sarcasm', cue: 'figurati, …' },
  { re: /\bma (tu )?(l'hai|lo hai|l'avete|li hai|le hai) (almeno |mai |nemmeno |neanche |davvero )?(letto|lett[aie]|provat[oaie]|testat[oaie]|aperto)\b|\b(l'hai|lo hai|l'avete|li hai|le hai) (almeno|nemmeno|neanche|davvero) (letto|lett[aie]|provat[oaie]|testat[oaie]|aperto)\b/, weight: -3, kind: 'attack', cue: "ma l'hai letto?" },
  { re: /\b(sei|siete|è) ser[io]\s*\?|\bma (sei|siete) ser[io]\b/, weight: -3, kind: 'attack', cue: 'ma sei serio?' },
  { re: /\b(state|stai|sta) scherzando\b/, weight: -3, kind: 'attack', cue: 'state scherzando?' },
  { re: /\bchi ti ha (insegnato|detto|dato)\b/, weight: -3, kind: 'attack', cue: 'chi ti ha insegnato' },
  { re: /\b(davvero|sul serio|veramente) (pensi|credi|pensate|credete)\b/, weight: -2.5, kind: 'attack', cue: 'davvero pensi' },
  { re: /\bancora con? (questa|sta|'sta|la) storia\b/, weight: -2.5, kind: 'attack', cue: 'ancora con questa storia' },
  { re: /\b(ti|vi) rend(i|ete) conto\b/, weight: -2.5, kind: 'attack', cue: 'ti rendi conto' },
  { re: /\bsembra fatt[oa] (con|in|da)\b/, weight: -2, kind: 'attack', cue: 'sembra fatto con' },
  { re: /\bspero (tu )?(stia|stiate) scherzando\b/, weight: -2.5, kind: 'attack', cue: 'spero stia scherzando' },
  { re: /\b(basta|smettetela)\s*[.!]*\s*$/, weight: -1, kind: 'attack', cue: 'basta.' },
  { re: /\bma (dai|su),/, weight: -1, kind: 'attack', cue: 'ma dai,' },
  { re: /(\b|^)(perch[eé]|xk[eé]|xch[eé]) (usi|usate|fai|fate|scrivi|metti) ancora\b/, weight: -1.5, kind: 'attack', cue: 'perché usi ancora' },
  { re: /\b(nessuno|non) (ti|vi|la|lo|li|ci) prende (più |mai )?sul serio\b/, weight: -3, kind: 'attack', cue: 'nessuno vi prende sul serio' },
  { re: /\b(davvero|ancora) (usi|usate|usano|scrivi|scrivete|consigli|consigliate) ancora\b|\bancora\b.*\bnel 20\d\d\b/, weight: -2.5, kind: 'attack', cue: 'usate ancora … nel 2026' },
  { re: /\bnon è che se (lo dici|lo scrivi|lo ripeti)\b|\bse lo dici tu\b/, weight: -2.5, kind: 'attack', cue: 'non è che se lo dici tu' },
  { re: /^(no|falso|sbagliato|macché|macche|ma quando mai|assolutamente no|non proprio)\s*[.,!]/, weight: -2, kind: 'attack', cue: 'No. …' },
  { re: /\bma quando mai\b|\bmacch[eé]\b/, weight: -2, kind: 'attack', cue: 'ma quando mai' },
  { re: /^scusa,? ma\b/, weight: -1, kind: 'attack', cue: 'scusa ma' },
  { re: /(\b(sei|siete) |^)sicur[oaie] di (sapere|aver capito|conoscere|aver letto)\b/, weight: -2.5, kind: 'attack', cue: 'sicuro di sapere' },
  { re: /\b(l'ha|lo ha|l'hai|lo hai) (scritto|generato) (chatgpt|l'ia|un'ia|l'ai|copilot)\b|\bscritto da (chatgpt|un'ia|l'ia)\b/, weight: -2.5, kind: 'attack', cue: "l'ha scritto ChatGPT" },
  { re: /\bnessuno (l'ha|lo ha) (testat|provat)/, weight: -2, kind: 'attack', cue: "qualcuno l'ha provato" },
  { re: /\blo (mando|giro|condivido) (subito )?(a|al|con) (tutto il |il |tutto )?(team|colleghi)\b/, weight: 2, kind: 'support', cue: 'lo mando al team' },
  { re: /\bnon credo (che )?(tu|voi) (sappia|sappiate|abbia|abbiate|conosca)\b/, weight: -2.5, kind: 'attack', cue: 'non credo tu sappia' },
  { re: /\bproprio quello che (serve|serviva|ci vuole|ci voleva|mancava) (al|alla|a|ai|agli)\b.*[,.]\s*(più|altr|ancora)/, weight: -2.5, kind: 'sarcasm', cue: 'proprio quello che serve al web, più …' },
  { re: /\b(difficile|impossibile|dura) (prenderti|prendervi|prenderlo|prenderla|prenderli) sul serio\b/, weight: -3, kind: 'attack', cue: 'difficile prenderti sul serio' },
  { re: /\b(ma )?(che|cosa|che cosa) (cazzo )?ho appena letto\b/, weight: -2.5, kind: 'attack', cue: 'che ho appena letto' },
  { re: /\bnessuno:/, weight: -2, kind: 'sarcasm', cue: 'nessuno: … tu:' },
  { re: /\b(sembra|si vede|evidentemente|chiaramente)( che)? (tu )?non (hai|abbia|avete|abbiate) mai\b/, weight: -2.5, kind: 'attack', cue: 'sembra che tu non abbia mai' },
  { re: /\bbasta (\w+are|\w+ere|\w+ire|con)\b|\bsmett(ila|etela) di\b/, weight: -2, kind: 'attack', cue: 'basta …are' },
  { re: /\bnon (insegnate|insegnare|fate|usate|scrivete|pubblicate|consigliate|diffondete)\b.*\bvi prego\b|\bvi prego\b.*\bnon (insegnate|fate|usate|scrivete|pubblicate)\b/, weight: -2.5, kind: 'attack', cue: 'non insegnate…, vi prego' },
  { re: /\b(cosa|che) (si può|si potrebbe|potrei|puoi|potresti) (volere|chiedere) di più\b/, weight: 2.5, kind: 'support', cue: 'cosa si può volere di più' },
  { re: /\bho (comunque |anche |pure |ancora )?imparato (qualcosa|tanto|molto|un sacco|parecchio)\b/, weight: 2.5, kind: 'support', cue: 'ho imparato qualcosa' },
  { re: /\bandrebbe (appes|stampat|insegnat|lett)/, weight: 2.5, kind: 'support', cue: 'andrebbe appeso' },
  { re: /\bfinalmente (qualcuno|una|un)\b/, weight: 1.5, kind: 'support', cue: 'finalmente qualcuno' },
];

export const IT_LEXICON: ToneLexicon = buildLexicon(
  { lang: 'it', words, phrases, stems, negators, boosters, contrast, stopwords, patterns, aliases },
  (word, valence, into) => {
    // Gender and number: "pessimo" -> pessima, pessimi, pessime; "inutile" -> inutili; "figata" -> figate.
    if (!/^[a-zàèéìòù]+$/.test(word) || word.length < 4) return;
    const stem = word.slice(0, -1);
    const last = word.at(-1);
    const forms = last === 'o' ? ['a', 'i', 'e'] : last === 'e' ? ['i'] : last === 'a' && !word.endsWith('ca') ? ['e'] : [];
    for (const ending of forms) if (!into.has(stem + ending)) into.set(stem + ending, valence);
  },
);
