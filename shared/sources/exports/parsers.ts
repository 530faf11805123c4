/**
 * The export parsers by network, and which network a set of files is. A Meta
 * export can hold both Instagram and Threads (Threads sits in a `threads/`
 * folder inside Instagram's export), so recognition returns every match.
 */
import { facebookParser } from './facebook/facebook-parser.ts';
import { instagramParser } from './instagram/instagram-parser.ts';
import { linkedinParser } from './linkedin/linkedin-parser.ts';
import { threadsParser } from './threads/threads-parser.ts';
import { tiktokParser } from './tiktok/tiktok-parser.ts';
import { xParser } from './x/x-parser.ts';
import { EXPORT_NETWORKS, type ExportFiles, type ExportNetwork, type ExportParser } from './export-types.ts';

export const EXPORT_PARSERS: Readonly<Record<ExportNetwork, ExportParser>> = {
  instagram: instagramParser,
  threads: threadsParser,
  facebook: facebookParser,
  x: xParser,
  linkedin: linkedinParser,
  tiktok: tiktokParser,
};

export const NETWORK_NAMES: Readonly<Record<ExportNetwork, string>> = {
  instagram: 'Instagram',
  threads: 'Threads',
  facebook: 'Facebook',
  x: 'X',
  linkedin: 'LinkedIn',
  tiktok: 'TikTok',
};

export function isExportNetwork(type: string): type is ExportNetwork {
  return (EXPORT_NETWORKS as readonly string[]).includes(type);
}

/** The networks whose parser recognises these files (a parser that throws while looking is taken as "no"). */
export function recognisedNetworks(files: ExportFiles, parsers: Readonly<Record<ExportNetwork, ExportParser>> = EXPORT_PARSERS): ExportNetwork[] {
  return EXPORT_NETWORKS.filter((network) => {
    try {
      return parsers[network].recognises(files);
    } catch {
      return false;
    }
  });
}

/** "an Instagram", "an X", "a Facebook": the network's name with its article. */
export function aNetwork(network: ExportNetwork): string {
  return `${network === 'instagram' || network === 'x' ? 'an' : 'a'} ${NETWORK_NAMES[network]}`;
}
