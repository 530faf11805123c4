/**
 * A local stand-in for Amazon Comprehend's sentiment operations, speaking the
 * wire protocol the real `@aws-sdk/client-comprehend` uses (awsJson1_1):
 *  - `POST /`, `Content-Type: application/x-amz-json-1.1`,
 *    `X-Amz-Target: Comprehend_20171127.BatchDetectSentiment` (or `.DetectSentiment`),
 *    a SigV4 `Authorization` header scoped to `<region>/comprehend/aws4_request`.
 *  - BatchDetectSentiment: body `{TextList, LanguageCode}`, answer
 *    `{ResultList: [{Index, Sentiment, SentimentScore}], ErrorList: [{Index, ErrorCode, ErrorMessage}]}`.
 *    DetectSentiment: `{Text, LanguageCode}` → `{Sentiment, SentimentScore}`.
 *  - The documented limits, enforced strictly: 1..25 texts
 *    (BatchSizeLimitExceededException), each non-empty and fewer than 5,000
 *    UTF-8 bytes (TextSizeLimitExceededException), one of the sentiment
 *    languages (UnsupportedLanguageException).
 *  - Errors as the protocol sends them: status 400 (500 for server faults),
 *    body `{"__type": "<Name>", "message": "..."}`, `x-amzn-RequestId` header.
 *  - Programmable failures per request: throttling, a 500, a body that is not
 *    JSON, a 200 of the wrong shape, a request that never answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SERVICE_TARGET = 'Comprehend_20171127';
export const SENTIMENT_LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'ar', 'hi', 'ja', 'ko', 'zh', 'zh-TW'];
export const MAX_DOCUMENTS = 25;
/** "Each document must contain fewer than 5,000 bytes of UTF-8 encoded characters." */
export const MAX_DOCUMENT_BYTES = 4_999;

export type Sentiment = 'POSITIVE' | 'NEGATIVE' | 'NEUTRAL' | 'MIXED';
/** What the server says of one text: a sentiment, or a per-item error (listed in ErrorList). */
export type Verdict = Sentiment | { errorCode: string; errorMessage: string };

export type Failure =
  | 'throttle'
  | 'too-many-requests'
  | 'server-error'
  | 'garbage'
  | 'garbage-500'
  | 'wrong-shape'
  | 'hang';

export interface RecordedCall {
  operation: string;
  languageCode: string;
  texts: string[];
  /** The region of the request's SigV4 credential scope. */
  region: string | undefined;
  /** What the server did with it. */
  outcome: 'answered' | Failure | 'rejected';
}

export interface ComprehendServerOptions {
  /** The verdict for a text; the default: a text containing "bad" is NEGATIVE, "good" POSITIVE, both MIXED, else NEUTRAL. */
  verdict?: (text: string, languageCode: string) => Verdict;
}

export interface ComprehendServer {
  url: string;
  calls: RecordedCall[];
  /** The next requests fail this way, one failure per request, in order. */
  failNext(...failures: Failure[]): void;
  /** Forgets the recorded calls and any failure not yet used. */
  reset(): void;
  /** Resolves when the server has received `n` requests in all. */
  waitForCalls(n: number): Promise<void>;
  close(): Promise<void>;
}

