/**
 * Where an export source finds its exports (its "inbox"): a local folder
 * (shared/sources/exports/export-inbox.ts) or, deployed, a prefix of the
 * stack's exports bucket (shared/sources/exports/s3-export-inbox.ts). The
 * export source decides which export to read (newest unread, older ignored,
 * nothing new); the inbox only lists them and makes one readable as local files.
 */

export interface ExportCandidate {
  /** The export's name in the inbox: the ZIP's name (its stem for several parts) or the folder's. */
  readonly name: string;
  /** Its parts: absolute paths in a folder (one ZIP, the ZIP parts in order, or one folder); object keys in a bucket. */
  readonly paths: readonly string[];
  /** When it was filed (the newest modification time of its parts): ms since the epoch. */
  readonly filedAtMs: number;
}

export interface ExportListing {
  readonly candidates: readonly ExportCandidate[];
  /** Entries in the inbox that are not exports (not a ZIP, not a folder), by name. */
  readonly ignored: readonly string[];
  /** False when the folder does not exist (yet); a bucket prefix always exists. */
  readonly exists: boolean;
}

/** One export made readable: local paths for `openExport`, and the clean-up of any copy made for it. */
export interface OpenedExport {
  readonly paths: readonly string[];
  release(): Promise<void>;
}

export interface ExportInbox {
  /** How messages name the inbox: the folder's path, or `s3://bucket/prefix`. */
  readonly where: string;
  list(): Promise<ExportListing>;
  /** Local files of the candidate's parts (a bucket's are downloaded); call `release` when done reading. */
  open(candidate: ExportCandidate): Promise<OpenedExport>;
}

/** A listing problem with a message complete enough to show as is (the source adds its id). */
export class ExportInboxError extends Error {
  override readonly name = 'ExportInboxError';
}

/**
 * The deployed inbox's layout, shared by the stack (read grants, lifecycle
 * rules), the functions (what a source lists) and `followback import --deployed`
 * (where it uploads): every export of a source lives under
 * `exports/<profile id>/<source id>/`. The config's local `exports` folder is
 * not part of it (a path on the owner's machine means nothing in the bucket).
 * Profile and source ids are slugs (`[a-z0-9-]`), so the prefix needs no escaping.
 */
export const EXPORTS_KEY_ROOT = 'exports/';

export function exportsPrefix(profileId: string, sourceId: string): string {
  return `${EXPORTS_KEY_ROOT}${profileId}/${sourceId}/`;
}

/**
 * The largest export (all its parts together) a deployed pull downloads: it
 * must fit in the pull functions' /tmp (the stack gives them
 * EXPORTS_EPHEMERAL_STORAGE_MB), and `import --deployed` refuses a bigger one
 * up front. An export downloaded with only the information followback reads
 * ("Followers and following", "Your activity") is a few MB; it is media that
 * makes them gigabytes.
 */
export const EXPORT_DOWNLOAD_LIMIT_BYTES = 3 * 1024 ** 3;
/** /tmp of the functions that pull when the config has an export source: the download limit plus room. */
export const EXPORTS_EPHEMERAL_STORAGE_MB = 4096;
