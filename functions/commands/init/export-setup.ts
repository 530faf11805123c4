/**
 * The networks read from their official exports (Instagram, Threads, Facebook, X, LinkedIn, TikTok):
 * init makes each one's `exports/<network>` folder (owner-only) and says how to download the
 * export, with the same steps the email's export reminder gives (shared/report/i18n.ts).
 */
import { messagesFor, type ExportNetworkId } from '../../../shared/report/i18n.ts';
import type { Locale } from '../../../shared/config/schema.ts';
import { terminalLine } from '../../../shared/logging/terminal-line.ts';
import { AnswerError } from './prompter.ts';

export const EXPORT_NETWORKS: readonly ExportNetworkId[] = ['instagram', 'threads', 'facebook', 'x', 'linkedin', 'tiktok'];
export const API_NETWORKS = ['mastodon', 'bluesky'] as const;
export type ApiNetworkChoice = (typeof API_NETWORKS)[number];
export type NetworkChoice = ExportNetworkId | ApiNetworkChoice;

const ALIASES: Readonly<Record<string, NetworkChoice>> = { twitter: 'x', ig: 'instagram', fb: 'facebook', bsky: 'bluesky' };

/** `instagram, Facebook x` → the networks named (each once); `none` or empty → none. */
export function parseNetworks(text: string): NetworkChoice[] {
  const words = text
    .toLowerCase()
    .split(/[\s,;]+/)
    .filter((w) => w !== '' && w !== 'none');
  const known: readonly string[] = [...EXPORT_NETWORKS, ...API_NETWORKS];
  const out: NetworkChoice[] = [];
  for (const word of words) {
    const network = ALIASES[word] ?? (known.includes(word) ? (word as NetworkChoice) : undefined);
    if (network === undefined) throw new AnswerError(`"${terminalLine(word, 40)}" is not a network followback reads; choose among ${known.join(', ')}`);
    if (!out.includes(network)) out.push(network);
  }
  return out;
}

export function isExportNetwork(n: NetworkChoice): n is ExportNetworkId {
  return (EXPORT_NETWORKS as readonly string[]).includes(n);
}

/** The folder a network's exports go in, relative to the config file. */
export function exportsFolder(network: ExportNetworkId): string {
  return `exports/${network}`;
}

/** What to do for one network, in a few lines: where to download the export, where to put it. */
export function exportSteps(network: ExportNetworkId, locale: Locale = 'en'): string {
  const { name, steps } = messagesFor(locale).exportNetworks[network];
  return [
    `${name}: download your data (it can take from minutes to a few days to be ready):`,
    `  ${steps}.`,
    `  Then put the ZIP in ${exportsFolder(network)}/, or run: followback import FILE.zip --source ${network}`,
  ].join('\n');
}
