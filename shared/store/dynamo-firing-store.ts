/**
 * The DynamoDB adapter of the `FiringStore` port, in the single table:
 *
 *   entity          pk                              sk                                           TTL
 *   firing state    P#<profile>#F#<firingKey>       state                                        expiresAt
 *   staged part     P#<profile>#F#<firingKey>       part#<sourceId>#<staging>#<seq>#<chunk>      expiresAt
 *   firing index    P#<profile>                     F#<firingKey>                                expiresAt
 *   fingerprints    P#<profile>                     K#<sourceId>                                 expiresAt
 *   their chunks    P#<profile>                     K#<sourceId>#<generation>#<n>                expiresAt
 *
 * A firing gets a partition of its own, so loading a profile never reads the
 * pages of a firing in progress, and the report step reads them back with one
 * query per source. A part is what one pull step read of one source: gzipped
 * JSON, split into chunks under DynamoDB's 400 KB item limit (a step reads
 * thousands of contacts; one item per contact would cost a write each).
 * Writes are PutItem, one per chunk: a few per step.
 *
 * A finished firing's parts are not deleted: a delete is billed as a write of
 * the item's size (at a million followers, as much as staging them), while TTL
 * deletes for free. They stay readable until TTL removes them (lazily, within
 * days of `expiresAt`), so each firing stages under a `staging` key drawn with
 * its state, and a firing run again under the same key reads only its own.
 * The firing index in the profile partition (no profile query reads `F#`) is
 * how forgetting a contact finds the parts of the profile's finished firings.
 *
 * A source's contact fingerprints (shared/domain/contact-fingerprint.ts) are
 * written by each stored report as a new generation of binary chunks (packed
 * sorted values, under 6 bytes a contact at a million, under the item limit), then the head item naming it; a pull step
 * reads the head, then that generation. Dropping them deletes the head alone
 * (one small write); chunks of old generations are left to TTL, like parts.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { FingerprintIndex, positionGaps, positionsOf } from '../domain/contact-fingerprint.ts';
import type { FiringState, FiringStore } from '../ports/firing-store.ts';
import { TTL_ATTRIBUTE, keys } from './table-schema.ts';
import type { StagedParts, StagedPull } from '../domain/staged-parts.ts';
import { readStagedParts } from './staged-columns.ts';
import { dynamoFailure, sendToDynamo } from './dynamo-failure.ts';

type Item = Record<string, NativeAttributeValue>;

/** Below DynamoDB's 400 KB item limit with room for the keys and attributes. */
export const MAX_CHUNK_BYTES = 300_000;
const STATE_SK = 'state';
const INDEX_PREFIX = 'F#';
const FINGERPRINT_PREFIX = 'K#';
/** Fingerprint chunks (packed: about 55,000 contacts an item at a million, fewer in a smaller index). */
const FINGERPRINT_CHUNK_BYTES = 320_000;
/** How long a source's fingerprints outlive the report that wrote them: a schedule of a month or less uses them. */
export const FINGERPRINT_TTL_SECONDS = 35 * 86_400;
/** A staging key: a few letters and digits, so it cannot reach into another key's parts. */
const STAGING = /^[0-9a-z]{1,32}$/;
const StoredFingerprintHead = z.object({
  generation: z.string().regex(STAGING),
  chunks: z.number().int().min(1),
  count: z.number().int().min(0),
  /** Packed chunks (FingerprintIndex.toBytes); a head without it names raw ones (8 bytes a value), as first written. */
  format: z.literal('packed').optional(),
});

const StoredFingerprintChunk = z.object({ of: z.number().int().min(1), count: z.number().int().min(0) });

const StoredFiringState = z.object({
  firingKey: z.string(),
  holder: z.string(),
  iteration: z.number().int().min(0),
  startedAt: z.string(),
  staging: z.string().regex(STAGING).optional(),
  sources: z.array(
    z.object({
      sourceId: z.string(),
      platform: z.string(),
      phase: z.enum(['in_progress', 'complete', 'partial', 'failed']),
      checkpoint: z.string().optional(),
      parts: z.array(z.number().int().min(1)),
      requests: z.number().int().min(0),
      items: z.number().int().min(0),
      problem: z.string().optional(),
    }),
  ),
});

export interface DynamoFiringStoreOptions {
  client: DynamoDBDocumentClient | DynamoDBClient;
  tableName: string;
  clock?: () => Date;
}

