/**
 * The Comprehend tone classifier with the real `@aws-sdk/client-comprehend`
 * talking over HTTP to a local server that speaks Comprehend's wire protocol.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ComprehendToneSettings, comprehendClient, comprehendToneClassifier } from '../../../shared/classify/comprehend/comprehend-client.ts';
import { ComprehendCallError, ComprehendToneClassifier } from '../../../shared/classify/comprehend/comprehend-tone-classifier.ts';
import type { ToneText } from '../../../shared/ports/classifiers.ts';
import { type ComprehendServer, MAX_DOCUMENT_BYTES, ruleVerdict, startComprehendServer, type Verdict } from '../../helpers/comprehend-server.ts';

const SECRET = 'wJalrXUtnFEMI-local-test-secret';
const REGION = 'eu-south-1';

let server: ComprehendServer;
let verdict: (text: string, lang: string) => Verdict = ruleVerdict;

beforeAll(async () => {
  server = await startComprehendServer({ verdict: (text, lang) => verdict(text, lang) });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
  verdict = ruleVerdict;
});

function classifier(settings: ComprehendToneSettings = {}) {
  return comprehendToneClassifier({
    endpoint: server.url,
    region: REGION,
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: SECRET },
    maxAttempts: 3,
    ...settings,
  });
}

function replies(n: number, lang: string | undefined, prefix: string): ToneText[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    text: `${prefix} reply number ${i}: ${i % 3 === 0 ? 'this is bad' : i % 3 === 1 ? 'so good' : 'fine'}`,
    ...(lang !== undefined ? { lang } : {}),
  }));
}

describe('Comprehend tone classifier', () => {
  it('sends 60 texts as 3 calls of at most 25, one language per call, and maps every id to its tone', async () => {
    const texts = [...replies(40, 'en', 'en'), ...replies(20, 'es', 'es')];
    // Interleave so grouping by language is the classifier's work, not the input order.
    texts.sort((a, b) => Number(a.id.split('-')[1]) - Number(b.id.split('-')[1]));
    const c = classifier();

    const answer = await c.classify(texts);

    expect(server.calls.map((call) => [call.operation, call.languageCode, call.texts.length])).toEqual([
      ['BatchDetectSentiment', 'en', 25],
      ['BatchDetectSentiment', 'en', 15],
      ['BatchDetectSentiment', 'es', 20],
    ]);
    expect(server.calls.every((call) => call.region === REGION)).toBe(true);
    expect(answer.size).toBe(60);
    for (const t of texts) {
      expect(answer.get(t.id), t.id).toBe(t.text.includes('bad') ? 'negative' : t.text.includes('good') ? 'positive' : 'neutral');
    }
    expect(c.usage).toMatchObject({ calls: 3, attempts: 3, textsSent: 60, itemErrors: 0, skippedLanguage: 0, stopped: false });
    // Every reply is under 300 characters: the 3-unit minimum each.
    expect(c.usage.units).toBe(180);
    expect(c.estimatedCostUsd()).toBeCloseTo(0.018, 10);
  });

  it('maps MIXED to neutral: praise and blame together is not criticism', async () => {
    const answer = await classifier().classify([{ id: 'm', text: 'good idea, bad execution', lang: 'en' }]);
    expect(answer.get('m')).toBe('neutral');
  });

  it('leaves out texts in a language Comprehend does not read, or of unknown language, and never sends them', async () => {
    const detected: Record<string, string> = { 'ongetagd en slecht': 'nl', 'untagged but bad': 'en', '??': 'unknown' };
    const c = classifier({ languageOf: (text) => detected[text] ?? 'unknown' });
    const answer = await c.classify([
      { id: 'nl', text: 'dit is bad', lang: 'nl' },
      { id: 'ru', text: 'bad плохо', lang: 'ru' },
      { id: 'nl-detected', text: 'ongetagd en slecht' },
      { id: 'unknown', text: '??' },
      { id: 'en-detected', text: 'untagged but bad' },
      { id: 'pt-br', text: 'muito bad', lang: 'pt-BR' },
      { id: 'zh-hant', text: '很 good', lang: 'zh-Hant' },
      { id: 'zh-cn', text: '很 bad', lang: 'zh-CN' },
    ]);

    expect([...answer.keys()].sort()).toEqual(['en-detected', 'pt-br', 'zh-cn', 'zh-hant']);
    expect(answer.get('zh-hant')).toBe('positive');
    const sent = server.calls.flatMap((call) => call.texts);
    expect(sent).not.toContain('dit is bad');
    expect(sent).not.toContain('bad плохо');
    expect(sent).not.toContain('ongetagd en slecht');
    expect(server.calls.map((call) => call.languageCode).sort()).toEqual(['en', 'pt', 'zh', 'zh-TW']);
    expect(c.usage.skippedLanguage).toBe(4);
  });

  it('uses the default language only when nothing else tells, and without one leaves untagged texts out', async () => {
    const withDefault = await classifier({ defaultLanguage: 'it' }).classify([{ id: 'a', text: 'bad davvero' }]);
    expect(withDefault.get('a')).toBe('negative');
    expect(server.calls[0]?.languageCode).toBe('it');

    const noDefault = classifier();
    expect((await noDefault.classify([{ id: 'b', text: 'bad davvero' }])).size).toBe(0);
    expect(noDefault.usage.skippedLanguage).toBe(1);
    expect(server.calls).toHaveLength(1);
  });

  it('refuses settings Comprehend would reject, saying which', () => {
    expect(() => classifier({ defaultLanguage: 'nl' })).toThrow(/defaultLanguage "nl" is not a language/);
    expect(() => classifier({ batchSize: 26 })).toThrow(/batchSize must be an integer from 1 to 25, got 26/);
    expect(() => classifier({ maxTextBytes: 5000 })).toThrow(/maxTextBytes must be an integer from 1 to 4999/);
  });

  it('leaves out the texts Comprehend lists in ErrorList and counts them', async () => {
    verdict = (text) => (text.includes('boom') ? { errorCode: 'INTERNAL_SERVER_ERROR', errorMessage: 'Internal Server Error' } : ruleVerdict(text));
    const c = classifier();
    const answer = await c.classify([
      { id: 'ok', text: 'bad reply', lang: 'en' },
      { id: 'fails', text: 'boom bad reply', lang: 'en' },
      { id: 'ok2', text: 'good reply', lang: 'en' },
    ]);
    expect(Object.fromEntries(answer)).toEqual({ ok: 'negative', ok2: 'positive' });
    expect(c.usage.itemErrors).toBe(1);
  });

  it('treats an answer of the wrong shape as unknown tones, not as a guess', async () => {
    server.failNext('wrong-shape');
    const c = classifier();
    const answer = await c.classify([
      { id: 'a', text: 'bad one', lang: 'en' },
      { id: 'b', text: 'bad two', lang: 'en' },
    ]);
    expect(answer.size).toBe(0);
    expect(c.usage.itemErrors).toBe(2);
  });

  it('sends an identical text once and answers every id that carries it', async () => {
    const c = classifier();
    const answer = await c.classify([
      { id: 'a', text: 'this is bad', lang: 'en' },
      { id: 'b', text: 'this is bad', lang: 'en' },
      { id: 'c', text: 'this is bad', lang: 'en-GB' },
      { id: 'd', text: 'this is bad', lang: 'es' },
    ]);
    expect(Object.fromEntries(answer)).toEqual({ a: 'negative', b: 'negative', c: 'negative', d: 'negative' });
    expect(server.calls.map((call) => [call.languageCode, call.texts])).toEqual([
      ['en', ['this is bad']],
      ['es', ['this is bad']],
    ]);
    expect(c.usage).toMatchObject({ textsSent: 2, duplicates: 2, units: 6 });
  });

  it('bills units of 100 characters with a 3-unit minimum per text', async () => {
    const c = classifier();
    await c.classify([
      { id: 'short', text: 'bad', lang: 'en' },
      { id: '300', text: 'b'.repeat(300), lang: 'en' },
      { id: '301', text: 'c'.repeat(301), lang: 'en' },
      { id: 'emoji', text: '👎'.repeat(350), lang: 'en' },
    ]);
    expect(c.usage.characters).toBe(3 + 300 + 301 + 350);
    expect(c.usage.units).toBe(3 + 3 + 4 + 4);
  });

  it('retries a throttled call (SDK retry strategy) and then answers', async () => {
    server.failNext('throttle');
    const c = classifier();
    const answer = await c.classify([{ id: 'a', text: 'bad', lang: 'en' }]);
    expect(answer.get('a')).toBe('negative');
    expect(server.calls.map((call) => call.outcome)).toEqual(['throttle', 'answered']);
    expect(c.usage).toMatchObject({ calls: 1, attempts: 2 });
  });

  it('retries TooManyRequestsException too', async () => {
    server.failNext('too-many-requests');
    const answer = await classifier().classify([{ id: 'a', text: 'good', lang: 'en' }]);
    expect(answer.get('a')).toBe('positive');
    expect(server.calls).toHaveLength(2);
  });

  it('rejects with a clear error when throttling outlasts the attempts', async () => {
    server.failNext('throttle', 'throttle');
    const error = await classifier({ maxAttempts: 2 })
      .classify([{ id: 'a', text: 'a secret reply that is bad', lang: 'en' }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComprehendCallError);
    expect((error as Error).message).toMatch(/^Amazon Comprehend BatchDetectSentiment failed for a batch of 1 en text\(s\): ThrottlingException \(HTTP 400, after 2 attempts, request id local-\d+\): Rate exceeded$/);
    expect(server.calls).toHaveLength(2);
  });

  it('rejects a 500 after its retries with a message naming the operation, never the text or the credentials', async () => {
    server.failNext('server-error', 'server-error', 'server-error');
    const error = (await classifier()
      .classify([{ id: 'a', text: 'my private reply, which is bad', lang: 'en' }])
      .catch((e: unknown) => e)) as ComprehendCallError;
    expect(error).toBeInstanceOf(ComprehendCallError);
    expect(error.message).toContain('Amazon Comprehend BatchDetectSentiment failed');
    expect(error.message).toContain('InternalServerException (HTTP 500, after 3 attempts');
    expect(error.httpStatus).toBe(500);
    expect(server.calls).toHaveLength(3);
    expectNothingSecret(error, 'my private reply, which is bad');
  });

  it.each(['garbage', 'garbage-500'] as const)('rejects a response that is not JSON (%s) with a clear error', async (failure) => {
    server.failNext(failure, failure, failure);
    const error = (await classifier()
      .classify([{ id: 'a', text: 'another private reply', lang: 'en' }])
      .catch((e: unknown) => e)) as ComprehendCallError;
    expect(error).toBeInstanceOf(ComprehendCallError);
    expect(error.message).toMatch(/^Amazon Comprehend BatchDetectSentiment failed .*: the answer was not the JSON Comprehend sends/);
    expect(error.message).not.toContain('<html>');
    expectNothingSecret(error, 'another private reply');
  });

  it('cuts a long text to fewer than 5,000 UTF-8 bytes without splitting a character, so Comprehend accepts it', async () => {
    // 2-, 3- and 4-byte characters and a family emoji (a ZWJ sequence) straddling the limit.
    const long = `${'bad é € '.repeat(400)}${'👨‍👩‍👧'.repeat(200)}`;
    expect(Buffer.byteLength(long)).toBeGreaterThan(MAX_DOCUMENT_BYTES);
    const c = classifier();
    const answer = await c.classify([{ id: 'long', text: long, lang: 'fr' }]);

    expect(answer.get('long')).toBe('negative');
    const sent = server.calls[0]?.texts[0] ?? '';
    expect(server.calls[0]?.outcome).toBe('answered');
    expect(Buffer.byteLength(sent)).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
    expect(Buffer.byteLength(sent)).toBeGreaterThan(MAX_DOCUMENT_BYTES - 20);
    expect(long.startsWith(sent)).toBe(true);
    expect(sent).not.toContain('\uFFFD');
    expect(sent.endsWith('👨‍👩‍👧')).toBe(true);
    expect(c.usage.truncated).toBe(1);
  });

  it('stops between batches when the signal aborts, keeping the answers it has', async () => {
    const controller = new AbortController();
    const client = comprehendClient({ endpoint: server.url, region: REGION, credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: SECRET } });
    // The run's deadline passes right after the first answer arrives, before the second batch goes out.
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        controller.abort(new Error('deadline'));
        return result;
      },
      { step: 'initialize', name: 'deadlineAfterFirstAnswer' },
    );
    const c = new ComprehendToneClassifier(client, { batchSize: 10 });
    const texts = replies(30, 'en', 'en');
    const answer = await c.classify(texts, controller.signal);

    expect(server.calls).toHaveLength(1);
    expect([...answer.keys()]).toEqual(texts.slice(0, 10).map((t) => t.id));
    expect(c.usage).toMatchObject({ calls: 1, textsSent: 10, stopped: true });
  });

  it('stops a call that hangs when the signal aborts', async () => {
    server.failNext('hang');
    const controller = new AbortController();
    const c = classifier();
    const pending = c.classify([{ id: 'a', text: 'bad', lang: 'en' }], controller.signal);
    await server.waitForCalls(1);
    const started = Date.now();
    controller.abort();
    const answer = await pending;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(answer.size).toBe(0);
    expect(c.usage).toMatchObject({ calls: 0, stopped: true });
  });

  it('sends nothing for an already aborted signal', async () => {
    const answer = await classifier().classify(replies(3, 'en', 'en'), AbortSignal.abort());
    expect(answer.size).toBe(0);
    expect(server.calls).toHaveLength(0);
  });

  it('skips empty texts rather than have the whole call refused', async () => {
    const c = classifier();
    const answer = await c.classify([
      { id: 'empty', text: '   ', lang: 'en' },
      { id: 'a', text: 'bad', lang: 'en' },
    ]);
    expect(Object.fromEntries(answer)).toEqual({ a: 'negative' });
    expect(c.usage.skippedEmpty).toBe(1);
  });
});

function expectNothingSecret(error: Error, text: string): void {
  const everything = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
  expect(everything).not.toContain(text);
  expect(everything).not.toContain(SECRET);
  expect(everything).not.toContain('AKIDLOCALTEST');
}
