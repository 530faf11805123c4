/**
 * The DynamoDB adapter of the `ActionStore` port, in the profile's partition:
 *
 *   entity            pk             sk                                   access pattern
 *   action request    P#<profile>    ACT#<actionId>                       get by id; list: begins_with ACT#
 *   action audit      P#<profile>    AUD#<at, UTC ISO>#<actionId>#<n>     listAudits(since): sk range, oldest first
 *   acting lease      P#<profile>    GATE#lease                           one actor at a time: conditional put / update / delete
 *   acting window     P#<profile>    GATE#window                          cap and pacing across requests: versioned conditional put
 *
 * `loadProfileState` queries its own prefixes (C#, S#, D#, R#), so these items
 * never slow a run down. A request's status moves by conditional update only:
 * two applies (the page's POST and the CLI) cannot both claim one action.
 *
 * The lease item holds its owner and `leaseUntil` (epoch ms, compared in the
 * condition) and a TTL a day later, so a lease left by a killed process ends
 * by itself and disappears. The window item is rewritten whole under a
 * version condition: reading it, deciding (cap, pacing) and writing it back
 * is a compare-and-swap, so a slot is reserved at most once whoever races.
 */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { ActionAudit, ActionRequest, ActionStatus, ActionStore, ActWindow } from '../ports/action-store.ts';
import { keys, TTL_ATTRIBUTE, utcInstant } from './table-schema.ts';
import { dynamoFailure, sendToDynamo } from './dynamo-failure.ts';

type Item = Record<string, NativeAttributeValue>;

export const ACTION_SK_PREFIX = 'ACT#';
export const AUDIT_SK_PREFIX = 'AUD#';
export const GATE_SK = { lease: 'GATE#lease', window: 'GATE#window' } as const;
/** A lease nobody renewed is deleted by TTL a day after it ran out. */
const LEASE_TTL_SLACK_SECONDS = 86_400;

const StoredWindow = z.object({
  recent: z.array(z.string()).max(1000),
  lastAt: z.string().optional(),
  version: z.number().int().min(1),
});

const Confirmation = z.object({ kind: z.enum(['link', 'cli']), ref: z.string() });
const Status = z.enum(['pending', 'acting', 'done', 'skipped', 'failed']);

const StoredRequest = z.object({
  id: z.string().min(1),
  profileId: z.string().min(1),
  contactKey: z.string().min(1),
  handle: z.string(),
  action: z.enum(['unfollow', 'follow']),
  reportAt: z.string(),
  confirmedAt: z.string(),
  confirmation: Confirmation,
  status: Status,
  undoOf: z.string().optional(),
  updatedAt: z.string(),
  detail: z.string().optional(),
});

const StoredAudit = z.object({
  actionId: z.string().min(1),
  profileId: z.string().min(1),
  contactKey: z.string(),
  handle: z.string(),
  at: z.string(),
  what: z.enum(['unfollow', 'follow']),
  outcome: z.enum(['done', 'already', 'skipped', 'failed', 'not_enabled']),
  reason: z.string().optional(),
  platformAnswer: z.object({ status: z.number().int().optional(), summary: z.string() }).optional(),
  confirmation: Confirmation,
  undoOf: z.string().optional(),
});

const REQUEST_FIELDS = ['id', 'profileId', 'contactKey', 'handle', 'action', 'reportAt', 'confirmedAt', 'confirmation', 'status', 'undoOf', 'updatedAt', 'detail'] as const;

export interface DynamoActionStoreOptions {
  client: DynamoDBDocumentClient | DynamoDBClient;
  tableName: string;
}

