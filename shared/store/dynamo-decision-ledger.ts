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
 * the page runs itself when a profile has `act.enabled`.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { ReasonCode, TrackedContact } from '../domain/analysis-types.ts';
import { IsoInstant } from '../domain/model.ts';
import type { ConfirmedAction, DecisionLedger } from '../ports/store.ts';
import { parseItem, StoredContact } from './stored-items.ts';
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
});

export interface DynamoDecisionLedgerOptions {
  client: DynamoDBClient | DynamoDBDocumentClient;
  tableName: string;
  clock?: () => Date;
}

export class DynamoDecisionLedger implements DecisionLedger {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: () => Date;

  constructor(options: DynamoDecisionLedgerOptions) {
    this.doc = options.client instanceof DynamoDBClient ? DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } }) : options.client;
    this.tableName = options.tableName;
    this.clock = options.clock ?? (() => new Date());
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
        out.push({ key: a.key, action: a.action, confirmedAt: a.confirmedAt, ...(a.reportAt !== undefined ? { reportAt: a.reportAt } : {}), tokenId: a.tokenId, status: a.status, ...(a.doneAt !== undefined ? { doneAt: a.doneAt } : {}), ...(a.detail !== undefined ? { detail: a.detail } : {}) });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return out;
  }

  async findContact(profileId: string, key: string): Promise<(TrackedContact & { previousReasons?: ReasonCode[] }) | null> {
    // Source ids are slugs (no colon); contact ids may hold colons (Bluesky DIDs): split at the first one.
    const colon = key.indexOf(':');
    if (colon <= 0 || colon === key.length - 1) return null;
    const item = await this.get(keys.profile(profileId), keys.contact(key.slice(0, colon), key.slice(colon + 1)), 'contact');
    return item === undefined ? null : parseItem(StoredContact, item, this.tableName);
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
