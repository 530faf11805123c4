/**
 * The DynamoDB adapter of the `ProfileStore` and `SessionStore` ports, on the
 * single table described in ./table-schema.ts. It stays dumb on purpose: the
 * use-case decides what changed (including lifetime aggregates); the store
 * writes exactly that and reads it back validated.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type NativeAttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DynamoToneLabelStore } from './dynamo-tone-label-store.ts';
import type { z } from 'zod';
import type { TrackedContact } from '../domain/analysis-types.ts';
import { InteractionLog } from '../domain/interaction-log.ts';
import type { Interaction, SourcedInteraction } from '../domain/model.ts';
import type { SessionStore } from '../ports/source.ts';
import type {
  ContactEraser,
  DecisionStore,
  ForgetResult,
  ProfileState,
  ProfileStore,
  RunChanges,
  RunRecord,
  SourceState,
  StoredDecision,
  WriteStats,
} from '../ports/store.ts';
import { ACTION_SK_PREFIX, AUDIT_SK_PREFIX, DynamoActionStore } from './dynamo-action-store.ts';
import { DynamoDecisionLedger, LEDGER_PREFIX } from './dynamo-decision-ledger.ts';
import { DynamoFiringStore } from './dynamo-firing-store.ts';
import { writeInBatches, type BatchWriteOptions, type DocWriteRequest, type RequestList } from './batch-writer.ts';
import {
  StoredClaim,
  StoredContact,
  StoredDecisionItem,
  StoredInteraction,
  StoredRunRecord,
  StoredSession,
  StoredSourceState,
  SharedStrings,
  parseItem,
} from './stored-items.ts';
import { SK_PREFIX, TTL_ATTRIBUTE, keys, monthsBetween, utcInstant } from './table-schema.ts';
import { dynamoFailure } from './dynamo-failure.ts';

type Item = Record<string, NativeAttributeValue>;

interface QuerySpec {
  pk: string;
  /** Sort keys starting with this. */
  prefix?: string;
  /** Sort keys at or after this. */
  from?: string;
  newestFirst?: boolean;
  limit?: number;
  /** Applied after the key condition (DynamoDB still reads what it filters out). */
  filter?: { expression: string; values: Item };
  /** Attributes to return; default all. */
  projection?: string[];
}

export interface DynamoStoreOptions {
  client: DynamoDBDocumentClient | DynamoDBClient;
  tableName: string;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Tuning of BatchWriteItem retries (attempts, delays, concurrency, jitter source). */
  batch?: Omit<BatchWriteOptions, 'sleep' | 'tableName'>;
}

const DAY_SECONDS = 86_400;
/** A completed claim is kept long enough to absorb any redelivery of its trigger. */
export const COMPLETED_CLAIM_TTL_SECONDS = 35 * DAY_SECONDS;
/** Interactions stamped a little ahead of the clock (clock skew between servers) must still be found. */
const FUTURE_MARGIN_MS = 2 * DAY_SECONDS * 1000;
/** Month buckets queried at once by `loadInteractions`. */
const BUCKET_QUERY_CONCURRENCY = 6;
/**
 * The longest `retentionDays` a config may set (shared/config/schema.ts). A run keeps only
 * interactions newer than its clock minus retentionDays, so none can be older than the
 * profile's first run minus this, whatever retention was configured back then.
 */
export const MAX_RETENTION_DAYS = 3650;

export class DynamoStore implements ProfileStore, SessionStore, DecisionStore, ContactEraser {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: () => Date;
  private readonly batchOptions: BatchWriteOptions;

