/**
 * The label links of the email: "this is not criticism" under a quoted
 * criticism, "this is criticism" under a top supporter's quoted reply
 * (issue 19, point 3). Like every link of the page: GET shows the reply and a
 * button and changes nothing (mail scanners open links), the POST stores the
 * label, once per link.
 *
 * The link names one contact and one reply (its id and instant). The page
 * reads that reply from the store, so it shows what is labelled and refuses a
 * reply no longer stored (expired, forgotten) or not written by that contact.
 * The label goes into the same store `followback label` writes, under the
 * reply's interaction (`i:<sourceId>:<interactionId>`), with its text and its
 * author: the next run counts it the owner's way, and `followback forget`
 * deletes it with the contact.
 *
 * Idempotent: pressing again (a second tab, a reload of the result) finds the
 * link used and the label as it says, and answers that it is saved.
 */
import type { ProfileConfig } from '../config/schema.ts';
import { interactionRef, textHash } from '../classify/tone/owner-labels.ts';
import type { DecisionLedger } from '../ports/store.ts';
import type { ReplyLabelStore, ToneLabel, ToneLabelKind } from '../ports/tone-labels.ts';
import { formatterFor } from '../report/format.ts';
import { messagesFor } from '../report/i18n.ts';
import type { PageMessages } from './page-messages.ts';
import { renderPage, type PageView } from './render-page.ts';
import type { LabelAction, TokenPayload } from './token.ts';

/** The most of a reply's text a label keeps (the store's limit, shared/store/dynamo-tone-label-store.ts). */
const LABEL_TEXT_MAX = 1_000;

export const LABEL_OF: Record<LabelAction, ToneLabelKind> = { label_not_criticism: 'not_criticism', label_criticism: 'criticism' };

export interface LabelLinkContext {
  method: 'GET' | 'HEAD' | 'POST';
  payload: TokenPayload & { action: LabelAction };
  profile: ProfileConfig;
  m: PageMessages;
  /** The page's path (the form posts back to it) and the link's token. */
  path: string;
  token: string;
  labels: ReplyLabelStore | undefined;
  ledger: Pick<DecisionLedger, 'isTokenUsed' | 'consumeToken' | 'releaseToken' | 'findContacts'>;
  now: Date;
  log: { info(message: string, extra?: Record<string, unknown>): void; warn(message: string, extra?: Record<string, unknown>): void; error(message: string, extra?: Record<string, unknown>): void };
}

export interface LabelLinkAnswer {
  status: number;
  body: string;
  retryAfter?: string;
}

export async function labelLink(c: LabelLinkContext): Promise<LabelLinkAnswer> {
  const { payload, profile, m, now, log } = c;
  const lm = m.label;
  const label = LABEL_OF[payload.action];
  const key = payload.keys[0];
  const reply = payload.reply;
  if (key === undefined || reply === undefined || key.indexOf(':') <= 0) return page(400, m, m.invalidTitle, m.invalidBody, 'bad');
  if (c.labels === undefined) return page(503, m, m.failedTitle, lm.unavailableBody, 'bad');
  const cut = key.indexOf(':');
  const sourceId = key.slice(0, cut);
  const contactId = key.slice(cut + 1);
  const ref = interactionRef(sourceId, reply.interactionId);
  const f = formatterFor(messagesFor(profile.report.locale));

  let stored: Awaited<ReturnType<ReplyLabelStore['findReply']>>;
  let current: ToneLabel | null;
  let used: boolean;
  try {
    [stored, current, used] = await Promise.all([
      c.labels.findReply(profile.id, { sourceId, contactId, interactionId: reply.interactionId, at: reply.at }),
      c.labels.getLabel(profile.id, ref),
      c.ledger.isTokenUsed(profile.id, payload.jti),
    ]);
  } catch (err) {
    log.error('the reply of a label link could not be read', { profile: profile.id, jti: payload.jti, problem: messageOf(err) });
    return { ...page(503, m, m.failedTitle, m.failedBody, 'bad'), retryAfter: '60' };
  }
  // Used before, and the label is as the link says: the owner pressed twice. Say it is saved.
  if (used) {
    return current !== null && current.label === label ? page(200, m, lm.doneTitle(label), lm.againBody, 'ok') : page(409, m, m.usedTitle, m.usedBody, 'bad');
  }
  if (stored === null) return page(410, m, lm.goneTitle, lm.goneBody, 'bad');

  if (c.method !== 'POST') {
    let who = key;
    try {
      const contact = (await c.ledger.findContacts(profile.id, [key])).get(key);
      if (contact) who = contact.handle || contact.displayName.trim() || key;
    } catch {
      // Who wrote it is a courtesy: the reply itself was read.
    }
    const notes = current === null ? [] : current.label === label ? [lm.already(label, f.date(current.at))] : [lm.replaces(current.label, f.date(current.at))];
    const view: PageView = {
      lang: m.lang,
      title: lm.confirmTitle(label),
      tone: 'plain',
      quote: { lead: lm.quoteBy(who, f.date(stored.at)), text: stored.text },
      paragraphs: [lm.effect(label), m.once(f.date(new Date(payload.exp * 1000).toISOString()))],
      // The way back, small, under the button.
      form: { action: c.path, token: c.token, button: lm.button(label) },
      after: lm.takeBack(ref),
      ...(notes.length > 0 ? { notes } : {}),
      footer: m.footer,
    };
    return { status: 200, body: renderPage(view) };
  }

  if (!(await c.ledger.consumeToken(profile.id, payload.jti, payload.exp))) return page(409, m, m.usedTitle, m.usedBody, 'bad');
  try {
    await c.labels.putLabel(profile.id, {
      ref,
      sourceId,
      interactionId: reply.interactionId,
      contactId,
      textHash: textHash(stored.text),
      text: clip(stored.text, LABEL_TEXT_MAX),
      label,
      at: now.toISOString(),
      by: 'page',
    });
  } catch (err) {
    // The link was marked used first; give it back so the owner can try again.
    await c.ledger.releaseToken(profile.id, payload.jti).catch(() => {});
    log.error('tone label could not be stored', { profile: profile.id, jti: payload.jti, problem: messageOf(err) });
    return { ...page(503, m, m.failedTitle, m.failedBody, 'bad'), retryAfter: '60' };
  }
  // Never the reply's text in the log: it is someone else's words.
  log.info('tone label stored', { profile: profile.id, jti: payload.jti, label });
  return { status: 200, body: renderPage({ lang: m.lang, title: lm.doneTitle(label), tone: 'ok', paragraphs: [lm.doneBody(label)], after: lm.takeBack(ref), footer: m.footer }) };
}

function page(status: number, m: PageMessages, title: string, body: string, tone: PageView['tone']): LabelLinkAnswer {
  return { status, body: renderPage({ lang: m.lang, title, tone, paragraphs: [body], footer: m.footer }) };
}

/** The first `max` UTF-16 units, never half a character. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}
