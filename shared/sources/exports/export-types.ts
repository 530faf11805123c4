/**
 * The official data exports of the closed networks (Instagram, Threads,
 * Facebook, X, LinkedIn, TikTok), read as people download them. Two layers:
 *
 *  - `ExportFiles`: one export as a set of files, read lazily — a ZIP streamed
 *    entry by entry (media entries are listed, never inflated), several ZIP
 *    parts merged, or an unpacked folder; wrapper folders removed
 *    (shared/sources/exports/archive.ts).
 *  - `ExportSnapshot`: what one export says, in followback's terms, whatever
 *    the network and the era of its format (one parser per network:
 *    shared/sources/exports/<network>/).
 *
 * Shapes are in zod (external data); see ../shared/NETWORK-EXPORTS.md for what
 * is known of each network's files, and each parser's fixtures for where a
 * shape was seen.
 */
import { z } from 'zod';
import { IsoInstant } from '../../domain/model.ts';

export const EXPORT_NETWORKS = ['instagram', 'threads', 'facebook', 'x', 'linkedin', 'tiktok'] as const;
export type ExportNetwork = (typeof EXPORT_NETWORKS)[number];

/** One export, its files read on demand. */
export interface ExportFiles {
  /** What the owner gave (a file or folder name): for messages, never file contents. */
  readonly label: string;
  /** Paths of the entries, '/'-separated, without the export's wrapper folder(s), as the network wrote them. */
  paths(): readonly string[];
  /**
   * One entry as text (UTF-8). Refuses an entry larger than `maxBytes` (default 64 MiB) with an
   * ExportError naming it, so a mislabelled media file is never loaded.
   */
  readText(path: string, maxBytes?: number): Promise<string>;
  /** Closes open archives. */
  close(): Promise<void>;
}

/** A broken, wrong or unusable export: the message names the file and what is wrong. Exit code 2 at the CLI. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}

/** Someone in an export: what the network gives of them (one of handle or id at least, or a display name on Facebook). */
export const ExportPerson = z
  .object({
    /** The username / screen name, without '@'. */
    handle: z.string().min(1).optional(),
    /** A numeric or opaque id (X archives: the only identity). */
    id: z.string().min(1).optional(),
    displayName: z.string().optional(),
    profileUrl: z.string().url().optional(),
  })
  .refine((p) => p.handle !== undefined || p.id !== undefined || (p.displayName !== undefined && p.displayName.trim() !== ''), 'a person needs a handle, an id or a name');
export type ExportPerson = z.infer<typeof ExportPerson>;

export const ExportTie = z.object({
  person: ExportPerson,
  /** When the tie began, where the network says (Instagram, TikTok, Facebook, LinkedIn; not X). */
  since: IsoInstant.optional(),
});
export type ExportTie = z.infer<typeof ExportTie>;

/** One of the export's lists: absent from the export (null), or read with how complete it is. */
export const ExportList = z.object({
  ties: z.array(ExportTie),
  /** False when the list was cut (a date-range export) or a part is missing: nothing is concluded from it. */
  complete: z.boolean(),
  /** Why it is not complete, in a sentence the owner can act on. */
  problem: z.string().optional(),
});
export type ExportList = z.infer<typeof ExportList>;

export const ExportInteraction = z.object({
  kind: z.enum(['like', 'repost', 'reply', 'quote', 'mention']),
  direction: z.enum(['inbound', 'outbound']),
  at: IsoInstant,
  /** The other side: whom the owner liked or replied to (outbound), who commented (inbound). */
  person: ExportPerson,
  postUrl: z.string().optional(),
  text: z.string().optional(),
});
export type ExportInteraction = z.infer<typeof ExportInteraction>;

export const ExportSnapshot = z.object({
  network: z.enum(EXPORT_NETWORKS),
  /** The export's own date (its folder name, its newest record or its manifest), not the file's mtime. */
  exportedAt: IsoInstant,
  /** The format's era, e.g. "instagram-2022" (`connections/followers_1.json`, bare arrays). */
  era: z.string().min(1),
  /** The entries the parser read, for the owner ("which files it holds"). */
  filesRead: z.array(z.string()),
  /** The owner's own handle where the export says (to leave the owner out of contacts). */
  owner: ExportPerson.optional(),
  followers: ExportList.nullable(),
  following: ExportList.nullable(),
  /** Undirected ties: Facebook friends, LinkedIn connections (relation `mutual`). */
  mutuals: ExportList.nullable(),
  interactions: z.array(ExportInteraction),
  /** Things the owner should know (an unknown file shape skipped, a mojibake repaired in keys, ...). */
  warnings: z.array(z.string()),
});
export type ExportSnapshot = z.infer<typeof ExportSnapshot>;

/** Every network's parser: reads the files it knows, refuses what it cannot read. */
export interface ExportParser {
  readonly network: ExportNetwork;
  /** Whether these files look like this network's export at all (for `followback import` to say which network it is). */
  recognises(files: ExportFiles): boolean;
  parse(files: ExportFiles): Promise<ExportSnapshot>;
}
