/**
 * The decision page's items in the single table, beside the profile's others:
 *
 *   entity            pk               sk                          TTL
 *   used link         P#<profile>      T#<jti>                     the link's expiry
 *   confirmed action  P#<profile>      A#<sourceId>:<contactId>    none (the act engine settles it; forget deletes it)
 *
 * A link is used once: `consumeToken` is a conditional put of its id. A
 * confirmed action carries `reportAt`, the link's issue time (the report it
 * came from), so the act engine's "engaged since the report" re-check counts
 * from there. With acting off the decision page's Lambda needs only GetItem,
 * PutItem, DeleteItem on the table (see infra/constructs/decision-endpoint.ts);
 * `listConfirmedActions` (Query) is for the report and the act engine, which
 * the page runs itself when a profile has `act.enabled`. The page reads a link's
 * contacts with one BatchGetItem (`findContacts`), so it also needs that.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { ReasonCode, TrackedContact } from '../domain/analysis-types.ts';
import { IsoInstant } from '../domain/model.ts';
import { SuggestedFor } from '../domain/suggestions.ts';
import type { ConfirmedAction, DecisionLedger } from '../ports/store.ts';
import { CorruptItemError, parseItem, StoredContact } from './stored-items.ts';
import { keys, TTL_ATTRIBUTE } from './table-schema.ts';
import { dynamoFailure } from './dynamo-failure.ts';

export const LEDGER_PREFIX = { token: 'T#', action: 'A#' } as const;

const StoredAction = z.object({
  key: z.string().min(1),
  action: z.enum(['unfollow', 'follow_back']),
  confirmedAt: IsoInstant,
  reportAt: IsoInstant.optional(),
  tokenId: z.string().min(1),
  status: z.enum(['pending', 'done', 'failed', 'skipped']),
  doneAt: IsoInstant.optional(),
  detail: z.string().optional(),
  /** Checked by the act engine, not here: a row without a valid one is listed and refused there. */
  mac: z.string().max(200).optional(),
  /** What the report suggested the contact for (optional: items stored before issue 19 have none). */
  suggestedFor: SuggestedFor.optional(),
});

/** BatchGetItem takes at most 100 keys a call. */
export const BATCH_GET_MAX_KEYS = 100;
/** Calls for the keys DynamoDB left unprocessed (throttling), backing off, before giving up. */
const UNPROCESSED_RETRIES = 6;

type FoundContact = TrackedContact & { previousReasons?: ReasonCode[] };

