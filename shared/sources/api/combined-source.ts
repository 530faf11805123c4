/**
 * One closed network read two ways at once: its official export (the lists, follow dates, your own
 * activity) and its official API (other people's comments, replies, tags, reactions, likes: what no
 * export holds). One source, one set of contacts: the API reader keys people as the export does, so
 * a commenter who follows you is the same contact as the follower in the export.
 *
 * Each pull:
 *  - reads the exports (ExportSource: the newest new one, or "nothing new"); a broken export does not
 *    stop the API's read: it becomes a problem line and the last known list stands;
 *  - asks the TokenKeeper for the token (refreshed first when due), then reads the API from its own
 *    cursor. A refused token (ApiAuthError) or a failed read is reported (`SourcePull.api`, a problem
 *    line) and the pull then sees only what the export sees, so nobody is judged silent on
 *    engagement that was not read;
 *  - combines: contacts from the export (or, on X, from the API's lists when it read them: fresher,
 *    with handles), the export's follow dates kept; interactions from both; what it could see as the
 *    union of the two (combineObserves); the two cursors in one (`{"v":1,"e":…,"a":…}`).
 * Facebook's API names people by display name only (as the export does): a name is resolved to the
 * export's contact when exactly one contact bears it, else the engagement is kept under the name
 * and counted, never guessed.
 */
import type { ApiNetwork, ApiNote, Completeness, Contact, Interaction, Observability, SourcePull } from '../../domain/model.ts';
import { SourceError, type PullContext, type Source } from '../../ports/source.ts';
import type { ExportSource } from '../exports/export-source.ts';
import { EXPORT_OBSERVES } from '../exports/observes.ts';
import { ApiAuthError, FACEBOOK_NAME_PREFIX, type ApiRead, type ApiReader, type CurrentToken, type TokenKeeper } from './api-reader.ts';
import { combineObserves } from './observes.ts';

export interface CombinedSourceOptions {
  network: ApiNetwork;
  exports: ExportSource;
  reader: ApiReader;
  tokens: TokenKeeper;
}

const NAMES: Readonly<Record<ApiNetwork, string>> = { instagram: 'Instagram', threads: 'Threads', facebook: 'Facebook', x: 'X' };

/** Both cursors of the source; a plain string is the export cursor of a source that had no API before. */
export interface CombinedCursor {
  e?: string;
  a?: string;
}

export function parseCombinedCursor(cursor: string | undefined): CombinedCursor {
  if (cursor === undefined) return {};
  if (!cursor.startsWith('{')) return { e: cursor };
  try {
    const body: unknown = JSON.parse(cursor);
    if (body === null || typeof body !== 'object') return {};
    const r = body as Record<string, unknown>;
    return { ...(typeof r['e'] === 'string' ? { e: r['e'] } : {}), ...(typeof r['a'] === 'string' ? { a: r['a'] } : {}) };
  } catch {
    // A cursor this version cannot read: start over (the exports by their dates, the API from its backfill).
    return {};
  }
}

export function formatCombinedCursor(c: CombinedCursor): string | undefined {
  if (c.e === undefined && c.a === undefined) return undefined;
  return JSON.stringify({ v: 1, ...(c.e !== undefined ? { e: c.e } : {}), ...(c.a !== undefined ? { a: c.a } : {}) });
}

const worst = (a: Completeness, b: Completeness): Completeness => (a === 'failed' || b === 'failed' ? 'failed' : a === 'partial' || b === 'partial' ? 'partial' : 'complete');

export class CombinedSource implements Source {
  readonly id: string;
  readonly platform: string;
  private readonly network: ApiNetwork;
  private readonly exports: ExportSource;
  private readonly reader: ApiReader;
  private readonly tokens: TokenKeeper;

  constructor(options: CombinedSourceOptions) {
    this.id = options.exports.id;
    this.platform = options.network;
    this.network = options.network;
    this.exports = options.exports;
    this.reader = options.reader;
    this.tokens = options.tokens;
  }

