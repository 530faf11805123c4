import { criticOnly } from './critic-only.ts';
import { dormant } from './dormant.ts';
import { inactiveAccount } from './inactive-account.ts';
import { neverEngaged } from './never-engaged.ts';
import { oneSided } from './one-sided.ts';
import { outOfAudience } from './out-of-audience.ts';
import type { ReasonRule } from './rule.ts';

/** The per-contact rules analyse() runs, in the order reasons are reported. */
export const CONTACT_RULES: readonly ReasonRule[] = [neverEngaged, dormant, oneSided, criticOnly, outOfAudience, inactiveAccount];
