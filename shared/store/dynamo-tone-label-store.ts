/**
 * The owner's tone labels in the single table, beside the decisions:
 *
 *   entity       pk             sk              TTL
 *   tone label   P#<profile>    TL#<ref>        none (the owner removes it with `followback label --remove`)
 *
 * `TL#` shares no prefix with the profile's other sort keys (`T#` used links,
 * `L#` run claims), so no existing query reads these items. No schema change:
 * the same pk/sk string keys.
 *
 * A label made from the email or the decision page also names the contact who
 * wrote the reply (`contactId`), so `followback forget` finds it after the
 * reply itself has expired. The page reads the reply it labels from the
 * interaction's own item (`findReply`: one GetItem, the only read its IAM
 * allows besides the ledger's).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { IsoInstant } from '../domain/model.ts';
import { normaliseLabelText, quotedPrefix, textHash } from '../classify/tone/owner-labels.ts';
import { TONE_LABELS, type ReplyLabelStore, type StoredReply, type ToneLabel, type ToneLabelStore } from '../ports/tone-labels.ts';
import { dynamoFailure } from './dynamo-failure.ts';
import { parseItem, StoredInteraction } from './stored-items.ts';
import { keys } from './table-schema.ts';

export const TONE_LABEL_PREFIX = 'TL#';
export const LABEL_TEXT_MAX = 1_000;

export const StoredToneLabel = z.object({
  ref: z.string().min(1).max(1_100),
  sourceId: z.string().min(1).optional(),
  interactionId: z.string().min(1).optional(),
  /** Who wrote the labelled reply (labels from the page): forget finds the label by it. */
  contactId: z.string().min(1).optional(),
  textHash: z.string().min(1).max(64).optional(),
  text: z.string().max(LABEL_TEXT_MAX).optional(),
  truncated: z.boolean().optional(),
  label: z.enum(TONE_LABELS),
  at: IsoInstant,
  by: z.enum(['cli', 'page']),
});

/** The first `max` UTF-16 units of a text, never splitting a character in two (the stored text's limit). */
export function clipLabelText(text: string, max = LABEL_TEXT_MAX): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

export interface DynamoToneLabelStoreOptions {
  client: DynamoDBClient | DynamoDBDocumentClient;
  tableName: string;
}

export class DynamoToneLabelStore implements ToneLabelStore, ReplyLabelStore {
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

  /** The label stored under `ref`, or null. */
  async getLabel(profileId: string, ref: string): Promise<ToneLabel | null> {
    let item;
    try {
      item = (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.profile(profileId), sk: `${TONE_LABEL_PREFIX}${ref}` }, ConsistentRead: true }))).Item;
    } catch (err) {
      throw dynamoFailure(this.tableName, 'GetItem tone label', err);
    }
    if (item === undefined) return null;
    const l = parseItem(StoredToneLabel, item, this.tableName);
    return Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as unknown as ToneLabel;
  }

  /**
   * One stored reply with text, read by its key (its instant, source and id): null when it is not
   * stored (expired, forgotten), has no text, or was written by someone else than `contactId`.
   */
  async findReply(profileId: string, reply: { sourceId: string; contactId: string; interactionId: string; at: string }): Promise<StoredReply | null> {
    let item;
    try {
      item = (
        await this.doc.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { pk: keys.interactionBucket(profileId, keys.month(reply.at)), sk: keys.interaction(reply.at, reply.sourceId, reply.interactionId) },
            ConsistentRead: true,
          }),
        )
      ).Item;
    } catch (err) {
      throw dynamoFailure(this.tableName, 'GetItem reply', err);
    }
    if (item === undefined) return null;
    const stored = StoredInteraction.safeParse(item);
    if (!stored.success) return null;
    const i = stored.data;
    if (i.sourceId !== reply.sourceId || i.contactId !== reply.contactId || i.id !== reply.interactionId || i.direction !== 'inbound') return null;
    if (i.text === undefined || i.text.trim() === '') return null;
    return { sourceId: i.sourceId, contactId: i.contactId, interactionId: i.id, at: i.at, text: i.text };
  }

  /**
   * For `followback forget`: deletes the labels that name this contact's replies: those that
   * carry its id (made from the page), those naming one of `interactionIds`, and those whose text
   * is one of `texts` (a label given as the quoted text). Returns how many were deleted.
   */
  async deleteLabelsOf(profileId: string, who: { sourceId: string; contactId: string; interactionIds: readonly string[]; texts: readonly string[] }): Promise<number> {
    const ids = new Set(who.interactionIds);
    const hashes = new Set(who.texts.map(textHash));
    const normalised = who.texts.map(normaliseLabelText);
    const theirs = (await this.listLabels(profileId)).filter((l) => {
      if (l.sourceId === who.sourceId && (l.contactId === who.contactId || (l.interactionId !== undefined && ids.has(l.interactionId)))) return true;
      if (l.textHash !== undefined && hashes.has(l.textHash)) return true;
      const prefix = l.truncated === true && l.text !== undefined ? quotedPrefix(l.text) : undefined;
      return prefix !== undefined && prefix !== '' && normalised.some((t) => t.startsWith(prefix));
    });
    let deleted = 0;
    for (const l of theirs) if (await this.deleteLabel(profileId, l.ref)) deleted += 1;
    return deleted;
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
