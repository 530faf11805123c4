import { Validations } from 'aws-cdk-lib';
import type { FollowbackStack } from './followback-stack.ts';

/** cdk-nag 3 acknowledges one finding at a time: the wildcard resource of the Comprehend statement, nothing else. */
export const COMPREHEND_WILDCARD_FINDING = 'AwsSolutions-IAM5[Resource::*]';

/** The finding on a foundation model granted in every Region, which a cross-Region inference profile routes to. */
export function bedrockProfileModelFinding(foundationModelId: string): string {
  return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${foundationModelId}]`;
}

/**
 * The cdk-nag AwsSolutions findings this stack accepts, each on the narrowest
 * construct and with the reason. Everything else is fixed in the constructs
 * (own roles without managed policies, SSL-only queue and topic, SSE, PITR).
 */
export function acknowledgeNagFindings(stack: FollowbackStack): void {
  // The statements CDK adds to a state machine's role for logging and tracing, which cdk-nag itself asks for (SF1, SF2).
  for (const machine of [stack.firing.loop, stack.firing.gate]) {
    const policy = machine.role.node.tryFindChild('DefaultPolicy');
    if (policy === undefined) continue;
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the logging and tracing statements of the state machine role name "*": CloudWatch Logs log delivery (logs:CreateLogDelivery, logs:PutResourcePolicy, ...) and X-Ray (xray:PutTraceSegments, ...) have no resource types in the IAM Service Authorization Reference, and Step Functions needs them for the ALL-level logging (AwsSolutions-SF1) and X-Ray tracing (AwsSolutions-SF2) that cdk-nag requires. Its task grants name exact ARNs.',
    });
  }
  for (const secret of stack.secrets) {
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secrets hold tokens issued by third-party networks (a Mastodon access token, a Bluesky app password); only the owner can mint a new one on the platform, so there is nothing for a rotation Lambda to do. The README asks to revoke and replace them there.',
    });
  }
  for (const policy of [stack.fn.comprehendPolicy, stack.reportStep.comprehendPolicy]) {
    if (policy === undefined) continue;
    Validations.of(policy).acknowledge({
      id: COMPREHEND_WILDCARD_FINDING,
      reason:
        'comprehend:DetectSentiment and comprehend:BatchDetectSentiment have no resource type in the IAM Service Authorization Reference (they act on the text sent, not on an account resource), so Resource must be "*". The statement allows only these two read actions, is created only when a profile sets tone.classifier to "comprehend", and an aws:RequestedRegion condition keeps it to the configured regions.',
    });
  }
  for (const fn of [stack.fn, stack.reportStep]) {
    if (fn.bedrockPolicy === undefined) continue;
    for (const model of fn.bedrockModelsThroughProfiles) {
      Validations.of(fn.bedrockPolicy).acknowledge({
        id: bedrockProfileModelFinding(model),
        reason: `A cross-Region inference profile routes each request to one of its destination Regions, and Bedrock requires InvokeModel on the foundation model in each of them ("Prerequisites for inference profiles"); those Regions are the service's to change, so the Region is "*". The statement allows only bedrock:InvokeModel, on ${model} only, and only through the configured inference profile (a bedrock:InferenceProfileArn condition); it is created only when a profile sets tone.classifier to "bedrock" with a profile id.`,
      });
    }
  }
}