export const firingPartition = (profileId: string, firingKey: string): string => `${keys.profile(profileId)}#F#${firingKey}`;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const partPrefix = (sourceId: string, staging: string | undefined): string => (staging === undefined ? `part#${sourceId}#` : `part#${sourceId}#${stagingKey(staging)}#`);
const partKey = (sourceId: string, seq: number, chunk: number, staging: string | undefined): string => `${partPrefix(sourceId, staging)}${pad(seq, 6)}#${pad(chunk, 4)}`;
function stagingKey(staging: string): string {
  if (!STAGING.test(staging)) throw new Error(`a staging key is 1-32 lowercase letters or digits, not ${JSON.stringify(staging)}`);
  return staging;
}

export class DynamoFiringStore implements FiringStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: () => Date;

  constructor(options: DynamoFiringStoreOptions) {
    this.doc = options.client instanceof DynamoDBDocumentClient ? options.client : DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.clock = options.clock ?? (() => new Date());
  }

  async loadFiring(profileId: string, firingKey: string): Promise<FiringState | null> {
    const out = await this.send(`GetItem firing ${profileId}/${firingKey}`, () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: firingPartition(profileId, firingKey), sk: STATE_SK }, ConsistentRead: true })),
    );
    if (out.Item === undefined) return null;
    const parsed = StoredFiringState.safeParse(JSON.parse(String(out.Item['state'])));
    if (!parsed.success) throw new Error(`the stored state of firing ${firingKey} of profile ${profileId} is unreadable: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const state: FiringState = { ...parsed.data, sources: parsed.data.sources.map((s) => ({ ...s })) };
    return state;
  }

  async saveFiring(profileId: string, state: FiringState, ttlSeconds: number): Promise<void> {
    const expiresAt = this.expiry(ttlSeconds);
    const item: Item = { pk: firingPartition(profileId, state.firingKey), sk: STATE_SK, entity: 'firing', state: JSON.stringify(state), [TTL_ATTRIBUTE]: expiresAt };
    // The index outlives every part of the firing (each step writes its parts before it saves the state), and is
    // written first: a state saved is always findable by forget.
    const index: Item = { pk: keys.profile(profileId), sk: `${INDEX_PREFIX}${state.firingKey}`, entity: 'firing-index', firingKey: state.firingKey, [TTL_ATTRIBUTE]: expiresAt };
    await this.send(`PutItem firing index ${profileId}/${state.firingKey}`, () => this.doc.send(new PutCommand({ TableName: this.tableName, Item: index })));
    await this.send(`PutItem firing ${profileId}/${state.firingKey}`, () => this.doc.send(new PutCommand({ TableName: this.tableName, Item: item })));
  }

  async putPart(profileId: string, firingKey: string, sourceId: string, seq: number, pull: StagedPull, ttlSeconds: number, staging?: string): Promise<number> {
    const chunks = chunked(pull);
    const expiresAt = this.expiry(ttlSeconds);
    for (const [i, body] of chunks.entries()) {
      const item: Item = { pk: firingPartition(profileId, firingKey), sk: partKey(sourceId, seq, i, staging), entity: 'firing-part', body, [TTL_ATTRIBUTE]: expiresAt };
      await this.send(`PutItem part ${profileId}/${firingKey}/${sourceId}#${seq}`, () => this.doc.send(new PutCommand({ TableName: this.tableName, Item: item })));
    }
    return chunks.length;
  }

  async loadParts(profileId: string, firingKey: string, sourceId: string, chunks: number[], staging?: string): Promise<StagedParts> {
    const bySk = new Map((await this.query(firingPartition(profileId, firingKey), partPrefix(sourceId, staging))).map((item) => [String(item['sk']), item]));
    // Decoded chunk by chunk into columns (./staged-columns.ts), each body let go once read.
    return readStagedParts(
      sourceId,
      chunks,
      (seq, chunk) => {
        const item = bySk.get(partKey(sourceId, seq, chunk, staging));
        bySk.delete(partKey(sourceId, seq, chunk, staging));
        return item === undefined ? undefined : (item['body'] as Uint8Array);
      },
      (seq, chunk) => `staged part ${seq}.${chunk} of ${sourceId} in firing ${firingKey}`,
    );
  }

  async loadFingerprints(profileId: string, sourceId: string): Promise<{ generation: string; index: FingerprintIndex } | null> {
    const pk = keys.profile(profileId);
    const head = await this.send(`GetItem fingerprints ${profileId}/${sourceId}`, () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: `${FINGERPRINT_PREFIX}${sourceId}` }, ConsistentRead: true })),
    );
    if (head.Item === undefined) return null;
    const parsed = StoredFingerprintHead.safeParse(head.Item);
    if (!parsed.success) return null; // unreadable: the pull stages every contact whole, which is always right
    const { generation, chunks, count, format } = parsed.data;
    const index = await this.readGeneration(pk, sourceId, generation, { chunks, count, format: format ?? 'raw' });
    return index === null ? null : { generation, index };
  }

  async loadFingerprintGeneration(profileId: string, sourceId: string, generation: string): Promise<FingerprintIndex | null> {
    if (!STAGING.test(generation)) return null;
    const pk = keys.profile(profileId);
    const index = await this.readGeneration(pk, sourceId, generation);
    if (index !== null) return index;
    // Chunks written before they said their count (raw, or the first packed ones): the head, if it still names them.
    const known = await this.loadFingerprints(profileId, sourceId);
    return known !== null && known.generation === generation ? known.index : null;
  }

  /**
   * A generation's chunks (they never change once written: read at half price, eventually consistent), checked
   * against what the head says of them, or, without the head, against what each chunk says (`of`, `count`).
   */
  private async readGeneration(pk: string, sourceId: string, generation: string, head?: { chunks: number; count: number; format: 'packed' | 'raw' }): Promise<FingerprintIndex | null> {
    const items = await this.query(pk, `${FINGERPRINT_PREFIX}${sourceId}#${generation}#`, undefined, false);
    const first = StoredFingerprintChunk.safeParse(items[0] ?? {});
    const expected = head ?? (first.success ? { chunks: first.data.of, count: first.data.count, format: 'packed' as const } : undefined);
    if (expected === undefined) return null;
    const bodies = new Map(items.map((item) => [String(item['sk']), item['b']]));
    const ordered: Uint8Array[] = [];
    for (let n = 0; n < expected.chunks; n++) {
      const body = bodies.get(`${FINGERPRINT_PREFIX}${sourceId}#${generation}#${String(n).padStart(4, '0')}`);
      if (!(body instanceof Uint8Array)) return null; // not visible yet, or expired: stage whole
      ordered.push(body);
    }
    try {
      const index = FingerprintIndex.fromBytes(ordered, expected.format);
      return index.size === expected.count ? index : null;
    } catch {
      return null; // unreadable chunks: the pull stages every contact whole, which is always right
    }
  }

  async saveFingerprints(profileId: string, sourceId: string, index: FingerprintIndex): Promise<void> {
    const pk = keys.profile(profileId);
    const generation = randomUUID().replaceAll('-', '').slice(0, 12);
    const expiresAt = this.expiry(FINGERPRINT_TTL_SECONDS);
    const chunks = index.toBytes(FINGERPRINT_CHUNK_BYTES);
    for (const [n, b] of chunks.entries()) {
      // Each chunk says how many there are and how many values they hold: a report step reads its pull steps'
      // generation by itself, after the head may have been dropped.
      const item: Item = { pk, sk: `${FINGERPRINT_PREFIX}${sourceId}#${generation}#${String(n).padStart(4, '0')}`, entity: 'fingerprint-chunk', b, of: chunks.length, count: index.size, [TTL_ATTRIBUTE]: expiresAt };
      await this.send(`PutItem fingerprints ${profileId}/${sourceId}#${n}`, () => this.doc.send(new PutCommand({ TableName: this.tableName, Item: item })));
    }
    // Last: a head names only a generation whose every chunk is written.
    const head: Item = { pk, sk: `${FINGERPRINT_PREFIX}${sourceId}`, entity: 'fingerprints', generation, chunks: chunks.length, count: index.size, format: 'packed', [TTL_ATTRIBUTE]: expiresAt };
    await this.send(`PutItem fingerprints ${profileId}/${sourceId}`, () => this.doc.send(new PutCommand({ TableName: this.tableName, Item: head })));
  }

  async dropFingerprints(profileId: string, sourceIds: readonly string[]): Promise<void> {
    const pk = keys.profile(profileId);
    for (const sourceId of sourceIds) {
      await this.send(`DeleteItem fingerprints ${profileId}/${sourceId}`, () => this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: `${FINGERPRINT_PREFIX}${sourceId}` } })));
    }
  }

  async finishFiring(profileId: string, firingKey: string): Promise<void> {
    const pk = firingPartition(profileId, firingKey);
    await this.send(`DeleteItem ${pk}`, () => this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: STATE_SK } })));
  }

  async discardFiring(profileId: string, firingKey: string): Promise<void> {
    const pk = firingPartition(profileId, firingKey);
    for (const item of await this.query(pk, undefined, ['sk'])) {
      await this.send(`DeleteItem ${pk}`, () => this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: item['sk'] } })));
    }
    const index = { pk: keys.profile(profileId), sk: `${INDEX_PREFIX}${firingKey}` };
    await this.send(`DeleteItem firing index ${profileId}/${firingKey}`, () => this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: index })));
  }

  /**
   * Deletes what the profile's finished firings staged and left to expire (for forgetting a contact: the
   * parts hold every contact a pull read). A firing still in progress keeps its parts: its report needs them,
   * and it stores what it read anyway. Returns how many items were deleted.
   */
  async deleteFinishedStaging(profileId: string): Promise<number> {
    let deleted = 0;
    for (const index of await this.query(keys.profile(profileId), INDEX_PREFIX, ['sk', 'firingKey'])) {
      const firingKey = String(index['firingKey']);
      const pk = firingPartition(profileId, firingKey);
      const items = await this.query(pk, undefined, ['sk']);
      if (items.some((item) => item['sk'] === STATE_SK)) continue;
      for (const key of [...items.map((item) => ({ pk, sk: item['sk'] })), { pk: keys.profile(profileId), sk: index['sk'] }]) {
        await this.send(`DeleteItem ${key.pk}`, () => this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: key })));
        deleted += 1;
      }
    }
    return deleted;
  }

  async renewClaim(profileId: string, runKey: string, holder: string, ttlSeconds: number, options: { adopt?: boolean } = {}): Promise<boolean> {
    const now = Math.floor(this.clock().getTime() / 1000);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.profile(profileId), sk: keys.claim(runKey) },
          UpdateExpression: 'SET #ttl = :expires, holder = :holder',
          // An expired lease is not ours any more, even before TTL deletes it: someone may have claimed it.
          ConditionExpression: `attribute_exists(pk) AND #status = :running AND #ttl >= :now AND ${options.adopt === true ? '(attribute_not_exists(holder) OR holder = :holder)' : 'holder = :holder'}`,
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE, '#status': 'status' },
          ExpressionAttributeValues: { ':expires': now + ttlSeconds, ':holder': holder, ':running': 'running', ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err instanceof Error && err.name === 'ConditionalCheckFailedException')) return false;
      throw this.failure(`renewClaim ${profileId}/${runKey}`, err);
    }
  }

  private expiry(ttlSeconds: number): number {
    return Math.floor(this.clock().getTime() / 1000) + Math.ceil(ttlSeconds);
  }

  private async query(pk: string, prefix: string | undefined, projection?: string[], consistent = true): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, NativeAttributeValue> | undefined;
    do {
      const out = await this.send(`Query ${pk}`, () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :sk)',
            ExpressionAttributeValues: prefix === undefined ? { ':pk': pk } : { ':pk': pk, ':sk': prefix },
            ConsistentRead: consistent,
            ...(projection ? { ProjectionExpression: projection.join(', ') } : {}),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  private async send<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return sendToDynamo(this.tableName, operation, fn);
  }

  private failure(operation: string, err: unknown): Error {
    return dynamoFailure(this.tableName, operation, err);
  }
}

