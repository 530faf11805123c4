/**
 * What a firing keeps in the store between its pull steps (a Step Functions
 * execution runs each step in a fresh Lambda invocation): where each source's
 * read stands, and the pages read so far, staged until the report step
 * assembles them into one pull. Everything here expires by TTL, so an
 * abandoned firing leaves nothing behind.
 */
import type { FingerprintIndex } from '../domain/contact-fingerprint.ts';
import type { StagedParts, StagedPull } from '../domain/staged-parts.ts';

export type FiringSourcePhase = 'in_progress' | 'complete' | 'partial' | 'failed';

export interface FiringSource {
  sourceId: string;
  platform: string;
  phase: FiringSourcePhase;
  /** The source's checkpoint while `in_progress`. */
  checkpoint?: string;
  /** Staged parts, in order: the number of items (chunks) each was written as. */
  parts: number[];
  requests: number;
  items: number;
  /** Why the source failed, when it did. */
  problem?: string;
}

export interface FiringState {
  firingKey: string;
  /** Who holds the claims of this firing (the execution, or the firing key). */
  holder: string;
  /** Pull steps done so far. */
  iteration: number;
  /** Wall-clock start of the firing's first pull step (maxPullHours counts from it), ISO. */
  startedAt: string;
  /**
   * The key this firing stages its parts under, drawn when its state is made: a firing run again under the
   * same key (after a dry run, after its state was finished) stages and reads under a new one, so it never
   * reads the parts an earlier firing left to expire. Absent on a firing staged before it existed.
   */
  staging?: string;
  sources: FiringSource[];
}

export interface FiringStore {
  loadFiring(profileId: string, firingKey: string): Promise<FiringState | null>;
  saveFiring(profileId: string, state: FiringState, ttlSeconds: number): Promise<void>;
  /** Stages what one step read of one source as part `seq` under `staging` (the state's); returns how many items it took (each ≤ 400 KB). */
  putPart(profileId: string, firingKey: string, sourceId: string, seq: number, pull: StagedPull, ttlSeconds: number, staging?: string): Promise<number>;
  /**
   * The fingerprints of a source's contacts as the last stored report assembled them
   * (shared/domain/contact-fingerprint.ts), or null when there are none (never written, dropped, expired).
   */
  loadFingerprints(profileId: string, sourceId: string): Promise<{ generation: string; index: FingerprintIndex } | null>;
  /**
   * The fingerprints of one generation, whether or not the head still names it (a report step reads the one
   * its pull steps staged against, which a `forget` since may have dropped), or null when it is gone (expired).
   */
  loadFingerprintGeneration(profileId: string, sourceId: string, generation: string): Promise<FingerprintIndex | null>;
  /** Replaces a source's fingerprints (after its report was stored). */
  saveFingerprints(profileId: string, sourceId: string, index: FingerprintIndex): Promise<void>;
  /** Forgets the sources' fingerprints (before a report stores, and when a contact is forgotten): their pulls then stage every contact whole. */
  dropFingerprints(profileId: string, sourceIds: readonly string[]): Promise<void>;
  /** The staged parts of a source under `staging`, in order, their interactions as columns; `chunks[i]` items make part i (others, left by a retried step, are ignored). */
  loadParts(profileId: string, firingKey: string, sourceId: string, chunks: number[], staging?: string): Promise<StagedParts>;
  /**
   * Ends the firing (its report stored, or its pull failed): deletes its state, so the key may fire afresh.
   * The staged parts are left to expire by TTL: deleting them would be billed as writing them again, TTL
   * deletes for free, and no later firing reads them (each stages under a `staging` key of its own).
   */
  finishFiring(profileId: string, firingKey: string): Promise<void>;
  /** Deletes the firing's state and every part it staged: a firing stopped before its report (cancelled, failed in-process) leaves nothing. */
  discardFiring(profileId: string, firingKey: string): Promise<void>;
  /**
   * Extends a run claim held by `holder`: false when the claim is gone, expired, done, or someone
   * else's. `adopt` marks a claim just made by `claimRun` (which names no holder) as the holder's.
   */
  renewClaim(profileId: string, runKey: string, holder: string, ttlSeconds: number, options?: { adopt?: boolean }): Promise<boolean>;
}
