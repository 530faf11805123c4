/**
 * A local stand-in for Amazon Bedrock Runtime's Converse operation, speaking
 * the wire protocol the real `@aws-sdk/client-bedrock-runtime` uses (restJson1).
 *
 * Where the shapes come from:
 *  - The Bedrock API Reference, "Converse" (docs.aws.amazon.com/bedrock/latest/
 *    APIReference/API_runtime_Converse.html; read through the docs search on
 *    2026-12-07, with the SDK references generated from the same service model:
 *    ConverseRequest/ConverseResponse, the ConverseError enum): request `POST /model/{modelId}/converse` with a JSON body
 *    `{messages: [{role, content: [{text}]}], system: [{text}], inferenceConfig:
 *    {maxTokens, temperature, topP, stopSequences}}`; response `{output: {message:
 *    {role: "assistant", content: [{text}]}}, stopReason ("end_turn" |
 *    "tool_use" | "max_tokens" | "stop_sequence" | "guardrail_intervened" |
 *    "content_filtered", and in this SDK's enum also "malformed_model_output",
 *    "malformed_tool_use", "model_context_window_exceeded"), usage:
 *    {inputTokens, outputTokens, totalTokens},
 *    metrics: {latencyMs}}`; errors AccessDeniedException 403,
 *    ResourceNotFoundException 404, ThrottlingException 429,
 *    ModelNotReadyException 429, ModelTimeoutException 408, ValidationException
 *    400, InternalServerException 500, ServiceUnavailableException 503. The
 *    Amazon Nova user guide's "Response structure highlights" shows the same
 *    answer shape; "operation requires permission for bedrock:InvokeModel".
 *  - The service model shipped in @aws-sdk/client-bedrock-runtime 3.1178.0
 *    (dist-cjs/index.js), which the tests' client is built from: the HTTP
 *    binding `["POST", "/model/{modelId}/converse", 200]`, each error's HTTP
 *    status as above, ModelNotReadyException marked retryable.
 *  - restJson1 errors: the status, an `x-amzn-errortype` header naming the
 *    error, a body `{"message": "..."}`, an `x-amzn-requestid` header.
 *  - HTTP/2: this client's default request handler is NodeHttp2Handler (the
 *    service has bidirectional streams), so the server speaks cleartext HTTP/2
 *    (`node:http2`, prior knowledge), as the SDK connects to an `http://` endpoint.
 *
 * The "model" behind it is a rule, not a model: a reply containing "bad" is
 * negative, "good" positive, else neutral (or `options.label`). It reads the
 * replies from the `<replies>` JSON block the classifier sends, and it is
 * gullible on purpose: an instruction to "ignore previous instructions" found
 * in the prompt OUTSIDE that block's JSON strings makes it label every reply
 * positive, so a test can prove a reply's words never get out of the data.
 * Tokens are counted as one per four characters. Failures are programmable per
 * request.
 */