export interface DynamoDecisionLedgerOptions {
  client: DynamoDBClient | DynamoDBDocumentClient;
  tableName: string;
  clock?: () => Date;
  /** Where an unreadable stored contact is reported (the page then shows it as unknown). Default: console.warn. */
  warn?: (message: string, extra: Record<string, unknown>) => void;
  /** Waits between retries of unprocessed keys; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export class DynamoDecisionLedger implements DecisionLedger {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: () => Date;
  private readonly warn: (message: string, extra: Record<string, unknown>) => void;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: DynamoDecisionLedgerOptions) {
    this.doc = options.client instanceof DynamoDBClient ? DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } }) : options.client;
    this.tableName = options.tableName;
    this.clock = options.clock ?? (() => new Date());
    this.warn = options.warn ?? ((message, extra) => console.warn(`${message} ${JSON.stringify(extra)}`));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async consumeToken(profileId: string, tokenId: string, expiresAtEpochSeconds: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.profile(profileId), sk: `${LEDGER_PREFIX.token}${tokenId}`, entity: 'used-link', usedAt: this.clock().toISOString(), [TTL_ATTRIBUTE]: expiresAtEpochSeconds },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw this.failure('PutItem used link', err);
    }
  }

  async releaseToken(profileId: string, tokenId: string): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: keys.profile(profileId), sk: `${LEDGER_PREFIX.token}${tokenId}` } }));
    } catch (err) {
      throw this.failure('DeleteItem used link', err);
    }
  }

  async isTokenUsed(profileId: string, tokenId: string): Promise<boolean> {
    return (await this.get(keys.profile(profileId), `${LEDGER_PREFIX.token}${tokenId}`, 'used link')) !== undefined;
  }

  async putConfirmedAction(profileId: string, action: ConfirmedAction): Promise<void> {
    const item = Object.fromEntries(Object.entries(action).filter(([, v]) => v !== undefined));
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...item, pk: keys.profile(profileId), sk: `${LEDGER_PREFIX.action}${action.key}`, entity: 'confirmed-action' } }));
    } catch (err) {
      throw this.failure('PutItem confirmed action', err);
    }
  }

  async listConfirmedActions(profileId: string): Promise<ConfirmedAction[]> {
    const out: ConfirmedAction[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      let page;
      try {
        page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
            ExpressionAttributeValues: { ':pk': keys.profile(profileId), ':sk': LEDGER_PREFIX.action },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (err) {
        throw this.failure('Query confirmed actions', err);
      }
      for (const item of page.Items ?? []) {
        const a = parseItem(StoredAction, item, this.tableName);
        out.push({ key: a.key, action: a.action, confirmedAt: a.confirmedAt, ...(a.reportAt !== undefined ? { reportAt: a.reportAt } : {}), tokenId: a.tokenId, status: a.status, ...(a.doneAt !== undefined ? { doneAt: a.doneAt } : {}), ...(a.detail !== undefined ? { detail: a.detail } : {}), ...(a.mac !== undefined ? { mac: a.mac } : {}), ...(a.suggestedFor !== undefined ? { suggestedFor: a.suggestedFor } : {}) });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return out;
  }

  async findContact(profileId: string, key: string): Promise<FoundContact | null> {
    const sk = contactSortKey(key);
    if (sk === undefined) return null;
    const item = await this.get(keys.profile(profileId), sk, 'contact');
    return item === undefined ? null : this.readContact(item, key);
  }

  async findContacts(profileId: string, contactKeys: readonly string[]): Promise<Map<string, FoundContact | null>> {
    const found = new Map<string, FoundContact | null>(contactKeys.map((key) => [key, null]));
    // One request key per distinct sort key (BatchGetItem refuses duplicates); several link keys could name one.
    const bySk = new Map<string, string[]>();
    for (const key of found.keys()) {
      const sk = contactSortKey(key);
      if (sk !== undefined) bySk.set(sk, [...(bySk.get(sk) ?? []), key]);
    }
    const pk = keys.profile(profileId);
    const sortKeys = [...bySk.keys()];
    for (let i = 0; i < sortKeys.length; i += BATCH_GET_MAX_KEYS) {
      const items = await this.batchGet(sortKeys.slice(i, i + BATCH_GET_MAX_KEYS).map((sk) => ({ pk, sk })));
      for (const item of items) {
        const sk = item['sk'];
        for (const key of typeof sk === 'string' ? (bySk.get(sk) ?? []) : []) found.set(key, this.readContact(item, key));
      }
    }
    return found;
  }

  /** The items of these keys (at most 100), asking again for the ones DynamoDB leaves unprocessed. */
  private async batchGet(requestKeys: { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = requestKeys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > UNPROCESSED_RETRIES) throw this.failure('BatchGetItem contacts', new Error(`${pending.length} keys still unprocessed after ${UNPROCESSED_RETRIES} retries`));
      if (attempt > 0) await this.sleep(Math.min(1_000, 25 * 2 ** attempt));
      let page;
      try {
        page = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
      } catch (err) {
        throw this.failure('BatchGetItem contacts', err);
      }
      items.push(...(page.Responses?.[this.tableName] ?? []));
      pending = page.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return items;
  }

  /** A stored contact, or null (logged) when the item does not parse: the page shows it as an unknown contact. */
  private readContact(item: Record<string, unknown>, key: string): FoundContact | null {
    try {
      return parseItem(StoredContact, item, this.tableName);
    } catch (err) {
      if (!(err instanceof CorruptItemError)) throw err;
      this.warn('stored contact unreadable; shown as unknown', { contact: key, problem: err.message });
      return null;
    }
  }

  private async get(pk: string, sk: string, what: string): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }))).Item;
    } catch (err) {
      throw this.failure(`GetItem ${what}`, err);
    }
  }

  private failure(operation: string, err: unknown): Error {
    return dynamoFailure(this.tableName, operation, err);
  }
}

/** The contact's sort key from a link key `sourceId:contactId`, or undefined when it is not one. */
function contactSortKey(key: string): string | undefined {
  // Source ids are slugs (no colon); contact ids may hold colons (Bluesky DIDs): split at the first one.
  const colon = key.indexOf(':');
  if (colon <= 0 || colon === key.length - 1) return undefined;
  return keys.contact(key.slice(0, colon), key.slice(colon + 1));
}
