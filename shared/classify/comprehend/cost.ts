/**
 * What Comprehend bills for sentiment (aws.amazon.com/comprehend/pricing):
 * requests are metered in units of 100 characters, at least 3 units per
 * document; $0.0001 a unit for the first 10 million units a month.
 */
export const CHARACTERS_PER_UNIT = 100;
export const MINIMUM_UNITS_PER_TEXT = 3;
/** US dollars per unit, first pricing tier (up to 10M units a month), as published in 2026. */
export const USD_PER_UNIT = 0.0001;

/** Characters as Comprehend counts them: Unicode code points, not UTF-16 units or bytes. */
export function characterCount(text: string): number {
  const pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0;
  return text.length - pairs;
}

export function unitsFor(text: string): number {
  return Math.max(MINIMUM_UNITS_PER_TEXT, Math.ceil(characterCount(text) / CHARACTERS_PER_UNIT));
}

export function costUsd(units: number, usdPerUnit: number = USD_PER_UNIT): number {
  return units * usdPerUnit;
}
