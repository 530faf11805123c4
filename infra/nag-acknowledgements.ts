import { Validations } from 'aws-cdk-lib';
import type { FollowbackStack } from './followback-stack.ts';

/**
 * The cdk-nag AwsSolutions findings this stack accepts, each on the narrowest
 * construct and with the reason. Everything else is fixed in the constructs
 * (own roles without managed policies, SSL-only queue and topic, SSE, PITR).
 */
export function acknowledgeNagFindings(stack: FollowbackStack): void {
  for (const secret of stack.secrets) {
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secrets hold tokens issued by third-party networks (a Mastodon access token, a Bluesky app password); only the owner can mint a new one on the platform, so there is nothing for a rotation Lambda to do. The README asks to revoke and replace them there.',
    });
  }
}
