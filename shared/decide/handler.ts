/**
 * The decision page: a pure function from a request to a response, with its
 * ports injected. The same function serves the Lambda Function URL
 * (functions/decide.ts) and `followback serve`.
 *
 * GET (and HEAD) never change anything: mail scanners open every link. They
 * show who, what and why, and a button; only the POST from that button acts,
 * once per link (the link's id is put conditionally in the table).
 */
import type { ProfileConfig } from '../config/schema.ts';
import type { TrackedContact, ReasonCode } from '../domain/analysis-types.ts';
import type { DecisionLedger, DecisionStore } from '../ports/store.ts';
import { keepContact } from '../app/keep-contact.ts';
import { formatterFor } from '../report/format.ts';
import { messagesFor } from '../report/i18n.ts';
import type { Keyring } from './keyring.ts';
import { localeFromAcceptLanguage, pageMessagesFor, type ActOutcomeKind, type OutcomeCounts, type PageMessages } from './page-messages.ts';
import { PAGE_HEADERS, renderPage, type ContactBlock, type PageView } from './render-page.ts';
import { LINK_TTL_SECONDS, verifyToken, type TokenPayload } from './token.ts';

export const SNOOZE_DAYS = 90;
const DAY_MS = 86_400_000;
/** A form body is one token and a field name: anything far bigger is not ours. */
const MAX_BODY_CHARS = 16_384;

export interface DecideRequest {
  method: string;
  /** The path the page was served at (the form posts back to it). */
  path: string;
  query: Readonly<Record<string, string | undefined>>;
  /** Raw body (a urlencoded form for POST). */
  body: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
}

export interface DecideResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface DecideLog {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** What the page asks the act engine to carry out right after recording a confirmation. */
export interface PageActRequest {
  /** The link's id: the confirmations it recorded name it. */
  tokenId: string;
  keys: string[];
  action: 'unfollow' | 'follow_back';
  /** When the link was issued: the report the recommendation came from. */
  reportAt: string;
}

/** What happened to one contact of the link. `waiting`: not attempted now (cap, time, taken by another apply). */
export interface PageActOutcome {
  key: string;
  handle?: string;
  outcome: ActOutcomeKind;
  reason?: string;
  /** For `followback undo`. */
  actionId?: string;
}

/** Carries out the link's confirmed actions through the act engine (shared/decide/page-act.ts builds it). */
export type PageAct = (profile: ProfileConfig, request: PageActRequest) => Promise<PageActOutcome[]>;

export interface DecideDeps {
  /** The signing keys (read from Secrets Manager or a local file; cached by the caller). */
  keyring(): Promise<Keyring>;
  /** The configured profile of this id, if this deployment serves it. */
  profile(id: string): ProfileConfig | undefined;
  decisions: DecisionStore;
  ledger: DecisionLedger;
  clock(): Date;
  log?: DecideLog;
  /**
   * Acting at once on an Unfollow / Follow back, for profiles with `act.enabled`.
   * Absent (or acting off): the confirmation is recorded and waits for `followback apply --confirm`.
   */
  act?: PageAct;
}

const silent: DecideLog = { info: () => {}, warn: () => {}, error: () => {} };

export async function handleDecision(req: DecideRequest, deps: DecideDeps): Promise<DecideResponse> {
  const log = deps.log ?? silent;
  const method = req.method.toUpperCase();
  const fallback = pageMessagesFor(localeFromAcceptLanguage(req.headers['accept-language']));
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    return respond(405, simplePage(fallback, fallback.methodTitle, '', 'bad'), { allow: 'GET, HEAD, POST' });
  }
  const head = method === 'HEAD';
  const token = method === 'POST' ? formField(req.body, 't') : req.query['t'];
  const now = deps.clock();
  const check = verifyToken(token ?? '', await deps.keyring(), now);
  if (!check.ok) {
    // An expired token's MAC was good, so its profile's language can be trusted.
    const expiredProfile = check.problem === 'expired' && check.payload ? deps.profile(check.payload.profile) : undefined;
    const m = expiredProfile ? pageMessagesFor(expiredProfile.report.locale) : fallback;
    log.warn('decision link refused', { problem: check.problem, method, ...(check.payload ? { profile: check.payload.profile, jti: check.payload.jti } : {}) });
    return check.problem === 'expired'
      ? respond(410, simplePage(m, m.expiredTitle, m.expiredBody, 'bad'), {}, head)
      : respond(400, simplePage(m, m.invalidTitle, m.invalidBody, 'bad'), {}, head);
  }
  const payload = check.payload;
  const profile = deps.profile(payload.profile);
  if (profile === undefined) {
    log.warn('decision link for a profile this deployment does not serve', { profile: payload.profile, jti: payload.jti });
    return respond(400, simplePage(fallback, fallback.invalidTitle, fallback.invalidBody, 'bad'), {}, head);
  }
  const m = pageMessagesFor(profile.report.locale);