export class DynamoActionStore implements ActionStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoActionStoreOptions) {
    this.doc = options.client instanceof DynamoDBDocumentClient ? options.client : DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
  }

  async putActionRequest(request: ActionRequest): Promise<boolean> {
    const item: Item = { pk: keys.profile(request.profileId), sk: `${ACTION_SK_PREFIX}${request.id}`, entity: 'action', ...pick(request) };
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(sk)' }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw this.failure(`PutItem action ${request.profileId}/${request.id}`, err);
    }
  }

  async getActionRequest(profileId: string, id: string): Promise<ActionRequest | null> {
    const out = await this.send(`GetItem action ${profileId}/${id}`, () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.profile(profileId), sk: `${ACTION_SK_PREFIX}${id}` }, ConsistentRead: true })),
    );
    return out.Item === undefined ? null : this.parseRequest(out.Item);
  }

  async listActionRequests(profileId: string, status?: ActionStatus): Promise<ActionRequest[]> {
    const items = await this.query(profileId, 'begins_with(sk, :from)', { ':from': ACTION_SK_PREFIX });
    return items
      .map((item) => this.parseRequest(item))
      .filter((r) => status === undefined || r.status === status)
      .sort((a, b) => a.confirmedAt.localeCompare(b.confirmedAt) || a.id.localeCompare(b.id));
  }

  async transitionAction(profileId: string, id: string, from: ActionStatus, to: ActionStatus, updatedAt: string, detail?: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.profile(profileId), sk: `${ACTION_SK_PREFIX}${id}` },
          UpdateExpression: detail === undefined ? 'SET #status = :to, updatedAt = :at' : 'SET #status = :to, updatedAt = :at, detail = :detail',
          ConditionExpression: 'attribute_exists(sk) AND #status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':to': to, ':from': from, ':at': updatedAt, ...(detail === undefined ? {} : { ':detail': detail }) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw this.failure(`UpdateItem action ${profileId}/${id}`, err);
    }
  }

  async appendAudit(audit: ActionAudit): Promise<void> {
    // The random tail keeps two audits of one action in the same millisecond apart.
    const sk = `${AUDIT_SK_PREFIX}${utcInstant(audit.at)}#${audit.actionId}#${randomBytes(3).toString('hex')}`;
    const item: Item = { pk: keys.profile(audit.profileId), sk, entity: 'action-audit', audit: JSON.stringify(audit) };
    await this.send(`PutItem audit ${audit.profileId}/${audit.actionId}`, () => this.doc.send(new PutCommand({ TableName: this.tableName, Item: item })));
  }

  async listAudits(profileId: string, since?: string): Promise<ActionAudit[]> {
    const from = since === undefined ? AUDIT_SK_PREFIX : `${AUDIT_SK_PREFIX}${utcInstant(since)}`;
    const items = await this.query(profileId, 'sk BETWEEN :from AND :to', { ':from': from, ':to': `${AUDIT_SK_PREFIX}\uffff` });
    return items.map((item) => {
      const parsed = StoredAudit.safeParse(JSON.parse(String(item['audit'])));
      if (!parsed.success) throw new Error(`an action audit of profile ${profileId} is unreadable: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return stripUndefined(parsed.data) as ActionAudit;
    });
  }

  async takeActLease(profileId: string, owner: string, nowIso: string, untilIso: string): Promise<boolean> {
    const until = Date.parse(untilIso);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.profile(profileId), sk: GATE_SK.lease, entity: 'act-lease', leaseOwner: owner, leaseUntil: until, [TTL_ATTRIBUTE]: Math.ceil(until / 1000) + LEASE_TTL_SLACK_SECONDS },
          ConditionExpression: 'attribute_not_exists(sk) OR leaseUntil <= :now OR leaseOwner = :owner',
          ExpressionAttributeValues: { ':now': Date.parse(nowIso), ':owner': owner },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw this.failure(`PutItem acting lease ${profileId}`, err);
    }
  }

  async renewActLease(profileId: string, owner: string, untilIso: string): Promise<boolean> {
    const until = Date.parse(untilIso);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.profile(profileId), sk: GATE_SK.lease },
          UpdateExpression: 'SET leaseUntil = :until, #ttl = :ttl',
          ConditionExpression: 'attribute_exists(sk) AND leaseOwner = :owner',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':until': until, ':ttl': Math.ceil(until / 1000) + LEASE_TTL_SLACK_SECONDS, ':owner': owner },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw this.failure(`UpdateItem acting lease ${profileId}`, err);
    }
  }

  async releaseActLease(profileId: string, owner: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: keys.profile(profileId), sk: GATE_SK.lease },
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) return; // taken over after it ran out: not ours to delete
      throw this.failure(`DeleteItem acting lease ${profileId}`, err);
    }
  }

  async getActWindow(profileId: string): Promise<ActWindow> {
    const out = await this.send(`GetItem acting window ${profileId}`, () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.profile(profileId), sk: GATE_SK.window }, ConsistentRead: true })),
    );
    if (out.Item === undefined) return { recent: [], version: 0 };
    const parsed = StoredWindow.safeParse(out.Item);
    if (!parsed.success) throw new Error(`the acting window of profile ${profileId} is unreadable: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return { recent: parsed.data.recent, version: parsed.data.version, ...(parsed.data.lastAt !== undefined ? { lastAt: parsed.data.lastAt } : {}) };
  }

  async putActWindow(profileId: string, next: ActWindow, expectedVersion: number): Promise<boolean> {
    const item: Item = { pk: keys.profile(profileId), sk: GATE_SK.window, entity: 'act-window', recent: next.recent, version: next.version, ...(next.lastAt !== undefined ? { lastAt: next.lastAt } : {}) };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(sk)' }
            : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw this.failure(`PutItem acting window ${profileId}`, err);
    }
  }

  private parseRequest(item: Item): ActionRequest {
    const parsed = StoredRequest.safeParse(item);
    if (!parsed.success) throw new Error(`the stored action ${String(item['sk'])} is unreadable: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return stripUndefined(parsed.data) as ActionRequest;
  }

  private async query(profileId: string, condition: string, values: Record<string, string>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, NativeAttributeValue> | undefined;
    do {
      const out = await this.send(`Query actions ${profileId}`, () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: `pk = :pk AND ${condition}`,
            ExpressionAttributeValues: { ':pk': keys.profile(profileId), ...values },
            ConsistentRead: true,
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

function pick(request: ActionRequest): Item {
  const out: Item = {};
  for (const key of REQUEST_FIELDS) if (request[key] !== undefined) out[key] = request[key];
  return out;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function isConditionFailure(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err instanceof Error && err.name === 'ConditionalCheckFailedException');
}