  constructor(options: DynamoStoreOptions) {
    this.doc =
      options.client instanceof DynamoDBClient
        ? DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } })
        : options.client;
    this.tableName = options.tableName;
    this.clock = options.clock ?? (() => new Date());
    this.batchOptions = {
      ...options.batch,
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
      tableName: options.tableName,
    };
  }

  // ---- ProfileStore: reads ----

  async loadProfileState(profileId: string): Promise<ProfileState> {
    const pk = keys.profile(profileId);
    // One query per entity rather than one over the whole partition: run records
    // accumulate for years and only the latest is wanted here.
    // Contacts parsed page by page: 100,000 raw items alive at once would double what the run holds.
    const contacts: TrackedContact[] = [];
    // The timestamps and codes each item repeats, held once (a million contacts share a few dozen values).
    const shared = new SharedStrings();
    const [, sourceItems, decisionItems, lastRuns] = await Promise.all([
      this.queryPages({ pk, prefix: SK_PREFIX.contact }, (items) => {
        for (const item of items) contacts.push(shared.contact(this.parse(StoredContact, item)));
      }),
      this.queryAll({ pk, prefix: SK_PREFIX.source }),
      this.queryAll({ pk, prefix: SK_PREFIX.decision }),
      this.listRuns(profileId, 1),
    ]);
    return {
      contacts,
      sources: sourceItems.map((item) => this.parse(StoredSourceState, item)),
      decisions: decisionItems.map((item) => this.parse(StoredDecisionItem, item)),
      lastRun: lastRuns[0] ?? null,
    };
  }

  async loadSourceStates(profileId: string): Promise<SourceState[]> {
    const items = await this.queryAll({ pk: keys.profile(profileId), prefix: SK_PREFIX.source });
    return items.map((item) => this.parse(StoredSourceState, item));
  }

  async loadContacts(profileId: string, contactKeys: readonly string[]): Promise<Map<string, TrackedContact>> {
    // The decision page's batch read (BatchGetItem, 100 keys a call, unprocessed keys asked again): one reader of contacts by key.
    const found = await this.decisionLedger().findContacts(profileId, contactKeys);
    const out = new Map<string, TrackedContact>();
    for (const [key, contact] of found) if (contact !== null) out.set(key, contact);
    return out;
  }

  async loadInteractions(profileId: string, since: string, until?: string): Promise<(Interaction & { sourceId: string })[]> {
    return (await this.loadHistory(profileId, since, until)).toArray();
  }

  /**
   * Each month bucket's pages are parsed (zod) into that month's columns as
   * they arrive, so at most one page of raw items per bucket query is alive at
   * once; the months are joined in order at the end.
   */
  async loadHistory(profileId: string, since: string, until?: string): Promise<InteractionLog> {
    const from = utcInstant(since);
    // A run's clock can be ahead of the real one (--now, a manual `now`): read the months up to the later of both.
    const untilMs = until === undefined ? -Infinity : Date.parse(until);
    const horizon = new Date(Math.max(this.clock().getTime() + FUTURE_MARGIN_MS, untilMs + FUTURE_MARGIN_MS, Date.parse(from))).toISOString();
    const months = monthsBetween(from, horizon);
    const perMonth = await mapLimited(months, BUCKET_QUERY_CONCURRENCY, async (month) => {
      const log = new InteractionLog();
      await this.queryPages(
        {
          pk: keys.interactionBucket(profileId, month),
          // Sort keys start with the UTC instant, so this is `at >= since`.
          from,
        },
        (items) => {
          for (const item of items) log.push(this.parse(StoredInteraction, item), () => `item pk=${JSON.stringify(item['pk'])} sk=${JSON.stringify(item['sk'])}`);
        },
      );
      return log;
    });
    return perMonth.length === 1 && perMonth[0] !== undefined ? perMonth[0] : InteractionLog.concat(perMonth);
  }

  async listRuns(profileId: string, limit: number): Promise<RunRecord[]> {
    if (limit <= 0) return [];
    const items = await this.queryAll({ pk: keys.profile(profileId), prefix: SK_PREFIX.run, newestFirst: true, limit });
    return items.map((item) => this.parse(StoredRunRecord, item));
  }

  // ---- ProfileStore: writes ----

  async applyRun(profileId: string, changes: RunChanges, retentionDays: number, onProgress?: (written: number, total: number) => void): Promise<WriteStats> {
    if (!Number.isInteger(retentionDays) || retentionDays <= 0) {
      throw new Error(`applyRun: retentionDays must be a positive whole number of days, got ${retentionDays}`);
    }
    const pk = keys.profile(profileId);
    if (Number.isNaN(Date.parse(changes.run.at))) {
      throw new Error(`applyRun: run.at of run ${changes.run.runId} is not an ISO instant: ${JSON.stringify(changes.run.at)}`);
    }
    const contacts = new Requests();
    for (const contact of changes.contacts) {
      const sk = keys.contact(contact.sourceId, contact.id);
      // Made when its batch is sent: a first run writes 100,000 contacts, 90 MB of items if made at once.
      contacts.putLater({ pk, sk }, () => {
        const { reasons, ...stored } = contact;
        // The reasons of this run are what the next run reads as "previous".
        return { ...compact(stored), previousReasons: [...reasons], pk, sk, entity: 'contact' };
      });
    }
    const removed = new Requests();
    changes.removedContactKeys.forEach((key, index) => {
      const cut = key.indexOf(':');
      if (cut <= 0 || cut === key.length - 1) {
        throw new Error(`applyRun: removedContactKeys[${index}] is not "sourceId:contactId": ${JSON.stringify(key)}`);
      }
      removed.delete({ pk, sk: keys.contact(key.slice(0, cut), key.slice(cut + 1)) });
    });
    const retentionSeconds = retentionDays * DAY_SECONDS;
    const interactions = changes.interactions instanceof InteractionLog ? uniqueRows(changes.interactions) : uniqueInteractions(changes.interactions);
    const interactionItem = (interaction: SourcedInteraction): DocWriteRequest => ({
      PutRequest: {
        Item: {
          ...compact(interaction),
          pk: keys.interactionBucket(profileId, keys.month(interaction.at)),
          sk: keys.interaction(interaction.at, interaction.sourceId, interaction.id),
          entity: 'interaction',
          [TTL_ATTRIBUTE]: Math.floor(Date.parse(interaction.at) / 1000) + retentionSeconds,
        },
      },
    });
    const sources = new Requests();
    for (const source of changes.sources) {
      sources.put({ ...compact(source), pk, sk: keys.source(source.sourceId), entity: 'source' });
    }

    // Contacts and removals, then the interactions (their items made a batch at a time: a first run
    // writes a million), then the sources' state.
    const head = Requests.lazy([contacts, removed]);
    const tail = Requests.merge([sources]);
    const requests: RequestList = {
      length: head.length + interactions.length + tail.length,
      get: (i) => {
        if (i < head.length) return head.get(i);
        const j = i - head.length;
        return j < interactions.length ? interactionItem(interactionAt(interactions, j)) : (tail[j - interactions.length] as DocWriteRequest);
      },
    };
    const total = requests.length + 1;
    const written = await writeInBatches((batch) => this.sendBatch(batch), requests, {
      ...this.batchOptions,
      ...(onProgress ? { onProgress: (done: number) => onProgress(done, total) } : {}),
    });

    // Last, so a run record exists only when everything it describes is stored.
    await this.putItem({ ...compact(changes.run), pk, sk: keys.run(changes.run.at, changes.run.runId), entity: 'run' }, `run record ${changes.run.runId}`);

    onProgress?.(written + 1, total);
    return {
      contactsWritten: contacts.size,
      contactsRemoved: removed.size,
      interactionsWritten: interactions.length,
      sourcesWritten: sources.size,
      items: written + 1,
    };
  }

  async recordRun(profileId: string, run: RunRecord): Promise<void> {
    await this.putItem({ ...compact(run), pk: keys.profile(profileId), sk: keys.run(run.at, run.runId), entity: 'run' }, `run record ${run.runId}`);
  }

  /** Stores an owner decision (allow for ever, or snooze until a date) next to the config's allowlist. */
  async putDecision(profileId: string, decision: StoredDecision): Promise<void> {
    await this.putItem(
      { ...compact(decision), pk: keys.profile(profileId), sk: keys.decision(decision.contact), entity: 'decision' },
      `decision ${decision.contact}`,
    );
  }

  /** Forgets an owner decision; true when there was one. */
  async deleteDecision(profileId: string, contact: string): Promise<boolean> {
    try {
      const res = await this.doc.send(
        new DeleteCommand({ TableName: this.tableName, Key: { pk: keys.profile(profileId), sk: keys.decision(contact) }, ReturnValues: 'ALL_OLD' }),
      );
      return res.Attributes !== undefined;
    } catch (err) {
      throw this.failure(`deleteDecision ${profileId}/${contact}`, err);
    }
  }

  // ---- ContactEraser ----

  /**
   * Interactions live in month partitions keyed by time, not by contact, and a
   * partition cannot be listed without a Scan. The months that can hold any are
   * bounded by what the profile partition already says: nothing older than its
   * first run (or any source's tracking/history start) minus MAX_RETENTION_DAYS,
   * nothing newer than the latest run clock, pull or real clock (plus the skew
   * margin). Each of those buckets is queried with a filter on the contact, so
   * the cost is one read of the profile's stored interactions: fine for a rare
   * request, and no extra index item on every write.
   *
   * Deletes interactions and decisions first and the contact item last: if it
   * stops half-way, the contact still resolves and a second call finishes.
   */
  async forgetContact(profileId: string, target: { sourceId: string; contactId: string; decisions: string[] }): Promise<ForgetResult> {
    const pk = keys.profile(profileId);
    const contactSk = keys.contact(target.sourceId, target.contactId);
    const [contactItem, firstRuns, lastRuns, sourceItems] = await Promise.all([
      this.getItem(pk, contactSk, `contact ${profileId}/${target.sourceId}:${target.contactId}`),
      this.queryAll({ pk, prefix: SK_PREFIX.run, limit: 1 }),
      this.queryAll({ pk, prefix: SK_PREFIX.run, newestFirst: true, limit: 1 }),
      this.queryAll({ pk, prefix: SK_PREFIX.source }),
    ]);
    const instants = [
      ...firstRuns.map((r) => r['at']),
      ...lastRuns.flatMap((r) => [r['at'], r['finishedAt']]),
      ...sourceItems.flatMap((s) => [s['trackingSince'], s['historySince'], s['lastPullAt']]),
      contactItem?.['firstSeenAt'],
      contactItem?.['lastSeenAt'],
    ]
      .filter((v): v is string => typeof v === 'string')
      .map((v) => Date.parse(v))
      .filter((ms) => !Number.isNaN(ms));
    const nowMs = this.clock().getTime();
    const oldest = Math.min(nowMs, ...instants) - MAX_RETENTION_DAYS * DAY_SECONDS * 1000;
    const newest = Math.max(nowMs, ...instants) + FUTURE_MARGIN_MS;
    const months = monthsBetween(new Date(oldest).toISOString(), new Date(newest).toISOString());

    const perMonth = await mapLimited(months, BUCKET_QUERY_CONCURRENCY, (month) =>
      this.queryAll({
        pk: keys.interactionBucket(profileId, month),
        filter: { expression: 'sourceId = :source AND contactId = :contact', values: { ':source': target.sourceId, ':contact': target.contactId } },
        // Their ids and texts too: the owner's tone labels on their replies go with them.
        projection: ['pk', 'sk', 'id', 'text'],
      }),
    );
    const interactionKeys = perMonth.flat().map((item) => ({ pk: String(item['pk']), sk: String(item['sk']) }));
    const interactionMonths = months.filter((_, i) => (perMonth[i]?.length ?? 0) > 0);

    const decisionNames = [...new Set(target.decisions)];
    const decisionItems = await Promise.all(
      decisionNames.map((name) => this.getItem(pk, keys.decision(name), `decision ${profileId}/${name}`).then((item) => (item === undefined ? [] : [name]))),
    );
    const decisionKeys = decisionItems.flat().map((name) => ({ pk, sk: keys.decision(name) }));

    // What the act engine keeps about them: the page's confirmation (A#<key>), action requests (ACT#)
    // and their audit (AUD#, the contact key inside the JSON record, so read and matched here).
    const contactKey = `${target.sourceId}:${target.contactId}`;
    const [confirmedItem, requestItems, auditItems] = await Promise.all([
      this.getItem(pk, `${LEDGER_PREFIX.action}${contactKey}`, `confirmed action ${profileId}/${contactKey}`),
      this.queryAll({ pk, prefix: ACTION_SK_PREFIX, filter: { expression: 'contactKey = :key', values: { ':key': contactKey } }, projection: ['pk', 'sk'] }),
      this.queryAll({ pk, prefix: AUDIT_SK_PREFIX, projection: ['pk', 'sk', 'audit'] }),
    ]);
    const confirmedKeys = confirmedItem === undefined ? [] : [{ pk, sk: `${LEDGER_PREFIX.action}${contactKey}` }];
    const requestKeys = requestItems.map((item) => ({ pk: String(item['pk']), sk: String(item['sk']) }));
    const auditKeys = auditItems.filter((item) => auditNames(item['audit'], contactKey)).map((item) => ({ pk: String(item['pk']), sk: String(item['sk']) }));

    // The owner's "this is (not) criticism" labels on their replies, first: they are found through the interactions' texts.
    const labels = await this.toneLabelStore().deleteLabelsOf(profileId, {
      sourceId: target.sourceId,
      contactId: target.contactId,
      interactionIds: perMonth.flat().flatMap((item) => (typeof item['id'] === 'string' ? [item['id']] : [])),
      texts: perMonth.flat().flatMap((item) => (typeof item['text'] === 'string' && item['text'].trim() !== '' ? [item['text']] : [])),
    });

    const deletes = new Requests();
    for (const key of [...interactionKeys, ...decisionKeys, ...confirmedKeys, ...requestKeys, ...auditKeys]) deletes.delete(key);
    await writeInBatches((batch) => this.sendBatch(batch), Requests.merge([deletes]), this.batchOptions);
    // The parts finished firings left to expire by TTL hold every contact their pulls read.
    await this.firingStore().deleteFinishedStaging(profileId);
    // The source's fingerprints know this contact: without them its next pull stages the contact whole, as it
    // must (a contact staged as unchanged is filled in from the store, where it no longer is).
    await this.firingStore().dropFingerprints(profileId, [target.sourceId]);
    if (contactItem !== undefined) {
      try {
        await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk: contactSk } }));
      } catch (err) {
        throw this.failure(`DeleteItem contact ${target.sourceId}:${target.contactId}`, err);
      }
    }
    return {
      contact: contactItem !== undefined,
      interactions: interactionKeys.length,
      interactionMonths,
      decisions: decisionKeys.length,
      actions: confirmedKeys.length + requestKeys.length,
      audits: auditKeys.length,
      labels,
      monthsSearched: months.length,
    };
  }

  /** Confirmed actions and their audit (shared/store/dynamo-action-store.ts): the same table and client. */
  actionStore(): DynamoActionStore {
    return new DynamoActionStore({ client: this.doc, tableName: this.tableName });
  }

  /** The owner's "this is (not) criticism" labels (shared/store/dynamo-tone-label-store.ts): the same table and client. */
  toneLabelStore(): DynamoToneLabelStore {
    return new DynamoToneLabelStore({ client: this.doc, tableName: this.tableName });
  }

  /** The decision page's ledger (used links, confirmed actions): the same table and client. */
  decisionLedger(): DynamoDecisionLedger {
    return new DynamoDecisionLedger({ client: this.doc, tableName: this.tableName, clock: this.clock });
  }

  /** Where a firing keeps its progress and staged pages between pull steps: the same table and client. */
  firingStore(): DynamoFiringStore {
    return new DynamoFiringStore({ client: this.doc, tableName: this.tableName, clock: this.clock });
  }

  // ---- ProfileStore: run claims ----

  async claimRun(profileId: string, runKey: string, ttlSeconds: number): Promise<boolean> {
    const now = this.clock();
    const nowEpoch = Math.floor(now.getTime() / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: keys.profile(profileId),
            sk: keys.claim(runKey),
            entity: 'claim',
            status: 'running',
            claimedAt: now.toISOString(),
            [TTL_ATTRIBUTE]: nowEpoch + ttlSeconds,
          },
          // TTL deletes lag by up to days, so an expired claim must be claimable before it is gone.
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': nowEpoch },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw this.failure(`claimRun ${profileId}/${runKey}`, err);
    }
  }

  async completeRun(profileId: string, runKey: string, runId: string): Promise<void> {
    const now = this.clock();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.profile(profileId), sk: keys.claim(runKey) },
          UpdateExpression: 'SET #status = :done, runId = :runId, completedAt = :now, #ttl = :expires, entity = :entity',
          ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':runId': runId,
            ':now': now.toISOString(),
            ':expires': Math.floor(now.getTime() / 1000) + COMPLETED_CLAIM_TTL_SECONDS,
            ':entity': 'claim',
          },
        }),
      );
    } catch (err) {
      throw this.failure(`completeRun ${profileId}/${runKey}`, err);
    }
  }

  async releaseRun(profileId: string, runKey: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({ TableName: this.tableName, Key: { pk: keys.profile(profileId), sk: keys.claim(runKey) } }),
      );
    } catch (err) {
      throw this.failure(`releaseRun ${profileId}/${runKey}`, err);
    }
  }

  /** The stored claim, for diagnostics and tests; null when there is none. */
  async getClaim(profileId: string, runKey: string): Promise<{ status: 'running' | 'done'; expiresAt: number; runId?: string } | null> {
    const item = await this.getItem(keys.profile(profileId), keys.claim(runKey), `claim ${profileId}/${runKey}`);
    return item === undefined ? null : this.parse(StoredClaim, item);
  }

  // ---- SessionStore ----

  async get(key: string): Promise<string | undefined> {
    const item = await this.getItem(keys.session(key), keys.sessionSort, `session ${key}`);
    return item === undefined ? undefined : this.parse(StoredSession, item).value;
  }

  async put(key: string, value: string): Promise<void> {
    // The value is a secret: errors name the key only.
    await this.putItem({ pk: keys.session(key), sk: keys.sessionSort, entity: 'session', value }, `session ${key}`);
  }

  // ---- plumbing ----

  private async putItem(item: Item, what: string): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
    } catch (err) {
      throw this.failure(`PutItem ${what}`, err);
    }
  }

  private async getItem(pk: string, sk: string, what: string): Promise<Item | undefined> {
    try {
      const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }));
      return out.Item;
    } catch (err) {
      throw this.failure(`GetItem ${what}`, err);
    }
  }

  private async sendBatch(batch: DocWriteRequest[]): Promise<DocWriteRequest[]> {
    const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: batch } }));
    return (out.UnprocessedItems?.[this.tableName] ?? []) as DocWriteRequest[];
  }

  /** Every matching item of one partition, following LastEvaluatedKey past the 1 MB page limit. */
  private async queryAll(query: QuerySpec): Promise<Item[]> {
    const items: Item[] = [];
    await this.queryPages(query, (page) => {
      // Not push(...page): a page can hold more items than a call takes arguments.
      for (const item of page) items.push(item);
    });
    return items;
  }

  /** Like queryAll, handing each page over as it arrives (and keeping none). */
  private async queryPages(query: QuerySpec, onPage: (items: Item[]) => void): Promise<void> {
    const values: Item = { ':pk': query.pk, ...query.filter?.values };
    let condition = 'pk = :pk';
    if (query.prefix !== undefined) {
      condition += ' AND begins_with(sk, :sk)';
      values[':sk'] = query.prefix;
    } else if (query.from !== undefined) {
      condition += ' AND sk >= :sk';
      values[':sk'] = query.from;
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: condition,
      ExpressionAttributeValues: values,
      ScanIndexForward: query.newestFirst !== true,
      ConsistentRead: true,
      ...(query.filter !== undefined ? { FilterExpression: query.filter.expression } : {}),
      ...(query.projection !== undefined
        ? {
            ProjectionExpression: query.projection.map((_, i) => `#p${i}`).join(', '),
            ExpressionAttributeNames: Object.fromEntries(query.projection.map((name, i) => [`#p${i}`, name])),
          }
        : {}),
    };
    let startKey: Item | undefined;
    let seen = 0;
    do {
      const remaining = query.limit === undefined ? undefined : query.limit - seen;
      let page;
      try {
        page = await this.doc.send(
          new QueryCommand({ ...input, ...(remaining === undefined ? {} : { Limit: remaining }), ExclusiveStartKey: startKey }),
        );
      } catch (err) {
        throw this.failure(`Query pk=${query.pk}${query.prefix !== undefined ? ` sk^=${query.prefix}` : ''}`, err);
      }
      const items = page.Items ?? [];
      seen += items.length;
      onPage(items);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && (query.limit === undefined || seen < query.limit));
  }

  private parse<S extends z.ZodType>(schema: S, item: Item): z.infer<S> {
    return parseItem(schema, item, this.tableName);
  }

  private failure(operation: string, err: unknown): Error {
    return dynamoFailure(this.tableName, operation, err);
  }
}