  if (method === 'POST' && !sameOrigin(req.headers)) {
    log.warn('decision POST from another site refused', { profile: profile.id, jti: payload.jti });
    return respond(403, simplePage(m, m.crossSiteTitle, m.crossSiteBody, 'bad'));
  }
  if (await deps.ledger.isTokenUsed(profile.id, payload.jti)) {
    return respond(409, simplePage(m, m.usedTitle, m.usedBody, 'bad'), {}, head);
  }

  if (method !== 'POST') {
    const contacts = await Promise.all(payload.keys.map((key) => deps.ledger.findContact(profile.id, key).then((c) => ({ key, contact: c }))));
    return respond(200, confirmPage(m, profile, payload, contacts, req.path, token ?? '', now), {}, head);
  }

  if (!(await deps.ledger.consumeToken(profile.id, payload.jti, payload.exp))) {
    return respond(409, simplePage(m, m.usedTitle, m.usedBody, 'bad'));
  }
  try {
    await apply(payload, profile, deps, now);
  } catch (err) {
    // The link was marked used before acting; give it back so the owner can try again.
    await deps.ledger.releaseToken(profile.id, payload.jti).catch(() => {});
    log.error('decision could not be stored', { profile: profile.id, jti: payload.jti, action: payload.action, problem: err instanceof Error ? err.message : String(err) });
    return respond(503, simplePage(m, m.failedTitle, m.failedBody, 'bad'), { 'retry-after': '60' });
  }
  log.info('decision stored', { profile: profile.id, jti: payload.jti, action: payload.action, contacts: payload.keys.length });
  const title = m.doneTitle(payload.action, payload.keys.length);
  if (!isAct(payload.action)) {
    return respond(200, renderPage({ lang: m.lang, title, tone: 'ok', paragraphs: [m.doneNext(payload.action)], footer: m.footer }));
  }
  if (!actingEnabled(profile) || deps.act === undefined) {
    const note = actingEnabled(profile) ? m.actingLater : m.actingOff;
    return respond(200, renderPage({ lang: m.lang, title, tone: 'ok', paragraphs: [m.doneNext(payload.action)], notes: [note], footer: m.footer }));
  }
  let outcomes: PageActOutcome[];
  try {
    outcomes = await deps.act(profile, { tokenId: payload.jti, keys: [...payload.keys], action: payload.action as 'unfollow' | 'follow_back', reportAt: linkIssuedAt(payload) });
  } catch (err) {
    // The confirmation is stored: the link stays used, and the next apply carries it out.
    log.error('acting on a confirmed decision failed', { profile: profile.id, jti: payload.jti, action: payload.action, problem: err instanceof Error ? err.message : String(err) });
    return respond(200, renderPage({ lang: m.lang, title, tone: 'note', paragraphs: [m.actFailed], footer: m.footer }));
  }
  log.info('acted on a confirmed decision', { profile: profile.id, jti: payload.jti, outcomes: countOutcomes(outcomes) });
  const byKey = new Map(outcomes.map((o) => [o.key, o]));
  // One line per contact of the link, in its order; a contact the engine did not report on is still waiting.
  const perContact = payload.keys.map((key): PageActOutcome => byKey.get(key) ?? { key, outcome: 'waiting' });
  const counts = countOutcomes(perContact);
  const results = perContact.map((o) => ({ who: o.handle ?? o.key, text: m.outcome(o), tone: outcomeTone(o.outcome) }));
  return respond(
    200,
    renderPage({ lang: m.lang, title: m.actedTitle(payload.action, counts), tone: counts.failed > 0 ? 'note' : 'ok', paragraphs: [m.actedSummary(counts)], results, ...(counts.waiting > 0 ? { notes: [m.waitingNote] } : {}), footer: m.footer }),
  );
}

/** The link was signed with the report's clock and expires LINK_TTL_SECONDS later (the links carry no other issue time). */
export function linkIssuedAt(payload: TokenPayload): string {
  return new Date((payload.exp - LINK_TTL_SECONDS) * 1000).toISOString();
}

function countOutcomes(outcomes: PageActOutcome[]): OutcomeCounts {
  const counts = { done: 0, already: 0, skipped: 0, failed: 0, waiting: 0 };
  for (const o of outcomes) counts[o.outcome]++;
  return counts;
}

function outcomeTone(outcome: PageActOutcome['outcome']): 'ok' | 'note' | 'bad' {
  return outcome === 'done' || outcome === 'already' ? 'ok' : outcome === 'failed' ? 'bad' : 'note';
}

