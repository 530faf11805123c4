/**
 * What each type of source declares it can see (DESIGN: what a source cannot
 * see is not absence either). Each source declares it in its own folder; this
 * maps a configured source to its declaration, so the run knows what every
 * source could see even when its pull failed. A pull may narrow it for itself
 * (`SourcePull.observes`).
 *
 * Every source type must be listed in DECLARED (test/unit/app/observes.test.ts
 * checks it): a type missing here is judged as seeing nothing, so none of its
 * contacts is ever recommended for unfollow.
 */
import type { SourceConfig } from '../config/schema.ts';
import type { Observability } from '../domain/model.ts';
import { API_OBSERVES, combineObserves } from './api/observes.ts';
import { BLUESKY_OBSERVES } from './bluesky/observes.ts';
import { DEMO_OBSERVES } from './demo/observes.ts';
import { EXPORT_OBSERVES } from './exports/observes.ts';
import { FILE_OBSERVES } from './file/observes.ts';
import { MASTODON_OBSERVES } from './mastodon/observes.ts';

export const DECLARED: Readonly<Partial<Record<SourceConfig['type'], Observability>>> = {
  mastodon: MASTODON_OBSERVES,
  bluesky: BLUESKY_OBSERVES,
  demo: DEMO_OBSERVES,
  file: FILE_OBSERVES,
  ...EXPORT_OBSERVES,
};

/** Nothing seen, every kind hidden: what an undeclared source type is judged as. */
export const SEES_NOTHING: Observability = {
  inbound: [],
  outbound: [],
  inboundHidden: ['like', 'repost', 'reply', 'quote', 'mention'],
  followDates: 'none',
};

/** What a configured source sees: its type's declaration, and with an `api` block the union of export and API. */
export function declaredObservability(config: Pick<SourceConfig, 'type'> & { api?: unknown }): Observability {
  const declared = DECLARED[config.type] ?? SEES_NOTHING;
  if (config.api === undefined) return declared;
  switch (config.type) {
    case 'instagram':
    case 'threads':
    case 'facebook':
    case 'x':
      return combineObserves(declared, API_OBSERVES[config.type]);
    default:
      return declared;
  }
}
