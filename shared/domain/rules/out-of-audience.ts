import type { ReasonRule } from './rule.ts';

/** Only with an audience classifier: its evidence, as it says. */
export const outOfAudience: ReasonRule = {
  code: 'out_of_audience',
  basis: 'available-data',
  evaluate({ contact, audience, classifiers }) {
    const result = classifiers.audience?.(contact, audience) ?? null;
    return result === null ? null : { detail: result.evidence };
  },
};