  async pull(ctx: PullContext): Promise<SourcePull> {
    const cursor = parseCombinedCursor(ctx.cursor);
    const exported = await this.pullExports(ctx, cursor.e);
    if (ctx.signal?.aborted) throw new SourceError(this.id, 'pull aborted');
    const api = await this.readApi(ctx, cursor.a);

    const exportSight: Observability = exported.pull.observes ?? EXPORT_OBSERVES[this.network];
    const problems = [...exported.pull.problems, ...api.problems];
    // A read that failed after it may have been billed (X) comes back `failed` with its cursor (the spend), not thrown.
    const failedRead = api.read !== undefined && api.read.completeness === 'failed' ? api.read : undefined;
    const note: ApiNote = { network: this.network, ok: api.read !== undefined && failedRead === undefined, skipped: [], ...(api.read?.note ?? {}), ...(api.token !== undefined ? { token: api.token } : {}) };
    if (api.read === undefined || failedRead !== undefined) {
      return {
        ...exported.pull,
        observes: exportSight,
        problems: [...problems, ...(failedRead?.problems ?? [])],
        requests: exported.pull.requests + api.requests + (failedRead?.requests ?? 0),
        ...cursorOf({ e: exported.cursor, a: failedRead?.cursor ?? cursor.a }),
        api: note,
      };
    }

    const read = api.read;
    const contacts = this.contactsOf(exported.pull, read);
    const known = contacts.list.length > 0 ? contacts.list : this.network === 'facebook' ? await this.lastKnownContacts(ctx, exported.cursor) : [];
    const resolved = this.network === 'facebook' ? resolveNames(read.interactions, known) : { interactions: read.interactions, unresolved: 0 };
    if (resolved.unresolved > 0) problems.push(`${resolved.unresolved} Facebook reactions or comments by people who are not exactly one of your contacts by name: kept, not matched`);
    // The export's owner, unless it knows none yet (no export read ever): then the account the token belongs to.
    const owner = exported.pull.owner.id === this.id && read.owner !== undefined ? read.owner : exported.pull.owner;
    return {
      sourceId: this.id,
      platform: this.network,
      takenAt: exported.pull.takenAt,
      owner,
      contacts: contacts.list,
      interactions: [...exported.pull.interactions, ...resolved.interactions],
      contactsCompleteness: contacts.completeness,
      // The API's engagement is complete only as far as the read went; the export's part says the same of its own.
      interactionsCompleteness: worst(exported.pull.contacts.length > 0 ? exported.pull.interactionsCompleteness : 'complete', read.completeness),
      ...(read.historySince !== undefined ? { historySince: read.historySince } : exported.pull.historySince !== undefined ? { historySince: exported.pull.historySince } : {}),
      ...cursorOf({ e: exported.cursor, a: read.cursor ?? cursor.a }),
      problems: [...problems, ...read.problems],
      requests: exported.pull.requests + api.requests + read.requests,
      observes: combineObserves(exportSight, read.observes),
      ...(exported.pull.exportAge !== undefined ? { exportAge: exported.pull.exportAge } : {}),
      api: note,
    };
  }

  /** The exports' pull; a broken export becomes a problem line (the API is still read) and the last known list stands. */
  private async pullExports(ctx: PullContext, cursor: string | undefined): Promise<{ pull: SourcePull; cursor: string | undefined }> {
    try {
      const pull = await this.exports.pull({ ...ctx, ...(cursor !== undefined ? { cursor } : { cursor: undefined }) });
      return { pull, cursor: pull.cursor ?? cursor };
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      return {
        cursor,
        pull: {
          sourceId: this.id,
          platform: this.network,
          takenAt: ctx.now.toISOString(),
          owner: { id: this.id, handle: this.id },
          contacts: [],
          interactions: [],
          contactsCompleteness: 'partial',
          interactionsCompleteness: 'partial',
          problems: [`the ${NAMES[this.network]} export could not be read: ${reason}`],
          requests: 0,
        },
      };
    }
  }

