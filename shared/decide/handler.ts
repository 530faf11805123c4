/**
 * The decision page: a pure function from a request to a response, with its
 * ports injected. The same function serves the Lambda Function URL
 * (functions/decide.ts) and `followback serve`.
 *
 * GET (and HEAD) never change anything: mail scanners open every link. They
 * show who, what and why, and a button; only the POST from that button acts,
 * once per link (the link's id is put conditionally in the table).
 *
 * What a valid link may do is bounded by the store, not by the link alone:
 * Keep and Snooze only for a contact the store holds; Unfollow only for an
 * account you follow, Follow back only for a follower you do not follow, and
 * either only where the last report recommended it. Unfollow and Follow back
 * also need a ticked confirmation naming the count (a scanner that presses
 * buttons does not tick it), and a page that acted offers an Undo for a few
 * minutes.
 */
import type { ProfileConfig } from '../config/schema.ts';
import type { TrackedContact } from '../domain/analysis-types.ts';
import type { DecisionLedger, DecisionStore } from '../ports/store.ts';
import type { ReplyLabelStore } from '../ports/tone-labels.ts';
import { keepContact } from '../app/keep-contact.ts';
import { suggestedForOf } from '../domain/suggestions.ts';
import { formatterFor } from '../report/format.ts';
import { messagesFor } from '../report/i18n.ts';
import { withConfirmationMac } from './confirmation-mac.ts';
import type { Keyring } from './keyring.ts';
import { labelLink } from './label-link.ts';
import { criticismQuotes, type PageQuote } from './page-quotes.ts';
import { localeFromAcceptLanguage, pageMessagesFor, type ActOutcomeKind, type OutcomeCounts, type PageMessages } from './page-messages.ts';
import { PAGE_HEADERS, renderPage, type ContactBlock, type FormView, type PageView } from './render-page.ts';
import { isLabelAction, signToken, tokenFormProblem, verifyToken, type DecisionAction, type TokenCheck, type TokenPayload } from './token.ts';

export const SNOOZE_DAYS = 90;
/** How long the Undo button of a page that acted works. */
export const UNDO_WINDOW_SECONDS = 10 * 60;
/** The one body type the page's form sends. */
const FORM_TYPE = 'application/x-www-form-urlencoded';
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

/** What the Undo button of a page that acted asks: reverse these done actions. */
export interface PageUndoRequest {
  /** The undo link's id. */
  tokenId: string;
  /** The act engine's ids of the done actions, with their contacts. */
  actions: { actionId: string; key: string }[];
}

