/**
 * Writing to a network on the owner's behalf: follow and unfollow one account,
 * and a fresh look at that account just before acting. Only the apply engine
 * (shared/app/apply-actions.ts) calls these, and only for actions the owner confirmed.
 */

/** The account an action is about, as the store knows it. */
export interface ActTarget {
  /** The platform's account id (Mastodon account id, Bluesky DID). */
  id: string;
  handle: string;
}

/** What the platform answered, short and free of secrets: it is stored in the audit and shown in reports. */
export interface PlatformAnswer {
  /** HTTP status of the decisive request, when one was sent. */
  status?: number;
  /** One line: what the platform said (relationship after the call, record URI, error name). */
  summary: string;
}

export type ActOutcome =
  /** Done now. */
  | 'done'
  /** Nothing to do: already (not) following. */
  | 'already'
  /** The account is gone (404, deleted, suspended). */
  | 'gone'
  /** The platform refused: missing write scope (403), or another 4xx. */
  | 'refused'
  /** Could not tell (network, 5xx after retries, rate limit too long). */
  | 'failed';

export interface ActResult {
  outcome: ActOutcome;
  answer: PlatformAnswer;
}

/** The relationship and recent engagement, read from the network just before acting. */
export interface FreshLook {
  /** You follow them now (a pending follow request counts as following). */
  following: boolean;
  /** The account is gone (deleted, suspended). */
  gone: boolean;
  /** The newest inbound interaction (like, repost, reply, mention, quote, follow) at or after `since`, if any. */
  inboundSince?: string;
  /** What was read, for the audit. */
  answer: PlatformAnswer;
}

export interface Actor {
  readonly sourceId: string;
  readonly platform: string;
  /** `since`: the report's time; only engagement after it is reported in `inboundSince`. */
  look(target: ActTarget, since: string, signal?: AbortSignal): Promise<FreshLook>;
  unfollow(target: ActTarget, signal?: AbortSignal): Promise<ActResult>;
  follow(target: ActTarget, signal?: AbortSignal): Promise<ActResult>;
}
