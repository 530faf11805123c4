/**
 * Bedrock model ids and the ARNs IAM knows them by (docs.aws.amazon.com/bedrock:
 * "Supported Regions and models for inference profiles", "Prerequisites for
 * inference profiles"). A foundation model's ARN has no account:
 * `arn:aws:bedrock:<region>::foundation-model/<modelId>`. A cross-Region
 * (system-defined) inference profile's id is the model id with a geography
 * prefix (`us.`, `eu.`, `apac.`, ...), its ARN is
 * `arn:aws:bedrock:<region>:<account>:inference-profile/<profileId>`, and a call
 * through it needs InvokeModel on the profile and on the model in every Region
 * the profile routes to.
 */

/** A geography prefix of a system-defined cross-Region inference profile id. */
const PROFILE_PREFIX = /^(us|eu|apac|ap|ca|jp|au|us-gov|global)\./;

export function isInferenceProfileId(modelId: string): boolean {
  return PROFILE_PREFIX.test(modelId);
}

/** The foundation model behind an id: the id itself, or the profile id without its geography. */
export function foundationModelIdOf(modelId: string): string {
  return modelId.replace(PROFILE_PREFIX, '');
}

export function foundationModelArn(partition: string, region: string, modelId: string): string {
  return `arn:${partition}:bedrock:${region}::foundation-model/${foundationModelIdOf(modelId)}`;
}

export function inferenceProfileArn(partition: string, region: string, account: string, profileId: string): string {
  return `arn:${partition}:bedrock:${region}:${account}:inference-profile/${profileId}`;
}