/** Reverses done actions through the act engine (its `undoAction`), capped and audited like any action. */
export type PageUndo = (profile: ProfileConfig, request: PageUndoRequest) => Promise<PageActOutcome[]>;

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
  /** The Undo button after acting; absent: no Undo button (`followback undo` still works). */
  undo?: PageUndo;
  /** Where the email's "this is (not) criticism" links read the reply and store the label (the store `followback label` uses); absent: those links say so and change nothing. */
  labels?: ReplyLabelStore;
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
  if (method === 'POST' && !isFormBody(req.headers['content-type'])) {
    log.warn('decision POST refused: not a form', { contentType: (req.headers['content-type'] ?? '(none)').slice(0, 80) });
    return respond(415, simplePage(fallback, fallback.formOnlyTitle, fallback.formOnlyBody, 'bad'));
  }
  const form = method === 'POST' ? formFields(req.body) : undefined;
  const token = method === 'POST' ? form?.get('t') ?? undefined : req.query['t'];
  const now = deps.clock();
  // A token of the wrong form is refused before the keys are read (in AWS each read is a Secrets Manager call).
  const formProblem = tokenFormProblem(token ?? '');
  const keyring = formProblem === null ? await deps.keyring() : undefined;
  const check: TokenCheck = keyring === undefined ? { ok: false, problem: formProblem ?? 'malformed' } : verifyToken(token ?? '', keyring, now);
  if (!check.ok) {
    // An expired token's tag was good, so its profile's language can be trusted.
    const expiredProfile = check.problem === 'expired' && check.payload ? deps.profile(check.payload.profile) : undefined;
    const m = expiredProfile ? pageMessagesFor(expiredProfile.report.locale) : fallback;
    log.warn('decision link refused', { problem: check.problem, method, ...(check.payload ? { profile: check.payload.profile, jti: check.payload.jti } : {}) });
    if (check.problem === 'expired') return respond(410, simplePage(m, m.expiredTitle, m.expiredBody, 'bad'), {}, head);
    return respond(400, simplePage(m, m.invalidTitle, check.problem === 'outdated' ? m.outdatedBody : m.invalidBody, 'bad'), {}, head);
  }
  // Verified, so read: the narrowing TypeScript cannot see.
  if (keyring === undefined) return respond(400, simplePage(fallback, fallback.invalidTitle, fallback.invalidBody, 'bad'), {}, head);
  const payload = check.payload;
  const profile = deps.profile(payload.profile);
  if (profile === undefined) {
    log.warn('decision link for a profile this deployment does not serve', { profile: payload.profile, jti: payload.jti });
    return respond(400, simplePage(fallback, fallback.invalidTitle, fallback.invalidBody, 'bad'), {}, head);
  }
  const m = pageMessagesFor(profile.report.locale);
  const page = pageAddress(profile, req.path);
  if (page === null) {
    log.warn('decision link opened on another path', { profile: profile.id, jti: payload.jti });
    return respond(404, simplePage(m, m.notFoundTitle, m.notFoundBody, 'bad'), {}, head);
  }

  if (method === 'POST' && !sameOrigin(req.headers, page.origin)) {
    log.warn('decision POST from another site refused', { profile: profile.id, jti: payload.jti });
    return respond(403, simplePage(m, m.crossSiteTitle, m.crossSiteBody, 'bad'));
  }
  if (isLabelAction(payload.action)) {
    const answer = await labelLink({
      method: method === 'POST' ? 'POST' : head ? 'HEAD' : 'GET',
      payload: { ...payload, action: payload.action },
      profile,
      m,
      path: page.path,
      token: token ?? '',
      labels: deps.labels,
      ledger: deps.ledger,
      now,
      log,
    });
    return respond(answer.status, answer.body, answer.retryAfter !== undefined ? { 'retry-after': answer.retryAfter } : {}, head);
  }
  if (await deps.ledger.isTokenUsed(profile.id, payload.jti)) {
    return respond(409, simplePage(m, m.usedTitle, m.usedBody, 'bad'), {}, head);
  }
  if (payload.action === 'undo') return undoLink(method, payload, profile, m, page.path, token ?? '', deps, log);

  let contacts: Map<string, StoredContactView | null>;
  try {
    contacts = await deps.ledger.findContacts(profile.id, payload.keys);
  } catch (err) {
    log.error('the contacts of a decision link could not be read', { profile: profile.id, jti: payload.jti, problem: messageOf(err) });
    return respond(503, simplePage(m, m.failedTitle, m.failedBody, 'bad'), { 'retry-after': '60' }, head);
  }
  const action = payload.action;
  const judged = payload.keys.map((key) => ({ key, contact: contacts.get(key) ?? null, refusal: refusalOf(action, contacts.get(key) ?? null) }));
  const allowed = judged.filter((j) => j.refusal === null).map((j) => j.key);

  const quotes = (): Promise<Map<string, PageQuote>> =>
    criticismQuotes(judged, { labels: deps.labels, keyring, profileId: profile.id, path: page.path, now, expiresAt: payload.exp, warn: (message, extra) => log.warn(message, { profile: profile.id, jti: payload.jti, ...extra }) });
  if (method !== 'POST') {
    return respond(200, confirmPage(m, profile, payload, judged, page.path, token ?? '', now, undefined, await quotes()), {}, head);
  }
  if (allowed.length === 0) {
    log.warn('decision link names no contact it may act on', { profile: profile.id, jti: payload.jti, action, refused: countRefusals(judged) });
    return respond(422, refusedPage(m, judged));
  }
  // The deliberate step: Unfollow and Follow back need the ticked box, whose value is the count the page showed.
  if (isAct(action) && form?.get('confirm') !== String(allowed.length)) {
    return respond(400, confirmPage(m, profile, payload, judged, page.path, token ?? '', now, m.tickToConfirm(action, allowed.length), await quotes()));
  }

  if (!(await deps.ledger.consumeToken(profile.id, payload.jti, payload.exp))) {
    return respond(409, simplePage(m, m.usedTitle, m.usedBody, 'bad'));
  }
  try {
    await apply(payload, allowed, profile, deps, keyring, now, contacts);
  } catch (err) {
    // The link was marked used before acting; give it back so the owner can try again.
    await deps.ledger.releaseToken(profile.id, payload.jti).catch(() => {});
    log.error('decision could not be stored', { profile: profile.id, jti: payload.jti, action, problem: messageOf(err) });
    return respond(503, simplePage(m, m.failedTitle, m.failedBody, 'bad'), { 'retry-after': '60' });
  }
  log.info('decision stored', { profile: profile.id, jti: payload.jti, action, contacts: allowed.length, refused: payload.keys.length - allowed.length });
  const refusedNotes = refusalNotes(m, judged);
  const title = m.doneTitle(action, allowed.length);
  if (!isAct(action)) {
    return respond(200, renderPage({ lang: m.lang, title, tone: 'ok', paragraphs: [m.doneNext(action)], ...notesOf(refusedNotes), footer: m.footer }));
  }
  const act = action as 'unfollow' | 'follow_back';
  if (!actingEnabled(profile) || deps.act === undefined) {
    const note = actingEnabled(profile) ? m.actingLater : m.actingOff;
    return respond(200, renderPage({ lang: m.lang, title, tone: 'ok', paragraphs: [m.doneNext(action)], notes: [note, ...refusedNotes], footer: m.footer }));
  }
  let outcomes: PageActOutcome[];
  try {
    outcomes = await deps.act(profile, { tokenId: payload.jti, keys: allowed, action: act, reportAt: linkIssuedAt(payload) });
  } catch (err) {
    // The confirmation is stored: the link stays used, and the next apply carries it out.
    log.error('acting on a confirmed decision failed', { profile: profile.id, jti: payload.jti, action, problem: messageOf(err) });
    return respond(200, renderPage({ lang: m.lang, title, tone: 'note', paragraphs: [m.actFailed], ...notesOf(refusedNotes), footer: m.footer }));
  }
  log.info('acted on a confirmed decision', { profile: profile.id, jti: payload.jti, outcomes: countOutcomes(outcomes) });
  return respond(200, actedPage(m, profile, act, allowed, outcomes, refusedNotes, { path: page.path, keyring, undo: deps.undo !== undefined }, now));
}

