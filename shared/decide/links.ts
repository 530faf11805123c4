/**
 * The email's decision links, signed: this implements the report's
 * `DecisionLinks` port (shared/report/decision-links.ts). Which links a row
 * gets and how they read is the report's business; tokens are this side's.
 * The report JSON carries no tokens.
 */
import type { DecisionLinks } from '../report/decision-links.ts';
import type { Keyring } from './keyring.ts';
import { LINK_TTL_SECONDS, MAX_KEYS_PER_TOKEN, signableKey, signableReply, signToken } from './token.ts';

export function decisionLinks(options: { baseUrl: string; keyring: Keyring; profileId: string; now: Date; ttlSeconds?: number }): DecisionLinks {
  const base = new URL(options.baseUrl);
  const ttlSeconds = options.ttlSeconds ?? LINK_TTL_SECONDS;
  return {
    maxKeysPerLink: MAX_KEYS_PER_TOKEN,
    expiresAt: new Date((Math.floor(options.now.getTime() / 1000) + ttlSeconds) * 1000),
    canLink: (key) => signableKey(key),
    linkFor(action, keys) {
      const { token } = signToken({ profile: options.profileId, keys: keys.slice(0, MAX_KEYS_PER_TOKEN), action, now: options.now, ttlSeconds }, options.keyring);
      const url = new URL(base.href);
      url.searchParams.set('t', token);
      return url.href;
    },
    labelLinkFor(label, contactKey, reply) {
      if (!signableKey(contactKey) || !signableReply(reply)) return null;
      const action = label === 'not_criticism' ? 'label_not_criticism' : 'label_criticism';
      const { token } = signToken({ profile: options.profileId, keys: [contactKey], action, reply, now: options.now, ttlSeconds }, options.keyring);
      const url = new URL(base.href);
      url.searchParams.set('t', token);
      return url.href;
    },
  };
}