/** Write requests keyed by pk+sk: a batch may not name the same key twice, and the last write wins anyway. */
class Requests {
  private readonly byKey = new Map<string, DocWriteRequest | (() => DocWriteRequest)>();

  put(item: Item): void {
    this.byKey.set(`${String(item['pk'])}\u0000${String(item['sk'])}`, { PutRequest: { Item: item } });
  }

  /** A put whose item is made only when it is asked for (`lazy`), each time it is. */
  putLater(key: { pk: string; sk: string }, item: () => Item): void {
    this.byKey.set(`${key.pk}\u0000${key.sk}`, () => ({ PutRequest: { Item: item() } }));
  }

  delete(key: { pk: string; sk: string }): void {
    this.byKey.set(`${key.pk}\u0000${key.sk}`, { DeleteRequest: { Key: key } });
  }

  get size(): number {
    return this.byKey.size;
  }

  static merge(groups: Requests[]): DocWriteRequest[] {
    return Requests.pending(groups).map(made);
  }

  /** As `merge`, the puts given to `putLater` made as each is asked for. */
  static lazy(groups: Requests[]): RequestList {
    const pending = Requests.pending(groups);
    return { length: pending.length, get: (i) => made(pending[i] as DocWriteRequest | (() => DocWriteRequest)) };
  }