/** A pull as gzipped JSON chunks, each under MAX_CHUNK_BYTES: the contacts and interactions split in halves until they fit. */
export function chunked(pull: StagedPull): Uint8Array[] {
  const zipped = gzipSync(JSON.stringify(pull));
  if (zipped.byteLength <= MAX_CHUNK_BYTES) return [zipped];
  const unchanged = pull.unchanged ?? [];
  const positions = positionsOf(pull.unchangedAt?.gaps ?? []);
  const items = pull.contacts.length + pull.interactions.length + unchanged.length + positions.length;
  if (items <= 1) throw new Error(`one contact or interaction of ${pull.sourceId} is too large to stage (${zipped.byteLength} bytes compressed)`);
  const c = Math.ceil(pull.contacts.length / 2);
  const i = Math.ceil(pull.interactions.length / 2);
  const u = Math.ceil(unchanged.length / 2);
  const d = Math.ceil(positions.length / 2);
  // Each half's positions as gaps of their own (the second half's first from 0).
  const half = (first: boolean): Pick<StagedPull, 'unchanged' | 'unchangedAt'> => ({
    ...(pull.unchanged === undefined ? {} : { unchanged: first ? unchanged.slice(0, u) : unchanged.slice(u) }),
    ...(pull.unchangedAt === undefined ? {} : { unchangedAt: { generation: pull.unchangedAt.generation, gaps: positionGaps(first ? positions.slice(0, d) : positions.slice(d)) } }),
  });
  // The first chunk keeps the pull's own fields; the second adds only contacts and interactions.
  return [
    ...chunked({ ...pull, contacts: pull.contacts.slice(0, c), interactions: pull.interactions.slice(0, i), ...half(true) }),
    ...chunked({ ...pull, contacts: pull.contacts.slice(c), interactions: pull.interactions.slice(i), ...half(false) }),
  ];
}
