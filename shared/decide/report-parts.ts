/**
 * The decision page's share of a report run: the links the email carries and
 * what the owner decided since the previous report. A run without a decision
 * page (no `report.decisionsUrl`, or no signing key) gets neither links nor
 * confirmed actions, and still lists the decisions made with `followback keep`.
 */
import type { ProfileConfig } from '../config/schema.ts';
import type { ConfirmedAction, ProfileState } from '../ports/store.ts';
import type { OwnerDecisionJson } from '../report/report-schema.ts';
import type { DecisionLinks } from '../report/decision-links.ts';

export interface DecisionPageDeps {
  /** Signed links for this profile's email; undefined when it has no decision page or no key. */
  linksFor(profile: ProfileConfig, now: Date): Promise<DecisionLinks | undefined>;
  confirmedActions(profileId: string): Promise<ConfirmedAction[]>;
}

/** Decisions stored after the previous run (every one, on a first run), oldest first. */
export async function decisionsSince(profileId: string, state: Pick<ProfileState, 'decisions' | 'lastRun' | 'contacts'>, page: DecisionPageDeps | undefined): Promise<OwnerDecisionJson[]> {
  const since = state.lastRun === null ? -Infinity : Date.parse(state.lastRun.at);
  const handles = new Map(state.contacts.map((c) => [`${c.sourceId}:${c.id}`, c.handle]));
  const newer = (at: string): boolean => Date.parse(at) > since;
  const withHandle = (contact: string): { handle?: string } => {
    const handle = handles.get(contact);
    return handle !== undefined ? { handle } : {};
  };
  const kept: OwnerDecisionJson[] = state.decisions
    .filter((d) => newer(d.at))
    .map((d) => ({ contact: d.contact, ...withHandle(d.contact), decision: d.kind === 'allow' ? 'keep' : 'snooze', ...(d.until !== undefined ? { until: d.until } : {}), at: d.at }));
  const acted: OwnerDecisionJson[] = (page ? await page.confirmedActions(profileId) : [])
    .filter((a) => newer(a.confirmedAt))
    .map((a) => ({ contact: a.key, ...withHandle(a.key), decision: a.action, at: a.confirmedAt }));
  return [...kept, ...acted].sort((a, b) => a.at.localeCompare(b.at));
}

export async function decisionRenderOptions(profile: ProfileConfig, now: Date, page: DecisionPageDeps | undefined): Promise<{ links?: DecisionLinks }> {
  const links = page ? await page.linksFor(profile, now) : undefined;
  return links ? { links } : {};
}
