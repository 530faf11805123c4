/**
 * A closed network (Instagram, Threads, Facebook, X, LinkedIn, TikTok) read
 * from the official exports filed in a folder. One export is one snapshot.
 *
 * Each pull lists the folder (./export-inbox.ts), reads every export in it to
 * learn its network and its own date (`exportedAt`: from its name, manifest or
 * newest record, never the file's mtime), and reads the NEWEST one newer than
 * the cursor (the `exportedAt` of the last export read). So:
 *  - a new export gives a full snapshot: new and lost followers against the
 *    previous one (when both lists are complete), follow dates, the outbound
 *    interactions it holds;
 *  - no new export gives a pull that concludes nothing: contacts and
 *    interactions `partial` and empty (merge-pulls keeps the last known list,
 *    no lost follower, no new silence), with the problem line
 *    "no new Instagram export since 2026-11-02" that the report shows;
 *  - an export older than the last one read, filed after it was made, is
 *    ignored with a problem line saying so (older exports already read stay
 *    in the folder silently);
 *  - an export dated after the run's clock (a backfill with `--now` over a
 *    folder of exports) is not read yet, so a backfill replays the exports in
 *    their order;
 *  - every pull carries `exportAge` (the newest export read so far and
 *    `reminderDays`): the report, not a problem line, reminds the owner to
 *    download a new export once it is old (shared/report/, exportReminders),
 *    with that network's steps in the report's language;
 *  - an HTML export, a broken file, or another network's export fails the
 *    pull with a SourceError naming the file (the run goes on with the other
 *    sources, and the report marks this one stale).
 */
import type { SourcePull } from '../../domain/model.ts';
import { ExportInboxError, type ExportCandidate, type ExportInbox, type ExportListing, type OpenedExport } from '../../ports/export-inbox.ts';
import { SourceError, type PullContext, type Source } from '../../ports/source.ts';
import { htmlExportMessage, looksLikeHtmlExport, openExport } from './archive.ts';
import { FolderExportInbox } from './export-inbox.ts';
import { ExportError, type ExportNetwork, type ExportParser, type ExportSnapshot } from './export-types.ts';
import { aNetwork, EXPORT_PARSERS, NETWORK_NAMES, recognisedNetworks } from './parsers.ts';
import { EXPORT_OBSERVES, narrowedObserves } from './observes.ts';
import { snapshotToPull } from './snapshot-to-pull.ts';

export interface ExportSourceOptions {
  id: string;
  network: ExportNetwork;
  /** The exports folder (absolute, or as messages should name it); with `inbox`, how messages name that. */
  dir: string;
  /** Where the exports are listed and opened: default the folder `dir`; deployed, a bucket prefix (s3-export-inbox.ts). */
  inbox?: ExportInbox;
  /** Days after which the newest export is old enough to ask for a new one (default 30). */
  reminderDays?: number;
  /** Injected in tests; defaults to every network's parser. */
  parsers?: Readonly<Record<ExportNetwork, ExportParser>>;
}

const DAY_MS = 86_400_000;

/** An export of the folder by its date only (the others are not kept whole: a folder may hold a year of them). */
interface Dated {
  candidate: ExportCandidate;
  exportedAt: string;
  owner: ExportSnapshot['owner'];
}

export class ExportSource implements Source {
  readonly id: string;
  readonly platform: string;
  private readonly network: ExportNetwork;
  private readonly dir: string;
  private readonly inbox: ExportInbox;
  private readonly reminderDays: number;
  private readonly parsers: Readonly<Record<ExportNetwork, ExportParser>>;

  constructor(options: ExportSourceOptions) {
    this.id = options.id;
    this.network = options.network;
    this.platform = options.network;
    this.dir = options.dir;
    this.inbox = options.inbox ?? new FolderExportInbox(options.dir, NETWORK_NAMES[options.network]);
    this.reminderDays = options.reminderDays ?? 30;
    this.parsers = options.parsers ?? EXPORT_PARSERS;
  }

  private get name(): string {
    return NETWORK_NAMES[this.network];
  }

