/**
 * The owner's tone labels in the single table, beside the decisions:
 *
 *   entity       pk             sk              TTL
 *   tone label   P#<profile>    TL#<ref>        none (the owner removes it with `followback label --remove`)
 *
 * `TL#` shares no prefix with the profile's other sort keys (`T#` used links,
 * `L#` run claims), so no existing query reads these items. No schema change:
 * the same pk/sk string keys.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { IsoInstant } from '../domain/model.ts';
import { TONE_LABELS, type ToneLabel, type ToneLabelStore } from '../ports/tone-labels.ts';
import { dynamoFailure } from './dynamo-failure.ts';
import { parseItem } from './stored-items.ts';
import { keys } from './table-schema.ts';

export const TONE_LABEL_PREFIX = 'TL#';
export const LABEL_TEXT_MAX = 1_000;

export const StoredToneLabel = z.object({
  ref: z.string().min(1).max(1_100),
  sourceId: z.string().min(1).optional(),
  interactionId: z.string().min(1).optional(),
  textHash: z.string().min(1).max(64).optional(),
  text: z.string().max(LABEL_TEXT_MAX).optional(),
  truncated: z.boolean().optional(),
  label: z.enum(TONE_LABELS),
  at: IsoInstant,
  by: z.enum(['cli', 'page']),
});

export interface DynamoToneLabelStoreOptions {
  client: DynamoDBClient | DynamoDBDocumentClient;
  tableName: string;
}

export class DynamoToneLabelStore implements ToneLabelStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoToneLabelStoreOptions) {
    this.doc = options.client instanceof DynamoDBClient ? DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } }) : options.client;
    this.tableName = options.tableName;
  }

  async putLabel(profileId: string, label: ToneLabel): Promise<void> {
    const parsed = StoredToneLabel.parse(label);
    const item = Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined));
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...item, pk: keys.profile(profileId), sk: `${TONE_LABEL_PREFIX}${label.ref}`, entity: 'tone-label' } }));
    } catch (err) {
      throw dynamoFailure(this.tableName, 'PutItem tone label', err);
    }
  }

  async listLabels(profileId: string): Promise<ToneLabel[]> {
    const out: ToneLabel[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      let page;
      try {
        page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
            ExpressionAttributeValues: { ':pk': keys.profile(profileId), ':sk': TONE_LABEL_PREFIX },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (err) {
        throw dynamoFailure(this.tableName, 'Query tone labels', err);
      }
      for (const item of page.Items ?? []) {
        const l = parseItem(StoredToneLabel, item, this.tableName);
        out.push(Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as unknown as ToneLabel);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return out;
  }

  async deleteLabel(profileId: string, ref: string): Promise<boolean> {
    try {
      const out = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: keys.profile(profileId), sk: `${TONE_LABEL_PREFIX}${ref}` }, ReturnValues: 'ALL_OLD' }));
      return out.Attributes !== undefined;
    } catch (err) {
      throw dynamoFailure(this.tableName, 'DeleteItem tone label', err);
    }
  }
}
