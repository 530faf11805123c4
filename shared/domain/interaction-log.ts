/**
 * A profile's interaction history held as columns, for a run that reads a
 * million of them in a 1 GB function (issue 10).
 *
 * As plain objects, one interaction costs about 270 bytes on the heap (the
 * object, and its own copies of the source id, contact id, kind, direction and
 * instant strings), and the DynamoDB items it was parsed from twice that while
 * they are alive. Here it costs its id string plus 22 bytes: the instant as a
 * number, kind and direction as bytes, and the other party as a number into a
 * table of (source id, contact id) pairs that holds each pair once. The
 * instant's text is kept only when it is not the canonical
 * `YYYY-MM-DDTHH:MM:SS.sssZ` form (which `toIso` gives back exactly); texts,
 * languages and post URLs only where there are some.
 *
 * Values are checked as they are added (kind, direction, instant), so the
 * analysis never meets a malformed row. Rows keep the order they were added in.
 */
import type { Direction, InteractionKind, SourcedInteraction } from './model.ts';
import { isoMs, parseInstant, toIso } from './time.ts';

export type { SourcedInteraction };

const KINDS: readonly InteractionKind[] = ['like', 'repost', 'reply', 'quote', 'mention', 'follow'];
const KIND_CODE: ReadonlyMap<string, number> = new Map(KINDS.map((k, i) => [k, i]));
/** The code of `follow` in the kind column (a relation, not engagement: the analysis skips it). */
export const FOLLOW_CODE = KINDS.indexOf('follow');
const TALKING_CODES = new Set([KINDS.indexOf('reply'), KINDS.indexOf('mention'), KINDS.indexOf('quote')]);
const ENGAGING_CODES = new Set([KINDS.indexOf('like'), KINDS.indexOf('repost')]);

const INITIAL_CAPACITY = 1024;

export class InteractionLog implements Iterable<SourcedInteraction> {
  #length = 0;
  #ids: string[] = [];
  #party = new Int32Array(INITIAL_CAPACITY);
  #kind = new Uint8Array(INITIAL_CAPACITY);
  #inbound = new Uint8Array(INITIAL_CAPACITY);
  #atMs = new Float64Array(INITIAL_CAPACITY);
  /** `at` as given, for the rows where it is not the canonical form of #atMs. */
  readonly #atText = new Map<number, string>();
  readonly #text = new Map<number, string>();
  readonly #lang = new Map<number, string>();
  readonly #postUrl = new Map<number, string>();
  /** The other party of each row: (source id, contact id), numbered in order of first appearance. */
  readonly #partySource: string[] = [];
  readonly #partyContact: string[] = [];
  readonly #parties = new Map<string, Map<string, number>>();
  /** Rows of one source usually come together: its map stays at hand. */
  #lastSource: string | undefined;
  #lastParties = new Map<string, number>();

  /** A log of these interactions, in order; throws on the first malformed one, naming its position. */
  static from(interactions: Iterable<SourcedInteraction>): InteractionLog {
    const log = new InteractionLog();
    for (const interaction of interactions) log.push(interaction);
    return log;
  }

  /** Rows of several logs, one after the other (the store reads month buckets at once and joins them in month order). */
  static concat(logs: readonly InteractionLog[]): InteractionLog {
    const log = new InteractionLog();
    log.#reserve(logs.reduce((n, l) => n + l.#length, 0));
    for (const other of logs) log.#append(other);
    return log;
  }

  get length(): number {
    return this.#length;
  }

  /** Number of distinct (source id, contact id) pairs. */
  get partyCount(): number {
    return this.#partySource.length;
  }