async function apply(payload: TokenPayload, profile: ProfileConfig, deps: DecideDeps, now: Date): Promise<void> {
  for (const key of payload.keys) {
    switch (payload.action) {
      case 'keep':
        await keepContact(deps.decisions, profile.id, { contact: key, note: 'decided from the report', now });
        break;
      case 'snooze':
        await keepContact(deps.decisions, profile.id, { contact: key, until: new Date(now.getTime() + SNOOZE_DAYS * DAY_MS).toISOString(), note: 'decided from the report', now });
        break;
      case 'unfollow':
      case 'follow_back':
        await deps.ledger.putConfirmedAction(profile.id, { key, action: payload.action, confirmedAt: now.toISOString(), reportAt: linkIssuedAt(payload), tokenId: payload.jti, status: 'pending' });
        break;
    }
  }
}

function isAct(action: TokenPayload['action']): boolean {
  return action === 'unfollow' || action === 'follow_back';
}

/** `act.enabled` (the act engine's opt-in), read defensively: absent means off. */
export function actingEnabled(profile: ProfileConfig): boolean {
  const act: unknown = (profile as { act?: unknown }).act;
  return typeof act === 'object' && act !== null && 'enabled' in act && act.enabled === true;
}

function confirmPage(
  m: PageMessages,
  profile: ProfileConfig,
  payload: TokenPayload,
  contacts: { key: string; contact: (TrackedContact & { previousReasons?: ReasonCode[] }) | null }[],
  path: string,
  token: string,
  now: Date,
): string {
  const report = messagesFor(profile.report.locale);
  const f = formatterFor(report);
  const items: ContactBlock[] = contacts.map(({ key, contact: c }) =>
    c === null
      ? { name: m.unknownContact(key), handle: '', platform: '', relation: '', href: null, reasons: m.noReasons, facts: '' }
      : {
          name: c.displayName.trim() || c.handle,
          handle: c.handle,
          platform: c.platform,
          relation: report.relations[c.relation],
          href: c.profileUrl ?? null,
          reasons: (c.previousReasons ?? []).map((r) => report.reasons[r]).join(' · ') || m.noReasons,
          facts: m.facts({
            inbound: c.lifetime?.inbound ?? 0,
            outbound: c.lifetime?.outbound ?? 0,
            lastInbound: c.lifetime?.lastInboundAt !== undefined ? f.date(c.lifetime.lastInboundAt) : null,
            followedSince: c.followedAt !== undefined ? f.date(c.followedAt) : null,
            lastPost: c.lastPostAt !== undefined ? f.date(c.lastPostAt) : null,
          }),
        },
  );
  const first = items[0];
  const who = first ? (first.handle || first.name) : '';
  const until = f.date(new Date(now.getTime() + SNOOZE_DAYS * DAY_MS).toISOString());
  const view: PageView = {
    lang: m.lang,
    title: m.confirmTitle(payload.action, who, payload.keys.length),
    tone: 'plain',
    contacts: { why: m.why, profileLink: m.profileLink, items },
    paragraphs: [m.effect(payload.action, until), m.once(f.date(new Date(payload.exp * 1000).toISOString()))],
    notes: isAct(payload.action) ? [actingEnabled(profile) ? m.actingOn : m.actingOff] : [],
    form: { action: formAction(path), token, button: m.confirmButton(payload.action, payload.keys.length) },
    footer: m.footer,
  };
  return renderPage(view);
}

/** The form posts back to the page's own path (no query: the token rides in the body). */
function formAction(path: string): string {
  return /^\/[A-Za-z0-9/_.-]*$/.test(path) ? path : '/';
}

function simplePage(m: PageMessages, title: string, body: string, tone: PageView['tone']): string {
  return renderPage({ lang: m.lang, title, tone, paragraphs: body ? [body] : [], footer: m.footer });
}

/**
 * The token is the capability, so a forged cross-site POST would need the token anyway; still,
 * a POST must come from the page itself where the browser says so. `Origin: null` is what a
 * browser sends for a form POST from a `Referrer-Policy: no-referrer` page, so it passes.
 */
export function sameOrigin(headers: DecideRequest['headers']): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers['origin'];
  if (origin === undefined || origin === 'null') return true;
  const host = headers['x-forwarded-host'] ?? headers['host'];
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function formField(body: string, name: string): string | undefined {
  if (body.length > MAX_BODY_CHARS) return undefined;
  return new URLSearchParams(body).get(name) ?? undefined;
}

function respond(status: number, body: string, extra: Record<string, string> = {}, head = false): DecideResponse {
  return { status, headers: { ...PAGE_HEADERS, ...extra }, body: head ? '' : body };
}
