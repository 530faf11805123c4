/**
 * A run's path to the Bedrock classifier: a profile with `tone.classifier:
 * "bedrock"` gets it from buildClassifiers (with its model, cap and prices), the
 * app asks it once, and what it left to the local classifier comes back as the
 * run's notices (not problems: every reply still got a tone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyTexts } from '../../../../shared/app/classify-texts.ts';
import { BedrockToneClassifier } from '../../../../shared/classify/bedrock/bedrock-tone-classifier.ts';
import { buildClassifiers } from '../../../../shared/classify/build-classifiers.ts';
import { ProfileConfig } from '../../../../shared/config/schema.ts';
import { daysAgo, inbound, NOW } from '../../../unit/domain/builders.ts';
import { type ConverseServer, startConverseServer } from '../../../helpers/bedrock-converse-server.ts';

let server: ConverseServer;
beforeAll(async () => {
  server = await startConverseServer();
});
afterAll(async () => {
  await server.close();
});

const silent = { info: () => {}, warn: () => {}, error: () => {} };
const credentials = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' };

function profile(id: string, tone: Record<string, unknown>): ProfileConfig {
  return ProfileConfig.parse({ id, sources: [{ type: 'demo' }], report: { recipients: ['a@example.com'], sender: 'b@example.com' }, tone });
}

const interactions = [
  inbound('critic', daysAgo(1), 'reply', { text: 'bad take, as always' }),
  inbound('critic', daysAgo(2), 'reply', { text: 'oh good, another one of these' }),
  inbound('fan', daysAgo(3), 'reply', { text: 'see you there' }),
];

describe('a run with tone.classifier "bedrock"', () => {
  it('builds the Bedrock classifier with the profile\'s model, batch size and cap; the lexicon one for the others', async () => {
    const bedrock = profile('b', { classifier: 'bedrock', region: 'us-east-1', modelId: 'us.amazon.nova-micro-v1:0', batchSize: 2, maxCostUsd: 0.5 });
    const lexicon = profile('l', {});
    const built = await buildClassifiers([bedrock, lexicon], { bedrock: { endpoint: server.url, credentials } });
    const c = built.toneClassifierFor(bedrock);
    expect(c).toBeInstanceOf(BedrockToneClassifier);
    expect((c as BedrockToneClassifier).modelId).toBe('us.amazon.nova-micro-v1:0');
    expect(built.toneClassifierFor(bedrock)).toBe(c);
    expect(built.toneClassifierFor(lexicon).name).toBe('lexicon');
    // Bedrock needs no language detector.
    expect(built.languageDetector).toBeUndefined();

    server.reset();
    const outcome = await classifyTexts(bedrock, interactions, new Date(NOW), built, silent);
    expect(server.calls.map((call) => [call.modelId, call.region, call.replies.length])).toEqual([
      ['us.amazon.nova-micro-v1:0', 'us-east-1', 2],
      ['us.amazon.nova-micro-v1:0', 'us-east-1', 1],
    ]);
    expect(outcome.classifiers.toneClassifier).toBe('bedrock');
    expect(outcome.classifiers.tone?.('bad take, as always')).toBe('negative');
    expect(outcome.problems).toEqual([]);
    expect(outcome.notices).toEqual([]);
  });

  it('past the cap the local classifier judges the rest: every reply has a tone, the run\'s notices say why, and no problem is reported', async () => {
    const capped = profile('c', { classifier: 'bedrock', region: 'us-east-1', maxCostUsd: 0 });
    const built = await buildClassifiers([capped], { bedrock: { endpoint: server.url, credentials } });
    server.reset();
    const warned: Record<string, unknown>[] = [];
    const outcome = await classifyTexts(capped, interactions, new Date(NOW), built, { ...silent, warn: (_m: string, extra?: Record<string, unknown>) => void warned.push(extra ?? {}) });
    expect(server.calls).toEqual([]);
    for (const i of interactions) expect(outcome.classifiers.tone?.(i.text!), i.text).toBeDefined();
    expect(outcome.classifiers.toneFailed).toBeUndefined();
    expect(outcome.problems).toEqual([]);
    expect(outcome.notices).toEqual(["Bedrock (amazon.nova-micro-v1:0) reached this run's cost cap of $0 (estimated $0 spent): the local classifier judged the other 3 of 3 replies."]);
    expect(warned).toEqual([{ profile: 'c', classifier: 'bedrock', notices: outcome.notices }]);
  });

  it('access denied: the local classifier judges the run, and the notice says the function may not invoke the model', async () => {
    const p = profile('d', { classifier: 'bedrock', region: 'us-east-1' });
    const built = await buildClassifiers([p], { bedrock: { endpoint: server.url, credentials, maxAttempts: 1 } });
    server.reset();
    server.failNext('access-denied');
    const outcome = await classifyTexts(p, interactions, new Date(NOW), built, silent);
    expect(outcome.problems).toEqual([]);
    expect(outcome.notices[0]).toMatch(/^Bedrock \(amazon\.nova-micro-v1:0\) failed, AccessDeniedException \(HTTP 403\): the function may not invoke amazon\.nova-micro-v1:0/);
    for (const i of interactions) expect(outcome.classifiers.tone?.(i.text!), i.text).toBeDefined();
  });
});