  /** Adds one interaction. `where` names it in the error if it is malformed (default: its position). */
  push(interaction: SourcedInteraction, where?: () => string): void {
    const k = this.#length;
    const name = where ?? (() => `interactions[${k}]`);
    const kind = KIND_CODE.get(interaction.kind);
    if (kind === undefined) throw new RangeError(`${name()}.kind: "${String(interaction.kind).slice(0, 32)}" is not one of ${KINDS.join(', ')}`);
    const direction = interaction.direction;
    if (direction !== 'inbound' && direction !== 'outbound') throw new RangeError(`${name()}.direction: "${String(direction).slice(0, 32)}" is not inbound or outbound`);
    let ms = isoMs(interaction.at);
    const canonical = !Number.isNaN(ms);
    if (!canonical) ms = parseInstant(interaction.at, () => `${name()}.at`);
    if (k === this.#atMs.length) this.#reserve(k * 2);
    this.#ids.push(interaction.id);
    this.#party[k] = this.#partyOf(interaction.sourceId, interaction.contactId);
    this.#kind[k] = kind;
    this.#inbound[k] = direction === 'inbound' ? 1 : 0;
    this.#atMs[k] = ms;
    if (!canonical) this.#atText.set(k, interaction.at);
    if (interaction.text !== undefined) this.#text.set(k, interaction.text);
    if (interaction.lang !== undefined) this.#lang.set(k, interaction.lang);
    if (interaction.postUrl !== undefined) this.#postUrl.set(k, interaction.postUrl);
    this.#length = k + 1;
  }

  /**
   * Adds row `k` of `other` as it is, column to column: no object is made and
   * nothing is parsed again (the row was checked when `other` took it).
   */
  pushRowOf(other: InteractionLog, k: number): void {
    if (!Number.isInteger(k) || k < 0 || k >= other.#length) throw new RangeError(`interaction log: no row ${k} (it has ${other.#length})`);
    const row = this.#length;
    if (row === this.#atMs.length) this.#reserve(row * 2);
    const party = other.#party[k] ?? 0;
    this.#ids.push(other.#ids[k] ?? '');
    this.#party[row] = this.#partyOf(other.#partySource[party] ?? '', other.#partyContact[party] ?? '');
    this.#kind[row] = other.#kind[k] ?? 0;
    this.#inbound[row] = other.#inbound[k] ?? 0;
    this.#atMs[row] = other.#atMs[k] ?? Number.NaN;
    const atText = other.#atText.get(k);
    if (atText !== undefined) this.#atText.set(row, atText);
    const text = other.#text.get(k);
    if (text !== undefined) this.#text.set(row, text);
    const lang = other.#lang.get(k);
    if (lang !== undefined) this.#lang.set(row, lang);
    const postUrl = other.#postUrl.get(k);
    if (postUrl !== undefined) this.#postUrl.set(row, postUrl);
    this.#length = row + 1;
  }

  /** Adds every row of `other`, in order (the columns copied, no object made). */
  append(other: InteractionLog): void {
    this.#append(other);
  }

  /** The party number of (sourceId, contactId), if any row has it. */
  partyOf(sourceId: string, contactId: string): number | undefined {
    return this.#parties.get(sourceId)?.get(contactId);
  }

  // ---- columns, by row ----

  idAt(k: number): string {
    return this.#ids[k] ?? '';
  }
  partyAt(k: number): number {
    return this.#party[k] ?? -1;
  }
  sourceIdOfParty(party: number): string {
    return this.#partySource[party] ?? '';
  }
  contactIdOfParty(party: number): string {
    return this.#partyContact[party] ?? '';
  }
  kindAt(k: number): InteractionKind {
    return KINDS[this.#kind[k] ?? 0] ?? 'like';
  }
  kindCodeAt(k: number): number {
    return this.#kind[k] ?? 0;
  }
  isInboundAt(k: number): boolean {
    return this.#inbound[k] === 1;
  }
  directionAt(k: number): Direction {
    return this.#inbound[k] === 1 ? 'inbound' : 'outbound';
  }
  atMsAt(k: number): number {
    return this.#atMs[k] ?? Number.NaN;
  }
  /** The instant exactly as it was given. */
  atAt(k: number): string {
    return this.#atText.get(k) ?? toIso(this.#atMs[k] ?? Number.NaN);
  }
  textAt(k: number): string | undefined {
    return this.#text.get(k);
  }
  postUrlAt(k: number): string | undefined {
    return this.#postUrl.get(k);
  }
  langAt(k: number): string | undefined {
    return this.#lang.get(k);
  }

  /** Rows that carry a text, in row order (rows are only ever added at the end, so the map's order is theirs). */
  textRows(): number[] {
    return [...this.#text.keys()];
  }

  /** Whether the row is a reply, mention or quote (talking) / a like or repost (engaging). */
  isTalkingAt(k: number): boolean {
    return TALKING_CODES.has(this.#kind[k] ?? -1);
  }
  isEngagingAt(k: number): boolean {
    return ENGAGING_CODES.has(this.#kind[k] ?? -1);
  }

  /** Row k as a plain interaction (a fresh object). */
  get(k: number): SourcedInteraction {
    if (!Number.isInteger(k) || k < 0 || k >= this.#length) throw new RangeError(`interaction log: no row ${k} (it has ${this.#length})`);
    const party = this.#party[k] ?? 0;
    const text = this.#text.get(k);
    const lang = this.#lang.get(k);
    const postUrl = this.#postUrl.get(k);
    return {
      id: this.#ids[k] ?? '',
      sourceId: this.#partySource[party] ?? '',
      contactId: this.#partyContact[party] ?? '',
      kind: this.kindAt(k),
      direction: this.directionAt(k),
      at: this.atAt(k),
      ...(postUrl !== undefined ? { postUrl } : {}),
      ...(text !== undefined ? { text } : {}),
      ...(lang !== undefined ? { lang } : {}),
    };
  }

  *[Symbol.iterator](): Iterator<SourcedInteraction> {
    for (let k = 0; k < this.#length; k++) yield this.get(k);
  }

  toArray(): SourcedInteraction[] {
    const out = new Array<SourcedInteraction>(this.#length);
    for (let k = 0; k < this.#length; k++) out[k] = this.get(k);
    return out;
  }

  /**
   * Which of `wanted` (source id -> ids) this log holds, as "sourceId\u0000id".
   * One pass over the rows, holding only the wanted ids: how a run finds which
   * pulled interactions are already stored without a set of every stored id.
   */
  idsAmong(wanted: ReadonlyMap<string, ReadonlySet<string>>): Set<string> {
    const found = new Set<string>();
    if (wanted.size === 0) return found;
    for (let k = 0; k < this.#length; k++) {
      const party = this.#party[k] ?? 0;
      const sourceId = this.#partySource[party] ?? '';
      const id = this.#ids[k] ?? '';
      if (wanted.get(sourceId)?.has(id) === true) found.add(`${sourceId}\u0000${id}`);
    }
    return found;
  }

  #partyOf(sourceId: string, contactId: string): number {
    if (sourceId !== this.#lastSource) {
      let parties = this.#parties.get(sourceId);
      if (parties === undefined) this.#parties.set(sourceId, (parties = new Map()));
      this.#lastSource = sourceId;
      this.#lastParties = parties;
    }
    let party = this.#lastParties.get(contactId);
    if (party === undefined) {
      party = this.#partySource.length;
      this.#partySource.push(sourceId);
      this.#partyContact.push(contactId);
      this.#lastParties.set(contactId, party);
    }
    return party;
  }

  #reserve(capacity: number): void {
    if (capacity <= this.#atMs.length) return;
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old.subarray(0, this.#length));
      return next;
    };
    this.#party = grow(this.#party, (n) => new Int32Array(n));
    this.#kind = grow(this.#kind, (n) => new Uint8Array(n));
    this.#inbound = grow(this.#inbound, (n) => new Uint8Array(n));
    this.#atMs = grow(this.#atMs, (n) => new Float64Array(n));
  }

  #append(other: InteractionLog): void {
    const offset = this.#length;
    this.#reserve(offset + other.#length);
    // The other log's parties, renumbered into this one's.
    const remap = new Int32Array(other.#partySource.length);
    for (let p = 0; p < remap.length; p++) remap[p] = this.#partyOf(other.#partySource[p] ?? '', other.#partyContact[p] ?? '');
    for (let k = 0; k < other.#length; k++) {
      this.#ids.push(other.#ids[k] ?? '');
      this.#party[offset + k] = remap[other.#party[k] ?? 0] ?? 0;
    }
    this.#kind.set(other.#kind.subarray(0, other.#length), offset);
    this.#inbound.set(other.#inbound.subarray(0, other.#length), offset);
    this.#atMs.set(other.#atMs.subarray(0, other.#length), offset);
    for (const [k, v] of other.#atText) this.#atText.set(offset + k, v);
    for (const [k, v] of other.#text) this.#text.set(offset + k, v);
    for (const [k, v] of other.#lang) this.#lang.set(offset + k, v);
    for (const [k, v] of other.#postUrl) this.#postUrl.set(offset + k, v);
    this.#length = offset + other.#length;
  }
}
