import type { ContactText } from '../analysis-types.ts';
import type { TimedInteraction } from '../interaction-index.ts';
import type { ReasonRule } from './rule.ts';

/** How many of the contact's own texts (newest first) the audience classifier reads besides the bio. */
export const AUDIENCE_TEXTS = 20;

/** The contact's words the history holds: display name and bio, then their newest replies, mentions and quotes. */
export function contactTexts(bio: string, interactions: readonly TimedInteraction[]): ContactText[] {
  const own = interactions
    .filter((i) => i.direction === 'inbound' && i.text !== undefined && i.text.trim() !== '')
    .sort((a, b) => b.atMs - a.atMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, AUDIENCE_TEXTS)
    .map((i): ContactText => (i.lang !== undefined ? { text: i.text ?? '', lang: i.lang } : { text: i.text ?? '' }));
  return bio.trim() === '' ? own : [{ text: bio }, ...own];
}

/**
 * Only with an audience classifier, and never for a contact the owner
 * protected (judgeContact skips it: `ownerOverrides`). Its evidence, as it says.
 */
export const outOfAudience: ReasonRule<'out_of_audience'> = {
  code: 'out_of_audience',
  basis: 'available-data',
  ownerOverrides: true,
  evaluate({ contact, interactions, audience, classifiers }) {
    if (classifiers.audience === undefined) return null;
    return classifiers.audience(contact, contactTexts(contact.bio, interactions), audience);
  },
};
