/**
 * Reading a source's staged parts back into columns (issue 20): each chunk
 * (gzipped JSON of what a pull step read, as the firing store wrote it) is
 * decoded, checked (zod: the table is external data) and handed to a
 * `StagedPartsBuilder`, which keeps the contacts and the part's own fields and
 * moves the interactions into one `InteractionLog`. Only one chunk's objects
 * are alive at a time: a first import's million interactions reach the report
 * step as columns, never as a million objects.
 */
import { gunzipSync } from 'node:zlib';
import { StagedPartsBuilder, StagedPull, type StagedParts } from '../domain/staged-parts.ts';

/** One staged chunk as the pull it holds; `where` names it in the error ("staged part 3.0 of masto in firing F"). */
export function readStagedChunk(body: Uint8Array, where: string): StagedPull {
  let json: unknown;
  try {
    json = JSON.parse(gunzipSync(body).toString('utf8'));
  } catch (err) {
    throw new Error(`${where} is unreadable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const parsed = StagedPull.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${where} is unreadable: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}

/**
 * A source's staged parts from its chunks, in order: `chunks[i]` chunks make part i. `take(seq, chunk)`
 * hands over a chunk's body (and may forget it), or undefined when it is missing.
 */
export function readStagedParts(sourceId: string, chunks: readonly number[], take: (seq: number, chunk: number) => Uint8Array | undefined, where: (seq: number, chunk: number) => string): StagedParts {
  const builder = new StagedPartsBuilder(sourceId);
  for (const [seq, count] of chunks.entries()) {
    for (let chunk = 0; chunk < count; chunk++) {
      const body = take(seq, chunk);
      if (body === undefined) throw new Error(`${where(seq, chunk)} is missing (expired?)`);
      builder.addChunk(chunk === 0, readStagedChunk(body, where(seq, chunk)), where(seq, chunk));
    }
  }
  return builder.result();
}
