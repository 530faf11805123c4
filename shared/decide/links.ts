/**
 * Signed links for the email. The report JSON carries no tokens: renderers get
 * a `DecisionLinks` and ask it for a URL per row and per group.
 */
import type { Keyring } from './keyring.ts';
import { MAX_KEYS_PER_TOKEN, signToken, type DecisionAction } from './token.ts';

export interface DecisionLinks {
  /** A URL for the page that confirms `action` on these contacts (at most MAX_KEYS_PER_TOKEN). */
  linkFor(action: DecisionAction, keys: readonly string[]): string;
}

export { MAX_KEYS_PER_TOKEN };

export function decisionLinks(options: { baseUrl: string; keyring: Keyring; profileId: string; now: Date; ttlSeconds?: number }): DecisionLinks {
  const base = new URL(options.baseUrl);
  return {
    linkFor(action, keys) {
      const { token } = signToken(
        { profile: options.profileId, keys: keys.slice(0, MAX_KEYS_PER_TOKEN), action, now: options.now, ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}) },
        options.keyring,
      );
      const url = new URL(base.href);
      url.searchParams.set('t', token);
      return url.href;
    },
  };
}
