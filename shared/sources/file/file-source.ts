/**
 * A source that reads a snapshot JSON file (format: ../SNAPSHOT_FORMAT.md), for
 * networks without an adapter, exports, and repeatable tests. A broken file is
 * rejected whole: half a contact list would read as "these people left".
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import type { Interaction, SourcePull } from '../../domain/model.ts';
import { SourceError, type PullContext, type Source } from '../../ports/source.ts';
import { describeIssues } from './describe-issue.ts';
import { deriveInteractionId } from './interaction-id.ts';
import { parseJson } from '../../json/json-syntax.ts';
import { SNAPSHOT_FORMAT_VERSION, SnapshotFile } from './snapshot-file.ts';

export interface FileSourceOptions {
  id: string;
  /** Path of the snapshot file; error messages name it as given here. */
  path: string;
  /** Injected in tests; defaults to reading UTF-8 from disk. */
  readFile?: (path: string) => Promise<string>;
}

export class FileSource implements Source {
  readonly id: string;
  private readonly path: string;
  private readonly readFile: (path: string) => Promise<string>;
  private lastPlatform = 'file';

  constructor(options: FileSourceOptions) {
    this.id = options.id;
    this.path = options.path;
    this.readFile = options.readFile ?? ((p) => fsReadFile(p, 'utf8'));
  }

  /** The file declares its platform; until the first pull this is just "file". */
  get platform(): string {
    return this.lastPlatform;
  }

  async pull(ctx: PullContext): Promise<SourcePull> {
    if (ctx.signal?.aborted) throw new SourceError(this.id, `${this.path}: pull aborted`);
    const file = await this.load();
    this.lastPlatform = file.platform;
    ctx.onProgress?.({ sourceId: this.id, phase: 'contacts', done: file.contacts.length, total: file.contacts.length });

    // Every interaction every time: the store deduplicates by id, so the cursor only records what was read.
    const interactions: Interaction[] = [];
    const seen = new Set<string>();
    for (const record of file.interactions) {
      const id = record.id ?? deriveInteractionId(record);
      // Records without an id and with identical content are the same event written twice.
      if (seen.has(id)) continue;
      seen.add(id);
      interactions.push({ ...record, id });
    }
    ctx.onProgress?.({ sourceId: this.id, phase: 'interactions', done: interactions.length, total: interactions.length });

    return {
      sourceId: this.id,
      platform: file.platform,
      takenAt: file.takenAt,
      owner: file.owner,
      contacts: file.contacts,
      interactions,
      contactsCompleteness: file.complete.contacts ? 'complete' : 'partial',
      interactionsCompleteness: file.complete.interactions ? 'complete' : 'partial',
      ...(file.historySince !== undefined ? { historySince: file.historySince } : {}),
      cursor: file.takenAt,
      problems: [
        ...(file.complete.contacts ? [] : [`${this.path}: the file says its contact list is incomplete`]),
        ...(file.complete.interactions ? [] : [`${this.path}: the file says its interactions are incomplete`]),
      ],
      requests: 0,
    };
  }

  private async load(): Promise<SnapshotFile> {
    const text = await this.read();
    const parsed = parseJson(text);
    if (!parsed.ok) {
      throw new SourceError(this.id, `${this.path}: invalid JSON at line ${parsed.line}, column ${parsed.column}: ${parsed.reason}`);
    }
    this.checkVersion(parsed.value);
    const result = SnapshotFile.safeParse(parsed.value, { reportInput: true });
    if (!result.success) throw new SourceError(this.id, `${this.path}: ${describeIssues(result.error.issues)}`, { cause: result.error });
    return result.data;
  }

  private async read(): Promise<string> {
    try {
      return await this.readFile(this.path);
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
      const why =
        code === 'ENOENT' ? 'file not found'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'EISDIR' ? 'is a folder, not a snapshot file'
        : `cannot read the file (${err instanceof Error ? err.message : String(err)})`;
      throw new SourceError(this.id, `${this.path}: ${why}`, { cause: err });
    }
  }

  /** A file of another version would fail on unrelated fields; say the real problem first. */
  private checkVersion(value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SourceError(this.id, `${this.path}: (root): expected a JSON object with "formatVersion": ${SNAPSHOT_FORMAT_VERSION}`);
    }
    const version: unknown = (value as Record<string, unknown>).formatVersion;
    if (version === undefined) {
      throw new SourceError(this.id, `${this.path}: formatVersion: missing; a snapshot file starts with "formatVersion": ${SNAPSHOT_FORMAT_VERSION}`);
    }
    if (version !== SNAPSHOT_FORMAT_VERSION) {
      throw new SourceError(
        this.id,
        `${this.path}: formatVersion: this followback reads formatVersion ${SNAPSHOT_FORMAT_VERSION}, the file has ${JSON.stringify(version)}`,
      );
    }
  }
}