/** The result page after acting: one line per contact, and an Undo button for what was done (for UNDO_WINDOW_SECONDS). */
function actedPage(
  m: PageMessages,
  profile: ProfileConfig,
  action: 'unfollow' | 'follow_back',
  keys: string[],
  outcomes: PageActOutcome[],
  extraNotes: string[],
  undo: { path: string; keyring: Keyring; undo: boolean },
  now: Date,
): string {
  const byKey = new Map(outcomes.map((o) => [o.key, o]));
  // One line per contact of the link, in its order; a contact the engine did not report on is still waiting.
  const perContact = keys.map((key): PageActOutcome => byKey.get(key) ?? { key, outcome: 'waiting' });
  const counts = countOutcomes(perContact);
  const results = perContact.map((o) => ({ who: o.handle ?? o.key, text: m.outcome(o), tone: outcomeTone(o.outcome) }));
  const done = perContact.filter((o): o is PageActOutcome & { actionId: string } => o.outcome === 'done' && o.actionId !== undefined);
  const notes = [...(counts.waiting > 0 ? [m.waitingNote] : []), ...extraNotes];
  return renderPage({
    lang: m.lang,
    title: m.actedTitle(action, counts),
    tone: counts.failed > 0 ? 'note' : 'ok',
    paragraphs: [m.actedSummary(counts)],
    results,
    ...notesOf(notes),
    ...(done.length > 0 && undo.undo ? { form: undoForm(m, profile, done, undo.path, undo.keyring, now) } : {}),
    footer: m.footer,
  });
}