  private static pending(groups: Requests[]): (DocWriteRequest | (() => DocWriteRequest))[] {
    const merged = new Map<string, DocWriteRequest | (() => DocWriteRequest)>();
    for (const group of groups) for (const [key, request] of group.byKey) merged.set(key, request);
    return [...merged.values()];
  }
}

function made(request: DocWriteRequest | (() => DocWriteRequest)): DocWriteRequest {
  return typeof request === 'function' ? request() : request;
}

/**
 * The interactions to write, each key (source, id, instant) once, the last given winning as a
 * rewrite of the same item would; checks every instant first, so a bad one stops the run before
 * anything is written. Seen keys are held in nested maps of the interactions' own strings (no key
 * string made per interaction: a first run has a million).
 */
function uniqueInteractions(all: readonly SourcedInteraction[]): SourcedInteraction[] {
  // The key holds the instant in UTC, so two spellings of one instant are one key.
  const instants = new Float64Array(all.length);
  all.forEach((interaction, index) => {
    const ms = Date.parse(interaction.at);
    if (Number.isNaN(ms)) {
      throw new Error(
        `applyRun: interactions[${index}] (source ${interaction.sourceId}, id ${JSON.stringify(interaction.id)}) has no valid "at": ${JSON.stringify(interaction.at)}`,
      );
    }
    instants[index] = ms;
  });
  const seen = new Map<string, Map<string, number | number[]>>();
  const firstFromTheEnd = (i: SourcedInteraction, ms: number): boolean => {
    let ids = seen.get(i.sourceId);
    if (ids === undefined) seen.set(i.sourceId, (ids = new Map()));
    const at = ids.get(i.id);
    if (at === undefined) {
      ids.set(i.id, ms);
      return true;
    }
    const ats = typeof at === 'number' ? [at] : at;
    if (ats.includes(ms)) return false;
    ids.set(i.id, [...ats, ms]);
    return true;
  };
  const unique: SourcedInteraction[] = [];
  for (let k = all.length - 1; k >= 0; k--) {
    const interaction = all[k];
    if (interaction !== undefined && firstFromTheEnd(interaction, instants[k] ?? Number.NaN)) unique.push(interaction);
  }
  return unique.reverse();
}

