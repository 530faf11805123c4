/**
 * The two Step Functions calls `followback invoke` makes (start a firing's
 * execution, then follow it), through the AWS SDK's SFN client, behind a small
 * interface so the command's tests can give it a fake.
 */
import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
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

export function sdkStepFunctionsApi(client: SFNClient): StepFunctionsApi {
  return {
    async startExecution(request) {
      try {
        const out = await client.send(new StartExecutionCommand(request));
        return { executionArn: z.string().min(1).parse(out.executionArn) };
      } catch (err) {
        if (err instanceof ExecutionAlreadyExists) throw new ExecutionAlreadyExistsError(err.message);
        throw err;
      }
    },
    async describeExecution(executionArn) {
      const out = await client.send(new DescribeExecutionCommand({ executionArn }));
      // The SDK gives undefined for absent fields; the schema wants them left out.
      return DescribedExecution.parse(Object.fromEntries(Object.entries({ executionArn: out.executionArn, status: out.status, output: out.output, error: out.error, cause: out.cause }).filter(([, v]) => v !== undefined)));
    },
  };
}