function undoForm(m: PageMessages, profile: ProfileConfig, done: (PageActOutcome & { actionId: string })[], path: string, keyring: Keyring, now: Date): FormView {
  // The undo link rides only in this page's form (never in a URL or an email) and works for a few minutes.
  const { token } = signToken({ profile: profile.id, keys: done.map((d) => d.key), actions: done.map((d) => d.actionId), action: 'undo', now, ttlSeconds: UNDO_WINDOW_SECONDS }, keyring);
  return { action: path, token, button: m.undoButton(done.length), lead: m.undoLead(Math.round(UNDO_WINDOW_SECONDS / 60)) };
}

function isAct(action: TokenPayload['action']): boolean {
  return action === 'unfollow' || action === 'follow_back';
}

/** When the link was issued: the report the recommendation came from ("engaged since the report" counts from here). */
export function linkIssuedAt(payload: TokenPayload): string {
  return new Date(payload.iat * 1000).toISOString();
}

function countOutcomes(outcomes: PageActOutcome[]): OutcomeCounts {
  const counts = { done: 0, already: 0, skipped: 0, failed: 0, waiting: 0 };
  for (const o of outcomes) counts[o.outcome]++;
  return counts;
}

function outcomeTone(outcome: PageActOutcome['outcome']): 'ok' | 'note' | 'bad' {
  return outcome === 'done' || outcome === 'already' ? 'ok' : outcome === 'failed' ? 'bad' : 'note';
}

async function apply(payload: TokenPayload, keys: string[], profile: ProfileConfig, deps: DecideDeps, keyring: Keyring, now: Date, contacts: ReadonlyMap<string, StoredContactView | null>): Promise<void> {
  for (const key of keys) {
    // What the report suggested them for, kept with the decision: the report learns from it (shared/domain/suggestions.ts).
    const stored = contacts.get(key);
    const suggested = stored ? { suggestedFor: suggestedForOf(stored, now) } : {};
    switch (payload.action) {
      case 'keep':
        await keepContact(deps.decisions, profile.id, { contact: key, note: 'decided from the report', now, ...suggested });
        break;
      case 'snooze':
        await keepContact(deps.decisions, profile.id, { contact: key, until: new Date(now.getTime() + SNOOZE_DAYS * DAY_MS).toISOString(), note: 'decided from the report', now, ...suggested });
        break;
      case 'unfollow':
      case 'follow_back':
        await deps.ledger.putConfirmedAction(profile.id, { ...withConfirmationMac(keyring, profile.id, { key, action: payload.action, confirmedAt: now.toISOString(), reportAt: linkIssuedAt(payload), tokenId: payload.jti, status: 'pending' as const }), ...suggested });
        break;
      case 'undo':
        throw new Error('an undo link records no decision');
    }
  }
}

/** The stored contact as the page reads it. */
export type StoredContactView = TrackedContact;

/** Why a link may not act on this contact now; null when it may. */
export type Refusal = 'not_stored' | 'not_following' | 'not_a_follower' | 'already_following' | 'not_recommended';

/**
 * What the store must say before a link acts. Keep and Snooze: the contact is stored. Unfollow: you
 * follow them and the last report put them under Unfollow or Review. Follow back: they follow you, you
 * do not follow them, and the last report suggested following back.
 */
export function refusalOf(action: TokenPayload['action'], contact: StoredContactView | null): Refusal | null {
  if (contact === null) return 'not_stored';
  switch (action) {
    case 'keep':
    case 'snooze':
    case 'undo':
    // A label names a reply; whether that reply is still stored is the label link's check (label-link.ts).
    case 'label_not_criticism':
    case 'label_criticism':
      return null;
    case 'unfollow':
      if (contact.relation !== 'following' && contact.relation !== 'mutual') return 'not_following';
      return contact.previousRecommendation === 'unfollow' || contact.previousRecommendation === 'review' ? null : 'not_recommended';
    case 'follow_back':
      if (contact.relation === 'mutual') return 'already_following';
      if (contact.relation !== 'follower') return 'not_a_follower';
      return contact.previousRecommendation === 'follow_back' ? null : 'not_recommended';
  }
}

function countRefusals(judged: { refusal: Refusal | null }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const j of judged) if (j.refusal !== null) counts[j.refusal] = (counts[j.refusal] ?? 0) + 1;
  return counts;
}

type Judged = { key: string; contact: StoredContactView | null; refusal: Refusal | null };