import { createServer, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';

export type Tone = 'negative' | 'neutral' | 'positive';

export type Failure =
  /** 429 ThrottlingException. */
  | 'throttle'
  /** 429 ModelNotReadyException. */
  | 'model-not-ready'
  /** 403 AccessDeniedException (no IAM grant, or the model is not enabled). */
  | 'access-denied'
  /** 400 ValidationException. */
  | 'validation'
  /** 500 InternalServerException. */
  | 'server-error'
  /** 200, the model answers prose instead of JSON. */
  | 'prose'
  /** 200, JSON of another shape. */
  | 'wrong-shape'
  /** 200, valid JSON that leaves the last reply unlabelled. */
  | 'partial'
  /** 200, a label for an index outside the batch. */
  | 'wrong-index'
  /** 200, the right JSON inside a ```json fence. */
  | 'fenced'
  /** 200, stopReason max_tokens and the JSON cut off. */
  | 'max-tokens';

export interface RecordedCall {
  modelId: string;
  /** The region of the request's SigV4 credential scope. */
  region: string | undefined;
  system: string;
  user: string;
  /** The replies read from the `<replies>` block (empty if it was not there or not JSON). */
  replies: string[];
  inferenceConfig: Record<string, unknown> | undefined;
  outcome: 'answered' | Failure | 'rejected';
  inputTokens?: number;
  outputTokens?: number;
}

export interface ConverseServerOptions {
  /** The tone the "model" gives a reply. */
  label?: (reply: string) => Tone;
  /** Models the account may call; another id is a ValidationException, as Bedrock answers an unknown id. */
  models?: readonly string[];
  /** Token counts to report instead of one per four characters. */
  usage?: (call: { system: string; user: string; answer: string }) => { inputTokens: number; outputTokens: number };
}

export interface ConverseServer {
  url: string;
  calls: RecordedCall[];
  /** The next requests fail this way, one failure per request, in order (`ok`: that request is answered). */
  failNext(...failures: (Failure | 'ok')[]): void;
  /** Every request fails this way until reset (e.g. throttling that outlasts every retry). */
  failAlways(failure: Failure | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_MODELS = ['amazon.nova-micro-v1:0', 'us.amazon.nova-micro-v1:0'];

export function ruleLabel(reply: string): Tone {
  const lower = reply.toLowerCase();
  if (lower.includes('bad')) return 'negative';
  if (lower.includes('good')) return 'positive';
  return 'neutral';
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const ERRORS: Record<'throttle' | 'model-not-ready' | 'access-denied' | 'validation' | 'server-error', ServiceError> = {
  throttle: new ServiceError('ThrottlingException', 'Too many requests, please wait before trying again.', 429),
  'model-not-ready': new ServiceError('ModelNotReadyException', 'Model is not ready for inference. Wait and try your request again.', 429),
  'access-denied': new ServiceError('AccessDeniedException', "You don't have access to the model with the specified model ID.", 403),
  validation: new ServiceError('ValidationException', 'The provided model identifier is invalid.', 400),
  'server-error': new ServiceError('InternalServerException', 'The server encountered an internal error.', 500),
};

export async function startConverseServer(options: ConverseServerOptions = {}): Promise<ConverseServer> {
  const label = options.label ?? ruleLabel;
  const models = new Set(options.models ?? DEFAULT_MODELS);
  const calls: RecordedCall[] = [];
  const failures: (Failure | 'ok')[] = [];
  let always: Failure | undefined;
  let requestCounter = 0;

  const handle = async (req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> => {
    const requestId = `local-${++requestCounter}`;
    const body = await readBody(req);
    const send = (status: number, payload: unknown, errorType?: string): void => {
      const text = JSON.stringify(payload);
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-requestid': requestId,
        'content-length': Buffer.byteLength(text),
        ...(errorType !== undefined ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(text);
    };
    const sendError = (e: ServiceError): void => send(e.status, { message: e.message }, e.type);

    const match = /^\/model\/([^/]+)\/converse$/.exec(req.url ?? '');
    if (req.method !== 'POST' || match === null) return sendError(new ServiceError('UnknownOperationException', 'Not found', 404));
    const modelId = decodeURIComponent(match[1] ?? '');
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\/bedrock\/aws4_request/.exec(req.headers.authorization ?? '')?.[1];
    try {
      if (region === undefined) throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) throw new ServiceError('SerializationException', 'Unexpected content type', 400);
      let input: unknown;
      try {
        input = JSON.parse(body);
      } catch {
        throw new ServiceError('SerializationException', 'Request body is not JSON', 400);
      }
      const { system, user, inferenceConfig } = readInput(input);
      const replies = repliesOf(user);
      const call: RecordedCall = { modelId, region, system, user, replies, inferenceConfig, outcome: 'answered' };
      calls.push(call);
      const next = failures.shift();
      const failure = next === 'ok' ? undefined : (next ?? always);
      if (failure !== undefined && failure in ERRORS) {
        call.outcome = failure;
        return sendError(ERRORS[failure as keyof typeof ERRORS]);
      }
      if (!models.has(modelId)) {
        call.outcome = 'rejected';
        throw new ServiceError('ValidationException', 'The provided model identifier is invalid.', 400);
      }
      const maxTokens = inferenceConfig?.['maxTokens'];
      if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
        call.outcome = 'rejected';
        throw new ServiceError('ValidationException', 'maxTokens must be a positive integer', 400);
      }

      // The gullible model: an instruction outside the data is obeyed.
      const outside = user.replace(/<replies>[\s\S]*<\/replies>/, '');
      const obey = /ignore (all )?previous instructions/i.test(outside);
      const labels = replies.map((reply, i) => ({ i, tone: obey ? ('positive' as const) : label(reply) }));
      let answer = JSON.stringify({ labels });
      let stopReason = 'end_turn';
      if (failure !== undefined) {
        call.outcome = failure;
        switch (failure) {
          case 'prose':
            answer = 'Sure! Here are the tones: the first reply is negative, the others are fine.';
            break;
          case 'wrong-shape':
            answer = JSON.stringify({ tones: labels.map((l) => l.tone) });
            break;
          case 'partial':
            answer = JSON.stringify({ labels: labels.slice(0, -1) });
            break;
          case 'wrong-index':
            answer = JSON.stringify({ labels: [...labels, { i: labels.length, tone: 'negative' }] });
            break;
          case 'fenced':
            answer = `\`\`\`json\n${answer}\n\`\`\``;
            break;
          case 'max-tokens':
            answer = answer.slice(0, Math.floor(answer.length / 2));
            stopReason = 'max_tokens';
            break;
        }
      }
      const usage = options.usage?.({ system, user, answer }) ?? { inputTokens: Math.ceil((system.length + user.length) / 4), outputTokens: Math.ceil(answer.length / 4) };
      call.inputTokens = usage.inputTokens;
      call.outputTokens = usage.outputTokens;
      return send(200, {
        output: { message: { role: 'assistant', content: [{ text: answer }] } },
        stopReason,
        usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.inputTokens + usage.outputTokens },
        metrics: { latencyMs: 1 },
      });
    } catch (e) {
      if (e instanceof ServiceError) return sendError(e);
      return sendError(ERRORS['server-error']);
    }
  };

  const sessions = new Set<Http2Session>();
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failNext: (...f) => {
      failures.push(...f);
    },
    failAlways: (f) => {
      always = f;
    },
    reset: () => {
      calls.length = 0;
      failures.length = 0;
      always = undefined;
    },
    close: async () => {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The request body's system text, the user's text and the inference settings; a ValidationException for another shape. */
function readInput(input: unknown): { system: string; user: string; inferenceConfig: Record<string, unknown> | undefined } {
  if (typeof input !== 'object' || input === null) throw new ServiceError('SerializationException', 'Request body is not a JSON object', 400);
  const body = input as Record<string, unknown>;
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) throw new ServiceError('ValidationException', 'A conversation must start with a user message.', 400);
  const texts = (blocks: unknown): string =>
    Array.isArray(blocks)
      ? blocks
          .map((b) => (typeof b === 'object' && b !== null && typeof (b as { text?: unknown }).text === 'string' ? (b as { text: string }).text : ''))
          .join('')
      : '';
  const first = messages[0] as { role?: unknown; content?: unknown };
  if (first.role !== 'user') throw new ServiceError('ValidationException', 'A conversation must start with a user message.', 400);
  const user = messages
    .filter((m): m is { role: string; content: unknown } => typeof m === 'object' && m !== null && (m as { role?: unknown }).role === 'user')
    .map((m) => texts(m.content))
    .join('\n');
  const inferenceConfig = typeof body['inferenceConfig'] === 'object' && body['inferenceConfig'] !== null ? (body['inferenceConfig'] as Record<string, unknown>) : undefined;
  return { system: texts(body['system']), user, inferenceConfig };
}

/** The replies of the `<replies>` block: a JSON array of `{i, reply}`. */
function repliesOf(user: string): string[] {
  const block = /<replies>([\s\S]*)<\/replies>/.exec(user)?.[1];
  if (block === undefined) return [];
  try {
    const items: unknown = JSON.parse(block);
    if (!Array.isArray(items)) return [];
    return items.map((item) => (typeof item === 'object' && item !== null && typeof (item as { reply?: unknown }).reply === 'string' ? (item as { reply: string }).reply : ''));
  } catch {
    return [];
  }
}

function readBody(req: Http2ServerRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
