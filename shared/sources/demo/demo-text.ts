/**
 * The words of the demo community: names, bios and reply texts. Some display
 * names and texts carry markup on purpose, to prove that every renderer escapes
 * untrusted text.
 */
import type { Tone } from './personas.ts';

export const FIRST_NAMES = [
  'ada', 'alan', 'alice', 'amara', 'anna', 'arjun', 'beatrice', 'bruno', 'carla', 'chen', 'chiara', 'dario',
  'diego', 'elena', 'emma', 'enzo', 'fatima', 'federico', 'francesca', 'gianni', 'giulia', 'grace', 'hana', 'ines',
  'ivan', 'jonas', 'julia', 'kofi', 'laura', 'leo', 'lina', 'luca', 'marco', 'maria', 'matteo', 'mei', 'nadia',
  'noah', 'olga', 'omar', 'paolo', 'priya', 'rosa', 'sara', 'simone', 'sofia', 'tariq', 'tomas', 'vera', 'yuki',
] as const;

export const LAST_NAMES = [
  'rossi', 'bianchi', 'romano', 'colombo', 'ricci', 'marino', 'greco', 'bruno', 'gallo', 'conti', 'deluca', 'mancini',
  'costa', 'giordano', 'rizzo', 'lombardi', 'moretti', 'barbieri', 'fontana', 'santoro', 'mariani', 'rinaldi', 'caruso',
  'ferrara', 'galli', 'martini', 'leone', 'longo', 'gentile', 'martinelli', 'lovelace', 'hopper', 'turing', 'nakamura',
  'okafor', 'haddad', 'novak', 'kowalski', 'schmidt', 'dubois', 'garcia', 'silva', 'kim', 'singh', 'ahmed', 'larsen',
  'petrov', 'yilmaz', 'tanaka', 'osei',
] as const;

export const INSTANCES = ['demo.social', 'piazza.demo', 'fedi.demo', 'code.demo', 'sky.demo'] as const;

/** Display names that need escaping wherever they are rendered. */
export const TRICKY_DISPLAY_NAMES = [
  '<b>Bold</b> & "quoted"',
  'Tom & Jerry <3',
  "O'Brien \"the dev\" <script>alert(1)</script>",
  'Ünïcödé 🚲 <i>name</i>',
] as const;

/** In-audience bios: the owner writes about web development, accessibility and open source. */
export const BIOS_EN = [
  'Frontend developer. Accessibility nerd. Coffee first.',
  'Open source maintainer, web standards enthusiast.',
  'Designer who codes. I care about inclusive design.',
  'JavaScript, TypeScript and too many side projects.',
  'Teaching web development to beginners. He/him.',
  'Building accessible interfaces for public services.',
  'UX researcher. Plain language advocate.',
  '',
] as const;

export const BIOS_IT = [
  'Sviluppatrice web, appassionata di accessibilità.',
  'Open source e caffè. Milano.',
  'Designer e sviluppatore, parlo di web e inclusione.',
  'Insegno programmazione web ai ragazzi.',
  'Frontend, CSS e biciclette. Torino.',
] as const;

/** Out-of-audience profiles: other languages, or topics the owner does not serve. */
export const FOREIGN_PROFILES = [
  { languages: ['de'], bio: 'Ich poste über Fußball und Bier. Keine Werbung.' },
  { languages: ['fr'], bio: 'Passionnée de cuisine et de voyages. Photos de mes plats.' },
  { languages: ['es'], bio: 'Fútbol, música y memes. Sígueme y te sigo.' },
  { languages: ['pt'], bio: 'Fotógrafo de casamentos em Lisboa. Orçamentos por mensagem.' },
  { languages: ['ja'], bio: 'アニメとゲームが大好きです。毎日投稿します。' },
  { languages: ['tr'], bio: 'Futbol ve siyaset üzerine yorumlar.' },
  { languages: ['pl'], bio: 'Wędkarstwo i grillowanie w weekendy.' },
] as const;

export const OFF_TOPIC_BIOS = [
  'Crypto signals 🚀 100x gains daily. DM for forex tips.',
  'Daily betting tips and casino bonuses. Follow for giveaways!',
  'Grow your followers fast 📈 Buy likes, cheap prices.',
  'NFT collector. Web3 maximalist. Airdrop hunter.',
] as const;

export const POSITIVE_REPLIES = [
  'Great point, thanks for sharing!',
  'This made my day.',
  'Bookmarked, really useful.',
  'Totally agree with this.',
  'Thanks, I learned something today.',
  'Grazie, utilissimo!',
  'Bellissimo thread, complimenti.',
  'Could you write more about this?',
] as const;

export const NEGATIVE_REPLIES = [
  'This is wrong and you know it.',
  'Another terrible take.',
  'Nobody asked for this.',
  'You clearly have no idea what you are talking about.',
  'What a useless post.',
  'Stop spreading <b>nonsense</b> & "hot takes".',
  'Ridiculous. Do your homework before posting.',
  'Worst advice I have read this year.',
] as const;

export const OUTBOUND_REPLIES = [
  'Love this!',
  'So true.',
  'Thanks for writing this up.',
  'Great work, congratulations!',
] as const;

export function repliesFor(tone: Tone): readonly string[] {
  return tone === 'negative' ? NEGATIVE_REPLIES : POSITIVE_REPLIES;
}