function refusalNotes(m: PageMessages, judged: Judged[]): string[] {
  const refused = judged.filter((j) => j.refusal !== null);
  return refused.length === 0 ? [] : [m.refusedNote(refused.map((j) => ({ who: whoOf(j), why: m.refusal(j.refusal ?? 'not_stored') })))];
}

function whoOf(j: Judged): string {
  return j.contact === null ? j.key : j.contact.handle || j.key;
}

function notesOf(notes: string[]): { notes?: string[] } {
  return notes.length > 0 ? { notes } : {};
}

/** Every contact of the link was refused: nothing is recorded and the link stays unused. */
function refusedPage(m: PageMessages, judged: Judged[]): string {
  return renderPage({
    lang: m.lang,
    title: m.refusedTitle,
    tone: 'bad',
    paragraphs: [m.refusedBody],
    results: judged.map((j) => ({ who: whoOf(j), text: m.refusal(j.refusal ?? 'not_stored'), tone: 'bad' as const })),
    footer: m.footer,
  });
}

/** The Undo button's link: GET shows what it would reverse; the POST reverses it through the act engine. */
async function undoLink(
  method: string,
  payload: TokenPayload,
  profile: ProfileConfig,
  m: PageMessages,
  path: string,
  token: string,
  deps: DecideDeps,
  log: DecideLog,
): Promise<DecideResponse> {
  const head = method === 'HEAD';
  const actions = (payload.actions ?? []).flatMap((actionId, i) => {
    const key = payload.keys[i];
    return key === undefined ? [] : [{ actionId, key }];
  });
  if (actions.length === 0 || actions.length !== payload.keys.length) return respond(400, simplePage(m, m.invalidTitle, m.invalidBody, 'bad'), {}, head);
  if (method !== 'POST' || deps.undo === undefined) {
    const view: PageView = {
      lang: m.lang,
      title: m.undoTitle(actions.length),
      tone: 'plain',
      paragraphs: [m.undoExplain],
      results: actions.map((a) => ({ who: a.key, text: a.actionId, tone: 'note' as const })),
      ...(deps.undo !== undefined ? { form: { action: path, token, button: m.undoButton(actions.length) } } : { notes: [m.undoByCommand(actions.map((a) => a.actionId))] }),
      footer: m.footer,
    };
    return respond(200, renderPage(view), {}, head);
  }
  if (!(await deps.ledger.consumeToken(profile.id, payload.jti, payload.exp))) return respond(409, simplePage(m, m.usedTitle, m.usedBody, 'bad'));
  let outcomes: PageActOutcome[];
  try {
    outcomes = await deps.undo(profile, { tokenId: payload.jti, actions });
  } catch (err) {
    await deps.ledger.releaseToken(profile.id, payload.jti).catch(() => {});
    log.error('undo from the page failed', { profile: profile.id, jti: payload.jti, problem: messageOf(err) });
    return respond(503, simplePage(m, m.failedTitle, m.undoFailed(actions.map((a) => a.actionId)), 'bad'), { 'retry-after': '60' });
  }
  log.info('undid actions from the page', { profile: profile.id, jti: payload.jti, outcomes: countOutcomes(outcomes) });
  const byKey = new Map(outcomes.map((o) => [o.key, o]));
  const results = actions.map((a) => {
    const o = byKey.get(a.key) ?? { key: a.key, outcome: 'waiting' as const };
    // An undo is not undone again from here: no action id on its line.
    const text = o.outcome === 'done' ? m.reversed : m.outcome({ outcome: o.outcome, ...(o.reason !== undefined ? { reason: o.reason } : {}) });
    return { who: o.handle ?? a.key, text, tone: outcomeTone(o.outcome) };
  });
  return respond(200, renderPage({ lang: m.lang, title: m.undoneTitle(actions.length), tone: 'ok', paragraphs: [m.undoneBody], results, footer: m.footer }));
}

/** `act.enabled` (the act engine's opt-in), read defensively: absent means off. */
export function actingEnabled(profile: ProfileConfig): boolean {
  const act: unknown = (profile as { act?: unknown }).act;
  return typeof act === 'object' && act !== null && 'enabled' in act && act.enabled === true;
}

