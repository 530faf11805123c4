/**
 * What a Bedrock text model bills (aws.amazon.com/bedrock/pricing): input and
 * output tokens, each at a price per 1,000 tokens. The defaults are Amazon Nova
 * Micro's on-demand prices as published in 2026 ($0.000035 per 1,000 input
 * tokens, $0.00014 per 1,000 output tokens); another model, or a Region or
 * inference profile priced otherwise, sets its own in `tone.usdPer1k*Tokens`.
 */

/** The default model: Amazon Nova Micro, text only, the smallest and cheapest Nova. */
export const DEFAULT_MODEL_ID = 'amazon.nova-micro-v1:0';
export const DEFAULT_USD_PER_1K_INPUT_TOKENS = 0.000035;
export const DEFAULT_USD_PER_1K_OUTPUT_TOKENS = 0.00014;
/** The default per-run cap: thousands of replies cost a fraction of a cent with Nova Micro, so this only stops a runaway. */
export const DEFAULT_MAX_COST_USD = 0.1;

export interface TokenPrices {
  usdPer1kInputTokens: number;
  usdPer1kOutputTokens: number;
}

export const DEFAULT_PRICES: TokenPrices = { usdPer1kInputTokens: DEFAULT_USD_PER_1K_INPUT_TOKENS, usdPer1kOutputTokens: DEFAULT_USD_PER_1K_OUTPUT_TOKENS };

export function costUsd(inputTokens: number, outputTokens: number, prices: TokenPrices = DEFAULT_PRICES): number {
  return (inputTokens / 1000) * prices.usdPer1kInputTokens + (outputTokens / 1000) * prices.usdPer1kOutputTokens;
}

/**
 * Tokens a text will count as, before sending it (for the cap, which must be
 * checked before the money is spent). Tokenizers differ by model; about four
 * characters a token is usual for English, fewer for Italian, emoji and
 * non-Latin scripts, so this counts one token per three UTF-16 units, plus one:
 * an overestimate, so the cap is never passed by the estimate's error.
 * What a run spent is counted from the tokens the service reports (`usage`).
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3) + 1;
}
