/**
 * The two Step Functions calls `followback invoke` makes, over the service's
 * JSON protocol (awsJson1_0), signed with SigV4 using the credentials and
 * region the CloudFormation client already resolved (the SDK's usual chain).
 *
 * Why not @aws-sdk/client-sfn: it is not among the installed dependencies of
 * this project yet; swapping it in only replaces this file.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, ChecksumConstructor, HashConstructor, Provider } from '@smithy/types';
import { z } from 'zod';

export const ExecutionStatus = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

export const DescribedExecution = z.object({
  executionArn: z.string(),
  status: ExecutionStatus,
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
});
export type DescribedExecution = z.infer<typeof DescribedExecution>;

export interface StepFunctionsApi {
  /** Throws ExecutionAlreadyExistsError when Step Functions refuses the name. */
  startExecution(request: { stateMachineArn: string; name: string; input: string }): Promise<{ executionArn: string }>;
  describeExecution(executionArn: string): Promise<DescribedExecution>;
}

export class ExecutionAlreadyExistsError extends Error {
  override readonly name = 'ExecutionAlreadyExists';
}

/** What the command takes from an SDK client's resolved config (any v3 client has these). */
export interface SigningSource {
  region: Provider<string>;
  credentials: Provider<AwsCredentialIdentity>;
  sha256: ChecksumConstructor | HashConstructor;
}

const ServiceError = z.looseObject({ __type: z.string().optional(), message: z.string().optional(), Message: z.string().optional() });

export function signedStepFunctionsApi(source: SigningSource, fetchImpl: typeof fetch = fetch): StepFunctionsApi {
  const call = async (target: string, body: Record<string, unknown>): Promise<unknown> => {
    const region = await source.region();
    const hostname = `states.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
    const signer = new SignatureV4({ credentials: source.credentials, region, service: 'states', sha256: source.sha256 });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'https:',
      hostname,
      path: '/',
      headers: { host: hostname, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${target}` },
      body: JSON.stringify(body),
    });
    const response = await fetchImpl(`https://${hostname}/`, { method: 'POST', headers: signed.headers, body: signed.body as string });
    const text = await response.text();
    const json: unknown = text === '' ? {} : JSON.parse(text);
    if (!response.ok) {
      const err = ServiceError.safeParse(json);
      const type = (err.success ? err.data.__type : undefined)?.split('#').pop() ?? `HTTP ${response.status}`;
      const message = err.success ? (err.data.message ?? err.data.Message ?? '') : text.slice(0, 500);
      if (type === 'ExecutionAlreadyExists') throw new ExecutionAlreadyExistsError(message);
      throw new Error(`${type}: ${message}`);
    }
    return json;
  };
  return {
    async startExecution(request) {
      const out = z.object({ executionArn: z.string() }).parse(await call('StartExecution', request));
      return { executionArn: out.executionArn };
    },
    async describeExecution(executionArn) {
      return DescribedExecution.parse(await call('DescribeExecution', { executionArn }));
    },
  };
}