function confirmPage(m: PageMessages, profile: ProfileConfig, payload: TokenPayload, judged: Judged[], path: string, token: string, now: Date, problem?: string, quotes?: ReadonlyMap<string, PageQuote>): string {
  const report = messagesFor(profile.report.locale);
  const f = formatterFor(report);
  const action = payload.action as DecisionAction;
  const quoteOf = (q: PageQuote | undefined): Pick<ContactBlock, 'quote'> =>
    q === undefined ? {} : { quote: { lead: m.quotedCriticism(f.date(q.at)), text: q.text, href: q.href, link: m.label.button('not_criticism') } };
  const items: ContactBlock[] = judged.map(({ key, contact: c, refusal }) => {
    const refused = refusal !== null && refusal !== 'not_stored' ? { refused: m.refusal(refusal) } : {};
    return c === null
      ? { name: m.unknownContact(key), handle: '', platform: '', relation: '', href: null, reasons: m.noReasons, facts: '', refused: m.refusal('not_stored') }
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
          ...quoteOf(quotes?.get(key)),
          ...refused,
        };
  });
  const allowed = judged.filter((j) => j.refusal === null).length;
  const firstAllowed = judged.find((j) => j.refusal === null);
  const who = firstAllowed ? whoOf(firstAllowed) : '';
  const until = f.date(new Date(now.getTime() + SNOOZE_DAYS * DAY_MS).toISOString());
  const notes = [...(problem !== undefined ? [problem] : []), ...(isAct(action) ? [actingEnabled(profile) ? m.actingOn : m.actingOff] : [])];
  const view: PageView = {
    lang: m.lang,
    title: allowed === 0 ? m.refusedTitle : m.confirmTitle(action, who, allowed),
    tone: 'plain',
    contacts: { why: m.why, profileLink: m.profileLink, items },
    paragraphs: allowed === 0 ? [m.refusedBody] : [m.effect(action, until), m.once(f.date(new Date(payload.exp * 1000).toISOString()))],
    ...notesOf(notes),
    ...(allowed === 0
      ? {}
      : { form: { action: path, token, button: m.confirmButton(action, allowed), ...(isAct(action) ? { confirm: { label: m.confirmTick(action, allowed), value: String(allowed) } } : {}) } }),
    footer: m.footer,
  };
  return renderPage(view);
}

/**
 * Where the page lives for this profile: the configured `report.decisionsUrl` (its path and origin).
 * A request on any other path is not the page (null). Without a configured URL (links cannot have been
 * sent) the page answers on a plain path of its own, and only POSTs without a foreign `Origin` pass.
 */
function pageAddress(profile: ProfileConfig, requestPath: string): { path: string; origin: string | null } | null {
  const configured = profile.report.decisionsUrl;
  if (configured !== undefined) {
    const url = new URL(configured);
    return url.pathname === requestPath ? { path: url.pathname, origin: url.origin } : null;
  }
  return /^\/(?!\/)[A-Za-z0-9/_.-]*$/.test(requestPath) ? { path: requestPath, origin: null } : null;
}

function simplePage(m: PageMessages, title: string, body: string, tone: PageView['tone']): string {
  return renderPage({ lang: m.lang, title, tone, paragraphs: body ? [body] : [], footer: m.footer });
}

/**
 * A POST must come from the page itself. The `Origin` a browser sends is compared with the configured
 * page's origin (never with `Host` or `X-Forwarded-Host`, which the request itself chooses). `Origin:
 * null` (a sandboxed or privacy-stripped request) passes only when `Sec-Fetch-Site` says same-origin.
 * A request with no `Origin` at all (not a browser: curl, a script holding the token) passes: the
 * token is the capability.
 */
export function sameOrigin(headers: DecideRequest['headers'], expected: string | null): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers['origin'];
  if (origin === undefined) return true;
  if (origin === 'null') return site === 'same-origin';
  return expected !== null && origin === expected;
}

function isFormBody(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';')[0]?.trim().toLowerCase() === FORM_TYPE;
}

function formFields(body: string): URLSearchParams | undefined {
  if (body.length > MAX_BODY_CHARS) return undefined;
  return new URLSearchParams(body);
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

function respond(status: number, body: string, extra: Record<string, string> = {}, head = false): DecideResponse {
  return { status, headers: { ...PAGE_HEADERS, ...extra }, body: head ? '' : body };
}
