/** The cost figures, the model ids IAM is built from, and the tone fields of the config. */
import { describe, expect, it } from 'vitest';
import { costUsd, DEFAULT_MAX_COST_USD, DEFAULT_MODEL_ID, DEFAULT_PRICES, estimateTokens } from '../../../../shared/classify/bedrock/cost.ts';
import { foundationModelArn, foundationModelIdOf, inferenceProfileArn, isInferenceProfileId } from '../../../../shared/classify/bedrock/model-id.ts';
import { ToneConfig } from '../../../../shared/config/schema.ts';

describe('cost', () => {
  it('defaults to Amazon Nova Micro at its on-demand prices per 1,000 tokens', () => {
    expect(DEFAULT_MODEL_ID).toBe('amazon.nova-micro-v1:0');
    expect(DEFAULT_PRICES).toEqual({ usdPer1kInputTokens: 0.000035, usdPer1kOutputTokens: 0.00014 });
    expect(DEFAULT_MAX_COST_USD).toBe(0.1);
  });

  it('is input tokens × input price + output tokens × output price, per 1,000', () => {
    expect(costUsd(1000, 1000)).toBeCloseTo(0.000175, 12);
    expect(costUsd(2500, 400, { usdPer1kInputTokens: 0.25, usdPer1kOutputTokens: 1.25 })).toBeCloseTo(0.625 + 0.5, 12);
    expect(costUsd(0, 0)).toBe(0);
  });

  it('what 1,000 replies cost with the defaults: about a third of a cent (the figure docs/classifiers.md gives)', () => {
    // 40 requests of 25 replies: the ~1,800-character system prompt (~450 tokens) with the tags (~700 in all), ~25 tokens a reply, ~10 a label.
    const input = 40 * (700 + 25 * 25);
    const output = 40 * (25 * 10 + 10);
    expect(costUsd(input, output)).toBeCloseTo(0.003311, 6);
  });

  it('estimates tokens from characters generously (one per three, plus one)', () => {
    expect(estimateTokens('')).toBe(1);
    expect(estimateTokens('abc')).toBe(2);
    expect(estimateTokens('x'.repeat(300))).toBe(101);
  });
});

describe('model ids and ARNs', () => {
  it('tells a cross-Region inference profile id by its geography prefix', () => {
    expect(isInferenceProfileId('amazon.nova-micro-v1:0')).toBe(false);
    expect(isInferenceProfileId('us.amazon.nova-micro-v1:0')).toBe(true);
    expect(isInferenceProfileId('eu.amazon.nova-micro-v1:0')).toBe(true);
    expect(isInferenceProfileId('apac.amazon.nova-micro-v1:0')).toBe(true);
    expect(foundationModelIdOf('eu.amazon.nova-micro-v1:0')).toBe('amazon.nova-micro-v1:0');
    expect(foundationModelIdOf('anthropic.claude-3-haiku-20240307-v1:0')).toBe('anthropic.claude-3-haiku-20240307-v1:0');
  });

  it('builds the ARNs IAM knows them by', () => {
    expect(foundationModelArn('aws', 'us-east-1', 'amazon.nova-micro-v1:0')).toBe('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0');
    expect(foundationModelArn('aws', '*', 'us.amazon.nova-micro-v1:0')).toBe('arn:aws:bedrock:*::foundation-model/amazon.nova-micro-v1:0');
    expect(inferenceProfileArn('aws', 'us-east-1', '123456789012', 'us.amazon.nova-micro-v1:0')).toBe('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-micro-v1:0');
  });
});

describe('tone config', () => {
  it('keeps lexicon the default and takes bedrock with its fields', () => {
    expect(ToneConfig.parse({})).toEqual({ classifier: 'lexicon' });
    expect(ToneConfig.parse({ classifier: 'bedrock' })).toEqual({ classifier: 'bedrock' });
    const full = { classifier: 'bedrock', region: 'eu-west-1', modelId: 'eu.amazon.nova-micro-v1:0', maxCostUsd: 0.05, batchSize: 40, usdPer1kInputTokens: 0.0000385, usdPer1kOutputTokens: 0.000154 };
    expect(ToneConfig.parse(full)).toEqual(full);
  });

  it('refuses a Bedrock field for another classifier, an ARN as model id, and values out of range, naming the field', () => {
    const issues = (input: unknown) => ToneConfig.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ classifier: 'lexicon', maxCostUsd: 1 })).toEqual(['maxCostUsd: only read when "classifier" is "bedrock" (it is "lexicon")']);
    expect(issues({ modelId: 'amazon.nova-micro-v1:0' })).toEqual(['modelId: only read when "classifier" is "bedrock" (it is "lexicon")']);
    expect(issues({ classifier: 'bedrock', modelId: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0' })?.[0]).toMatch(/^modelId: a Bedrock model id/);
    expect(issues({ classifier: 'bedrock', maxCostUsd: -1 })?.[0]).toMatch(/^maxCostUsd/);
    expect(issues({ classifier: 'bedrock', batchSize: 0 })?.[0]).toMatch(/^batchSize/);
    expect(issues({ classifier: 'bedrock', batchSize: 101 })?.[0]).toMatch(/^batchSize/);
    expect(issues({ classifier: 'bedrock', modelTemperature: 1 })?.[0]).toMatch(/Unrecognized key/);
  });
});
