/**
 * BatchWriteItem in chunks of 25 (the API's limit). DynamoDB may accept only
 * part of a batch under throttling and hands back the rest as UnprocessedItems;
 * those are re-sent with capped exponential backoff and full jitter, as the
 * AWS guidance for batch operations asks.
 */
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';

export const BATCH_LIMIT = 25;

/** A put or delete as the document client takes it (plain JS values). */
export type DocWriteRequest =
  | { PutRequest: { Item: Record<string, NativeAttributeValue> }; DeleteRequest?: never }
  | { DeleteRequest: { Key: Record<string, NativeAttributeValue> }; PutRequest?: never };

/**
 * Requests made on demand: a first run writes a million interactions, and
 * their items (each with its keys and TTL) are built a batch at a time rather
 * than all before the first one is sent.
 */
export interface RequestList {
  readonly length: number;
  get(index: number): DocWriteRequest;
}

/** Sends one batch; returns the requests DynamoDB left unprocessed. */
export type SendBatch = (requests: DocWriteRequest[]) => Promise<DocWriteRequest[]>;

export interface BatchWriteOptions {
  /** Attempts per chunk, the first included (default 8). */
  maxAttempts?: number;
  /** First backoff ceiling in ms (default 50); doubles each retry. */
  baseDelayMs?: number;
  /** Highest backoff ceiling in ms (default 5000). */
  maxDelayMs?: number;
  /** Chunks in flight at once (default 4). */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
  /** Named in errors. */
  tableName?: string;
  /** Called after each batch with the count written so far (for progress displays). */
  onProgress?: (written: number) => void;
}

export class BatchWriteError extends Error {
  override readonly name = 'BatchWriteError';
  constructor(
    message: string,
    /** Requests that were not written (the failed chunk's leftovers plus chunks never sent). */
    readonly unwritten: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const realSleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Full jitter: a random wait between 0 and min(cap, base * 2^retry). */
export function backoffDelay(retry: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * Writes every request; resolves with how many were written. Rejects with a
 * `BatchWriteError` when a chunk still has unprocessed items after
 * `maxAttempts`, or when a batch call fails outright.
 */
export async function writeInBatches(
  send: SendBatch,
  requests: readonly DocWriteRequest[] | RequestList,
  options: BatchWriteOptions = {},
): Promise<number> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const table = options.tableName === undefined ? 'DynamoDB' : `DynamoDB table ${options.tableName}`;

  const list: RequestList = isRequestList(requests) ? requests : { length: requests.length, get: (i) => requests[i] as DocWriteRequest };
  const total = list.length;
  const chunkCount = Math.ceil(total / BATCH_LIMIT);
  const chunkAt = (index: number): DocWriteRequest[] => {
    const chunk: DocWriteRequest[] = [];
    for (let i = index * BATCH_LIMIT; i < Math.min(total, (index + 1) * BATCH_LIMIT); i++) chunk.push(list.get(i));
    return chunk;
  };

  let next = 0;
  let written = 0;
  let failure: BatchWriteError | null = null;

  const writeChunk = async (index: number, chunk: DocWriteRequest[]): Promise<void> => {
    let pending = chunk;
    for (let attempt = 1; ; attempt += 1) {
      let unprocessed: DocWriteRequest[];
      try {
        unprocessed = await send(pending);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new BatchWriteError(
          `BatchWriteItem on ${table} failed for batch ${index + 1} of ${chunkCount}: ${reason}`,
          pending.length,
          { cause: err },
        );
      }
      written += pending.length - unprocessed.length;
      options.onProgress?.(written);
      pending = unprocessed;
      if (pending.length === 0) return;
      if (attempt >= maxAttempts) {
        throw new BatchWriteError(
          `BatchWriteItem on ${table}: ${pending.length} item(s) of batch ${index + 1} of ${chunkCount} still unprocessed after ${attempt} attempts`,
          pending.length,
        );
      }
      await sleep(backoffDelay(attempt - 1, baseDelayMs, maxDelayMs, random));
    }
  };

  const worker = async (): Promise<void> => {
    while (failure === null && next < chunkCount) {
      const index = next;
      next += 1;
      const chunk = chunkAt(index);
      try {
        await writeChunk(index, chunk);
      } catch (err) {
        if (failure === null) {
          failure = err instanceof BatchWriteError ? err : new BatchWriteError(String(err), chunk.length, { cause: err });
        }
        return;
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, chunkCount) }, worker));
  if (failure !== null) {
    const first = failure as BatchWriteError;
    const unwritten = total - written;
    throw new BatchWriteError(`${first.message} (${unwritten} of ${total} item(s) not written)`, unwritten, {
      cause: first.cause ?? first,
    });
  }
  return written;
}

function isRequestList(requests: readonly DocWriteRequest[] | RequestList): requests is RequestList {
  return !Array.isArray(requests);
}