export function ruleVerdict(text: string): Sentiment {
  const lower = text.toLowerCase();
  const bad = lower.includes('bad');
  const good = lower.includes('good');
  if (bad && good) return 'MIXED';
  if (bad) return 'NEGATIVE';
  if (good) return 'POSITIVE';
  return 'NEUTRAL';
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function startComprehendServer(options: ComprehendServerOptions = {}): Promise<ComprehendServer> {
  const verdict = options.verdict ?? ruleVerdict;
  const calls: RecordedCall[] = [];
  const failures: Failure[] = [];
  const hanging = new Set<ServerResponse>();
  const waiters: { n: number; resolve: () => void }[] = [];
  let requestCounter = 0;

  const notify = (): void => {
    for (const w of [...waiters]) {
      if (calls.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = `local-${++requestCounter}`;
    const body = await readBody(req);
    const send = (status: number, payload: string, contentType = 'application/x-amz-json-1.1'): void => {
      res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    };
    const sendError = (e: ServiceError): void => send(e.status, JSON.stringify({ __type: e.type, message: e.message }));

    if (req.method !== 'POST' || req.url !== '/') return send(404, JSON.stringify({ __type: 'UnknownOperationException', message: 'Not found' }));
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\/comprehend\/aws4_request/.exec(req.headers.authorization ?? '')?.[1];
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(`${SERVICE_TARGET}.`) ? target.slice(SERVICE_TARGET.length + 1) : '';
    const record = (languageCode: string, texts: string[], outcome: RecordedCall['outcome']): void => {
      calls.push({ operation, languageCode, texts, region, outcome });
      notify();
    };
    try {
      if (region === undefined) throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) throw new ServiceError('SerializationException', 'Unexpected content type');
      if (operation !== 'BatchDetectSentiment' && operation !== 'DetectSentiment') throw new ServiceError('UnknownOperationException', `Unknown operation ${target}`);
      let input: unknown;
      try {
        input = JSON.parse(body);
      } catch {
        throw new ServiceError('SerializationException', 'Request body is not JSON');
      }
      const { languageCode, texts } = readInput(operation, input);
      const failure = failures.shift();
      if (failure !== undefined) {
        record(languageCode, texts, failure);
        return fail(failure, res, send, sendError, hanging);
      }
      try {
        validate(languageCode, texts);
      } catch (e) {
        record(languageCode, texts, 'rejected');
        throw e;
      }
      record(languageCode, texts, 'answered');
      if (operation === 'DetectSentiment') {
        const v = verdict(texts[0] ?? '', languageCode);
        if (typeof v !== 'string') throw new ServiceError('InternalServerException', v.errorMessage, 500);
        return send(200, JSON.stringify({ Sentiment: v, SentimentScore: scores(v) }));
      }
      const ResultList: unknown[] = [];
      const ErrorList: unknown[] = [];
      texts.forEach((text, Index) => {
        const v = verdict(text, languageCode);
        if (typeof v === 'string') ResultList.push({ Index, Sentiment: v, SentimentScore: scores(v) });
        else ErrorList.push({ Index, ErrorCode: v.errorCode, ErrorMessage: v.errorMessage });
      });
      return send(200, JSON.stringify({ ResultList, ErrorList }));
    } catch (e) {
      if (e instanceof ServiceError) return sendError(e);
      return sendError(new ServiceError('InternalServerException', 'Internal server error', 500));
    }
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    failNext: (...f) => {
      failures.push(...f);
    },
    reset: () => {
      calls.length = 0;
      failures.length = 0;
    },
    waitForCalls: (n) => (calls.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readInput(operation: string, input: unknown): { languageCode: string; texts: string[] } {
  if (typeof input !== 'object' || input === null) throw new ServiceError('SerializationException', 'Request body is not a JSON object');
  const body = input as Record<string, unknown>;
  if (typeof body['LanguageCode'] !== 'string') throw new ServiceError('ValidationException', "1 validation error detected: Value null at 'languageCode' failed to satisfy constraint: Member must not be null");
  const languageCode = body['LanguageCode'];
  if (operation === 'DetectSentiment') {
    if (typeof body['Text'] !== 'string') throw new ServiceError('ValidationException', "1 validation error detected: Value null at 'text' failed to satisfy constraint: Member must not be null");
    return { languageCode, texts: [body['Text']] };
  }
  const list = body['TextList'];
  if (!Array.isArray(list) || !list.every((t): t is string => typeof t === 'string')) {
    throw new ServiceError('ValidationException', "1 validation error detected: Value at 'textList' failed to satisfy constraint: Member must be a list of strings");
  }
  return { languageCode, texts: list };
}

function validate(languageCode: string, texts: string[]): void {
  if (!SENTIMENT_LANGUAGES.includes(languageCode)) throw new ServiceError('UnsupportedLanguageException', `Unsupported language: ${languageCode}`);
  if (texts.length === 0) throw new ServiceError('InvalidRequestException', 'TextList must contain at least one document');
  if (texts.length > MAX_DOCUMENTS) throw new ServiceError('BatchSizeLimitExceededException', `Batch size ${texts.length} exceeds the limit of ${MAX_DOCUMENTS}`);
  texts.forEach((text, i) => {
    if (text.length === 0) throw new ServiceError('ValidationException', `1 validation error detected: Value at 'textList.${i + 1}.member' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    if (Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES) throw new ServiceError('TextSizeLimitExceededException', 'Input text size exceeds limit. Max length of request text allowed is 5000 bytes');
  });
}

function fail(
  failure: Failure,
  res: ServerResponse,
  send: (status: number, payload: string, contentType?: string) => void,
  sendError: (e: ServiceError) => void,
  hanging: Set<ServerResponse>,
): void {
  switch (failure) {
    case 'throttle':
      return sendError(new ServiceError('ThrottlingException', 'Rate exceeded'));
    case 'too-many-requests':
      return sendError(new ServiceError('TooManyRequestsException', 'Too many requests'));
    case 'server-error':
      return sendError(new ServiceError('InternalServerException', 'An internal error occurred', 500));
    case 'garbage':
      return send(200, '<html><body>Bad gateway</body></html>', 'text/html');
    case 'garbage-500':
      return send(500, '<html><body>Internal Server Error</body></html>', 'text/html');
    case 'wrong-shape':
      return send(200, JSON.stringify({ ResultList: [{ Index: 'zero', Sentiment: 'ANGRY' }, { Index: 1 }], ErrorList: [] }));
    case 'hang':
      hanging.add(res);
      return;
  }
}

function scores(v: Sentiment): { Positive: number; Negative: number; Neutral: number; Mixed: number } {
  const base = { Positive: 0.02, Negative: 0.02, Neutral: 0.02, Mixed: 0.02 };
  const key = ({ POSITIVE: 'Positive', NEGATIVE: 'Negative', NEUTRAL: 'Neutral', MIXED: 'Mixed' } as const)[v];
  return { ...base, [key]: 0.94 };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
