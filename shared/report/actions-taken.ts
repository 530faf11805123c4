/**
 * "Actions carried out since the last report": every attempt of the apply
 * engine (done, skipped, failed) since the previous run, from the audit, so the
 * owner sees in the next email what was done in their name and how to undo it.
 */
import { z } from 'zod';
import { IsoInstant } from '../domain/model.ts';
import type { ActionAudit } from '../ports/action-store.ts';
import { escapeHtml } from './escape-html.ts';
import { capList, truncate, type Formatter } from './format.ts';
import { messagesFor } from './i18n.ts';
import type { ReportJson, ReportLocale } from './report-schema.ts';

export const ActionTakenJson = z.object({
  id: z.string().describe('The action id (followback undo ID).'),
  contact: z.string().describe('`sourceId:contactId`.'),
  handle: z.string().describe('Untrusted.'),
  action: z.enum(['unfollow', 'follow']),
  outcome: z.enum(['done', 'already', 'skipped', 'failed', 'not_enabled']),
  at: IsoInstant,
  reason: z.string().optional().describe('Why it was skipped or failed.'),
  platformAnswer: z.string().optional().describe('The platform\'s answer, short: status and summary.'),
  confirmedBy: z.enum(['link', 'cli']),
  undoOf: z.string().optional().describe('Set on an undo: the action it reversed.'),
});
export type ActionTakenJson = z.infer<typeof ActionTakenJson>;

/** The audit records as the report carries them, oldest first. */
export function actionsTaken(audits: readonly ActionAudit[]): ActionTakenJson[] {
  return [...audits]
    .sort((a, b) => a.at.localeCompare(b.at))
    .map((a) => ({
      id: a.actionId,
      contact: a.contactKey,
      handle: a.handle,
      action: a.what,
      outcome: a.outcome,
      at: a.at,
      ...(a.reason !== undefined ? { reason: a.reason } : {}),
      ...(a.platformAnswer !== undefined ? { platformAnswer: `${a.platformAnswer.status !== undefined ? `${a.platformAnswer.status} ` : ''}${a.platformAnswer.summary}` } : {}),
      confirmedBy: a.confirmation.kind,
      ...(a.undoOf !== undefined ? { undoOf: a.undoOf } : {}),
    }));
}

interface ActionMessages {
  title: string;
  intro: string;
  line(p: { date: string; action: string; handle: string; outcome: string; id: string }): string;
  actions: Record<ActionTakenJson['action'], string>;
  outcomes: Record<ActionTakenJson['outcome'], string>;
  undoOf(id: string): string;
  via: Record<ActionTakenJson['confirmedBy'], string>;
}

const MESSAGES: Record<ReportLocale, ActionMessages> = {
  en: {
    title: 'Actions since the last report',
    intro: 'What followback did on your behalf, each confirmed by you. Reverse one with: followback undo ID',
    line: (p) => `${p.date} · ${p.action} ${p.handle}: ${p.outcome} (${p.id})`,
    actions: { unfollow: 'unfollow', follow: 'follow' },
    outcomes: { done: 'done', already: 'nothing to do', skipped: 'skipped', failed: 'failed', not_enabled: 'not carried out (acting is off)' },
    undoOf: (id) => `undo of ${id}`,
    via: { link: 'confirmed from the email', cli: 'confirmed from the command line' },
  },
  it: {
    title: "Azioni dall'ultimo report",
    intro: 'Quello che followback ha fatto per te, ogni volta con la tua conferma. Per annullarne una: followback undo ID',
    line: (p) => `${p.date} · ${p.action} ${p.handle}: ${p.outcome} (${p.id})`,
    actions: { unfollow: 'smetti di seguire', follow: 'segui' },
    outcomes: { done: 'fatto', already: 'niente da fare', skipped: 'saltata', failed: 'non riuscita', not_enabled: 'non eseguita (azioni disattivate)' },
    undoOf: (id) => `annulla ${id}`,
    via: { link: "confermata dall'email", cli: 'confermata da riga di comando' },
  },
};

export interface ActionsView {
  title: string;
  intro: string;
  items: { line: string; details: string[] }[];
  /** "…and N more" when the email's size budget left actions out. */
  more?: string | null;
}

/** Handles, ids and the platform's words are untrusted and unbounded: shortened like names and quotes in the rows. */
const NAME_CHARS = 120;
const TEXT_CHARS = 280;

/** `items`: at most this many actions (the email's size budget); the others are counted in `more`. */
export function actionsView(report: ReportJson, f: Formatter, items = Infinity): ActionsView | null {
  const actions = report.actions ?? [];
  if (actions.length === 0) return null;
  const m = MESSAGES[report.meta.locale];
  const { shown, more } = capList(actions, items, messagesFor(report.meta.locale));
  const name = (text: string): string => truncate(text, NAME_CHARS);
  return {
    title: `${m.title} (${f.number(actions.length)})`,
    intro: m.intro,
    items: shown.map((a) => ({
      line: m.line({ date: f.date(a.at), action: m.actions[a.action], handle: name(a.handle), outcome: m.outcomes[a.outcome], id: name(a.id) }),
      details: [
        m.via[a.confirmedBy],
        ...(a.undoOf !== undefined ? [m.undoOf(name(a.undoOf))] : []),
        ...(a.reason !== undefined ? [truncate(a.reason, TEXT_CHARS)] : []),
        ...(a.platformAnswer !== undefined ? [truncate(a.platformAnswer, TEXT_CHARS)] : []),
      ],
    })),
    more,
  };
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
const e = escapeHtml;

export function actionsHtml(v: ActionsView): string {
  const items = v.items
    .map((i) => `<p style="margin:6px 0 0 0;font-size:14px;line-height:20px;color:#202124;">${e(i.line)}<br><span style="font-size:12px;line-height:16px;color:#5f6368;">${i.details.map(e).join(' · ')}</span></p>`)
    .join('');
  return (
    `<tr><td style="padding:16px 24px;border-top:1px solid #e8eaed;${FONT}">` +
    `<h2 style="margin:0 0 4px 0;font-size:17px;line-height:24px;color:#202124;${FONT}">${e(v.title)}</h2>` +
    `<p style="margin:0;font-size:13px;line-height:18px;color:#5f6368;">${e(v.intro)}</p>${items}` +
    (v.more ? `<p style="margin:6px 0 0 0;font-size:13px;font-style:italic;color:#5f6368;">${e(v.more)}</p>` : '') +
    `</td></tr>`
  );
}

export function actionsText(v: ActionsView): string[] {
  return [v.title.toUpperCase(), v.intro, ...v.items.flatMap((i) => [`  * ${i.line}`, ...i.details.map((d) => `      ${d}`)]), ...(v.more ? [`  ${v.more}`] : [])];
}