  private async readApi(ctx: PullContext, cursor: string | undefined): Promise<{ read?: ApiRead; token?: ApiNote['token']; problems: string[]; requests: number }> {
    const name = NAMES[this.network];
    let token: CurrentToken;
    try {
      token = await this.tokens.current(ctx.now, ctx.signal);
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      const problem = err instanceof ApiAuthError ? err.problem : 'refresh_failed';
      return { token: { problem }, problems: [`the ${name} API was not read: ${messageOf(err)}`], requests: 0 };
    }
    const tokenNote: NonNullable<ApiNote['token']> = {
      ...(token.expiresAt !== undefined ? { expiresAt: token.expiresAt } : {}),
      ...(token.refreshedAt !== undefined ? { refreshedAt: token.refreshedAt } : {}),
      ...(token.problem !== undefined ? { problem: token.problem } : {}),
    };
    const problems = token.detail !== undefined ? [`${name} token: ${token.detail}`] : [];
    if (token.problem === 'expired' || token.problem === 'invalid') {
      return { token: tokenNote, problems: [...problems, `the ${name} API was not read: the token can no longer be used (renew it: see the notice at the top)`], requests: 0 };
    }
    try {
      const read = await this.reader.read({
        now: ctx.now,
        accessToken: token.accessToken,
        ...(cursor !== undefined ? { cursor } : {}),
        ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
        ...(ctx.onProgress !== undefined ? { onProgress: ctx.onProgress } : {}),
      });
      return { read, token: tokenNote, problems, requests: 0 };
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      if (err instanceof ApiAuthError) {
        return { token: { ...tokenNote, problem: err.problem }, problems: [...problems, `the ${name} API was not read: ${err.message}`], requests: 0 };
      }
      return { token: tokenNote, problems: [...problems, `the ${name} API could not be read this time (${messageOf(err)}); its engagement is not judged this run`], requests: 0 };
    }
  }

  /**
   * The contact list: the export's, or on X the API's lists when this run read them (fresher, with
   * handles), with the follow dates the export knows.
   */
  private contactsOf(exported: SourcePull, read: ApiRead): { list: Contact[]; completeness: Completeness } {
    const fromApi = read.contacts;
    if (fromApi === undefined || fromApi.completeness !== 'complete') return { list: exported.contacts, completeness: exported.contactsCompleteness };
    const dated = new Map(exported.contacts.map((c) => [c.id, c]));
    const list = fromApi.list.map((c) => {
      const e = dated.get(c.id);
      if (e === undefined) return c;
      return {
        ...c,
        ...(c.followedAt === undefined && e.followedAt !== undefined ? { followedAt: e.followedAt } : {}),
        ...(c.followerSince === undefined && e.followerSince !== undefined ? { followerSince: e.followerSince } : {}),
      };
    });
    return { list, completeness: 'complete' };
  }

  /** Facebook, with no new export this run: the contacts of the last export read, to match names against. */
  private async lastKnownContacts(ctx: PullContext, exportCursor: string | undefined): Promise<Contact[]> {
    if (exportCursor === undefined) return [];
    try {
      // Without a cursor the export source reads the newest export it finds: the one read last.
      const pull = await this.exports.pull({ ...ctx, cursor: undefined, onProgress: () => undefined });
      return pull.contacts;
    } catch {
      return [];
    }
  }
}

function cursorOf(c: CombinedCursor): { cursor?: string } {
  const text = formatCombinedCursor(c);
  return text !== undefined ? { cursor: text } : {};
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Facebook engagement keyed `fbname:<display name>` → the contact that bears that name, when exactly
 * one does (homonyms and strangers stay under the name).
 */
export function resolveNames(interactions: readonly Interaction[], contacts: readonly Contact[]): { interactions: Interaction[]; unresolved: number } {
  const byName = new Map<string, string | null>();
  for (const c of contacts) {
    const name = c.displayName.trim();
    if (name === '') continue;
    byName.set(name, byName.has(name) ? null : c.id);
  }
  let unresolved = 0;
  const out = interactions.map((i) => {
    if (!i.contactId.startsWith(FACEBOOK_NAME_PREFIX)) return i;
    const id = byName.get(i.contactId.slice(FACEBOOK_NAME_PREFIX.length).trim());
    if (id === undefined || id === null) {
      unresolved++;
      return i;
    }
    return { ...i, contactId: id };
  });
  return { interactions: out, unresolved };
}
