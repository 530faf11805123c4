/**
 * `followback invoke` talks to Step Functions through the real SFN client; a
 * local server answers in the service's JSON 1.0 protocol, with the error a
 * repeated execution name really gets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionAlreadyExistsError, sdkStepFunctionsApi } from '../../functions/commands/step-functions-api.ts';

describe('Step Functions calls of followback invoke', () => {
  let server: Server;
  let client: SFNClient;
  const names = new Set<string>();
  const targets: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target']);
        targets.push(target);
        const input = JSON.parse(body) as Record<string, string>;
        res.setHeader('content-type', 'application/x-amz-json-1.0');
        if (target === 'AWSStepFunctions.StartExecution') {
          const name = input['name'] ?? '';
          if (names.has(name)) {
            res.statusCode = 400;
            res.end(JSON.stringify({ __type: 'com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists', message: `Execution Already Exists: '${name}'` }));
            return;
          }
          names.add(name);
          res.end(JSON.stringify({ executionArn: `arn:aws:states:eu-west-1:123456789012:execution:loop:${name}`, startDate: 1764500000 }));
          return;
        }
        res.end(JSON.stringify({ executionArn: input['executionArn'], status: 'SUCCEEDED', output: '{"status":"completed"}', startDate: 1764500000, stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:loop' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new SFNClient({ endpoint: `http://127.0.0.1:${port}`, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('starts an execution and reads its result', async () => {
    const api = sdkStepFunctionsApi(client);
    const { executionArn } = await api.startExecution({ stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:loop', name: 'ada-2026-11-25T080000Z', input: '{}' });
    expect(executionArn).toMatch(/execution:loop:ada-2026-11-25T080000Z$/);
    expect(await api.describeExecution(executionArn)).toEqual({ executionArn, status: 'SUCCEEDED', output: '{"status":"completed"}' });
    expect(targets).toEqual(['AWSStepFunctions.StartExecution', 'AWSStepFunctions.DescribeExecution']);
  });

  it('a name already used is refused as ExecutionAlreadyExistsError', async () => {
    const api = sdkStepFunctionsApi(client);
    const request = { stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:loop', name: 'ada-2026-12-02T080000Z', input: '{}' };
    await api.startExecution(request);
    await expect(api.startExecution(request)).rejects.toBeInstanceOf(ExecutionAlreadyExistsError);
  });
});
