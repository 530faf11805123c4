import { criticOnly } from './critic-only.ts';
import { dormant } from './dormant.ts';
import { inactiveAccount } from './inactive-account.ts';
import { neverEngaged } from './never-engaged.ts';
import { oneSided } from './one-sided.ts';
import { outOfAudience } from './out-of-audience.ts';
import type { ReasonCode } from '../analysis-types.ts';
import type { ReasonRule } from './rule.ts';

/** The per-contact rules analyse() runs, in the order reasons are reported. */
/** Any one rule, each typed by its own code. */
export type AnyReasonRule = { [C in ReasonCode]: ReasonRule<C> }[ReasonCode];

export const CONTACT_RULES: readonly AnyReasonRule[] = [neverEngaged, dormant, oneSided, criticOnly, outOfAudience, inactiveAccount];