/** The interactions to write from columns: the log's rows (each made an object only when its batch is sent). */
interface LogRows {
  readonly length: number;
  get(j: number): SourcedInteraction;
}

const interactionAt = (interactions: SourcedInteraction[] | LogRows, j: number): SourcedInteraction =>
  Array.isArray(interactions) ? (interactions[j] as SourcedInteraction) : interactions.get(j);

/**
 * `uniqueInteractions` for columns: the same rows kept (each key once, the last given winning), found by
 * sorting row numbers by (source, id, instant) instead of a map of a million keys; the kept rows keep
 * their order.
 */
function uniqueRows(log: InteractionLog): LogRows {
  const n = log.length;
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  const sourceOf = (k: number): string => log.sourceIdOfParty(log.partyAt(k));
  order.sort((a, b) => {
    const sa = sourceOf(a);
    const sb = sourceOf(b);
    if (sa !== sb) return sa < sb ? -1 : 1;
    const ia = log.idAt(a);
    const ib = log.idAt(b);
    if (ia !== ib) return ia < ib ? -1 : 1;
    const ma = log.atMsAt(a);
    const mb = log.atMsAt(b);
    return ma !== mb ? ma - mb : a - b;
  });
  let dropped: Uint8Array | undefined;
  let kept = n;
  for (let j = 0; j + 1 < n; j++) {
    const a = order[j] ?? 0;
    const b = order[j + 1] ?? 0;
    if (log.atMsAt(a) === log.atMsAt(b) && log.idAt(a) === log.idAt(b) && sourceOf(a) === sourceOf(b)) {
      // Equal keys sort by row: the later row is the one kept.
      dropped ??= new Uint8Array(n);
      dropped[a] = 1;
      kept -= 1;
    }
  }
  if (dropped === undefined) return { length: n, get: (j) => log.get(j) };
  const rows = new Int32Array(kept);
  for (let k = 0, j = 0; k < n; k++) if (dropped[k] !== 1) rows[j++] = k;
  return { length: kept, get: (j) => log.get(rows[j] ?? 0) };
}

/** Drops undefined values (DynamoDB rejects them) from plain data, at any depth. */
function compact<T extends object>(value: T): Item {
  return compactValue(value) as Item;
}

function compactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compactValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = compactValue(v);
    return out;
  }
  return value;
}

function isConditionalCheckFailed(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err instanceof Error && err.name === 'ConditionalCheckFailedException');
}

async function mapLimited<T, R>(inputs: readonly T[], limit: number, fn: (input: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(inputs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const index = next;
      next += 1;
      results[index] = await fn(inputs[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}

/** An audit record (a JSON string) about this contact; an unreadable one is kept, not guessed at. */
function auditNames(audit: unknown, contactKey: string): boolean {
  if (typeof audit !== 'string') return false;
  try {
    const parsed: unknown = JSON.parse(audit);
    return typeof parsed === 'object' && parsed !== null && 'contactKey' in parsed && parsed.contactKey === contactKey;
  } catch {
    return false;
  }
}