  async pull(ctx: PullContext): Promise<SourcePull> {
    if (ctx.signal?.aborted) throw new SourceError(this.id, `${this.dir}: pull aborted`);
    const lastRead = validInstant(ctx.cursor);
    const listing = await this.list();
    const problems: string[] = listing.ignored.map((name) => `${name} in ${this.dir} is not an export (give the ZIP as downloaded, or its unpacked folder); ignored`);

    // Every export's own date; the newest new one is kept whole, the others only by their date.
    let newest: { candidate: ExportCandidate; snapshot: ExportSnapshot } | undefined;
    let latestSeen: Dated | undefined;
    const older: Dated[] = [];
    const later: Dated[] = [];
    let done = 0;
    for (const candidate of listing.candidates) {
      if (ctx.signal?.aborted) throw new SourceError(this.id, `${this.dir}: pull aborted`);
      const snapshot = await this.read(candidate);
      ctx.onProgress?.({ sourceId: this.id, phase: 'exports', done: ++done, total: listing.candidates.length });
      const dated: Dated = { candidate, exportedAt: snapshot.exportedAt, owner: snapshot.owner };
      const at = Date.parse(snapshot.exportedAt);
      // Dated after the run's clock (a backfill with --now, replaying a folder of exports): not read yet.
      // A day of slack: a name's day is the owner's local day, read as UTC.
      if (at > ctx.now.getTime() + DAY_MS) {
        later.push(dated);
        continue;
      }
      if (latestSeen === undefined || at > Date.parse(latestSeen.exportedAt)) latestSeen = dated;
      if (lastRead !== undefined && at <= lastRead) {
        if (at < lastRead) older.push(dated);
        continue;
      }
      const newestAt = newest === undefined ? undefined : Date.parse(newest.snapshot.exportedAt);
      if (newest === undefined || newestAt === undefined || at > newestAt) {
        if (newest !== undefined) older.push({ candidate: newest.candidate, exportedAt: newest.snapshot.exportedAt, owner: newest.snapshot.owner });
        newest = { candidate, snapshot };
      } else if (at < newestAt) older.push(dated);
    }

    // Older exports filed after the last one read was made: dropped in late, never read.
    const reference = newest !== undefined ? Date.parse(newest.snapshot.exportedAt) : lastRead;
    if (reference !== undefined) {
      for (const { candidate, exportedAt } of older) {
        if (candidate.filedAtMs > reference) {
          problems.push(`${candidate.name}: an export of ${day(exportedAt)} is older than the ${newest !== undefined ? 'one read now' : 'last one read'} (${day(new Date(reference).toISOString())}): ignored`);
        }
      }
    }

    for (const { candidate, exportedAt } of later) problems.push(`${candidate.name}: an export of ${day(exportedAt)} is dated after this run (${day(ctx.now.toISOString())}): not read yet`);

    if (newest === undefined) return this.nothingNew(ctx, lastRead, latestSeen, listing.exists, problems);

    const pull = snapshotToPull(newest.snapshot, { sourceId: this.id, label: newest.candidate.name });
    ctx.onProgress?.({ sourceId: this.id, phase: 'contacts', done: pull.contacts.length, total: pull.contacts.length });
    // An export downloaded without its activity or notifications sees less than its network's declaration.
    const observes = narrowedObserves(this.network, newest.snapshot.filesRead);
    const missing = [
      ...(observes !== undefined && observes.outbound.length === 0 ? ['activity'] : []),
      ...(observes !== undefined && observes.inbound.length === 0 && EXPORT_OBSERVES[this.network].inbound.length > 0 ? ['notifications'] : []),
    ];
    const narrowed =
      missing.length === 0
        ? []
        : [
            `${newest.candidate.name}: the export holds no ${missing.join(' or ')} files, so that engagement is not judged from it (download it with "Your activity"${this.network === 'facebook' ? ' and "Logged information"' : ''})`,
          ];
    return {
      ...pull,
      ...(observes !== undefined ? { observes } : {}),
      problems: [...problems, ...pull.problems, ...narrowed],
      exportAge: { newestExportAt: new Date(newest.snapshot.exportedAt).toISOString(), reminderDays: this.reminderDays },
    };
  }

  /** No export newer than the last one read: a pull that concludes nothing, and says so. */
  private nothingNew(ctx: PullContext, lastRead: number | undefined, latestSeen: Dated | undefined, folderExists: boolean, problems: string[]): SourcePull {
    const owner = latestSeen?.owner;
    const ownerHandle = owner?.handle ?? owner?.displayName ?? owner?.id ?? this.id;
    const headline =
      lastRead !== undefined
        ? `no new ${this.name} export since ${day(new Date(lastRead).toISOString())}`
        : `no ${this.name} export in ${this.dir}${folderExists ? '' : ' (the folder does not exist yet)'}: download one and file it with followback import`;
    return {
      sourceId: this.id,
      platform: this.network,
      takenAt: ctx.now.toISOString(),
      owner: { id: owner?.id ?? ownerHandle, handle: ownerHandle },
      contacts: [],
      interactions: [],
      contactsCompleteness: 'partial',
      interactionsCompleteness: 'partial',
      ...(ctx.cursor !== undefined ? { cursor: ctx.cursor } : {}),
      problems: [headline, ...problems],
      requests: 0,
      exportAge: { ...(lastRead !== undefined ? { newestExportAt: new Date(lastRead).toISOString() } : {}), reminderDays: this.reminderDays },
    };
  }

  private async list(): Promise<ExportListing> {
    try {
      return await this.inbox.list();
    } catch (err) {
      if (err instanceof ExportInboxError) throw new SourceError(this.id, err.message, { cause: err });
      throw new SourceError(this.id, `${this.dir}: cannot list the exports folder (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
  }

  /** Opens and parses one export; anything wrong fails the pull with the file's name and the reason. */
  private async read(candidate: ExportCandidate): Promise<ExportSnapshot> {
    let opened: OpenedExport | undefined;
    try {
      // A bucket's export is downloaded to /tmp here, and removed again below.
      opened = await this.inbox.open(candidate);
      const files = await openExport(opened.paths, { label: candidate.name });
      try {
        const networks = recognisedNetworks(files, this.parsers);
        if (!networks.includes(this.network)) {
          if (looksLikeHtmlExport(files)) throw new ExportError(htmlExportMessage(candidate.name, this.network));
          const other = networks[0];
          throw new ExportError(
            other !== undefined
              ? `${candidate.name} is ${aNetwork(other)} export, not ${aNetwork(this.network)} one: move it to the ${NETWORK_NAMES[other]} source's folder`
              : `${candidate.name} is not ${aNetwork(this.network)} export (none of its files is one followback knows)`,
          );
        }
        const snapshot = await this.parsers[this.network].parse(files);
        if (snapshot.network !== this.network) throw new ExportError(`${candidate.name} was read as ${aNetwork(snapshot.network)} export, not ${aNetwork(this.network)} one`);
        return snapshot;
      } finally {
        await files.close();
      }
    } catch (err) {
      if (err instanceof ExportError || err instanceof ExportInboxError) throw new SourceError(this.id, err.message.includes(candidate.name) ? err.message : `${candidate.name}: ${err.message}`, { cause: err });
      throw new SourceError(this.id, `${candidate.name}: cannot be read (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    } finally {
      await opened?.release();
    }
  }
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function validInstant(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const ms = Date.parse(cursor);
  return Number.isNaN(ms) ? undefined : ms;
}
