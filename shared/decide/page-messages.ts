/** The decision page's words, in the report's two languages. Plain text: the renderer escapes. */
import type { Locale } from '../config/schema.ts';
import type { ToneLabelKind } from '../ports/tone-labels.ts';
import type { DecisionAction } from './token.ts';
import type { Refusal } from './handler.ts';

/** What happened to one contact when the page acted (handler.ts `PageActOutcome`). */
export type ActOutcomeKind = 'done' | 'already' | 'skipped' | 'failed' | 'waiting';
export type OutcomeCounts = Record<ActOutcomeKind, number>;

export interface PageMessages {
  lang: Locale;
  intlLocale: string;
  confirmTitle(action: DecisionAction, who: string, count: number): string;
  confirmButton(action: DecisionAction, count: number): string;
  effect(action: DecisionAction, until: string): string;
  actingOff: string;
  actingOn: string;
  /** Acting is on but this page cannot act itself: the next apply will. */
  actingLater: string;
  /** The confirmation is stored but acting on it here failed. */
  actFailed: string;
  actedTitle(action: DecisionAction, counts: OutcomeCounts): string;
  actedSummary(counts: OutcomeCounts): string;
  outcome(o: { outcome: ActOutcomeKind; reason?: string; actionId?: string }): string;
  waitingNote: string;
  doneTitle(action: DecisionAction, count: number): string;
  doneNext(action: DecisionAction): string;
  why: string;
  noReasons: string;
  unknownContact(key: string): string;
  facts(f: { inbound: number; outbound: number; lastInbound: string | null; followedSince: string | null; lastPost: string | null }): string;
  profileLink: string;
  once(expires: string): string;
  expiredTitle: string;
  expiredBody: string;
  invalidTitle: string;
  invalidBody: string;
  usedTitle: string;
  usedBody: string;
  crossSiteTitle: string;
  crossSiteBody: string;
  failedTitle: string;
  failedBody: string;
  methodTitle: string;
  /** A POST that is not the page's form (another content type). */
  formOnlyTitle: string;
  formOnlyBody: string;
  /** A link made by an older followback (readable payload): refused. */
  outdatedBody: string;
  notFoundTitle: string;
  notFoundBody: string;
  /** The box that makes Unfollow / Follow back a deliberate step, with the count. */
  confirmTick(action: DecisionAction, count: number): string;
  /** The POST came without the box ticked (or with another count). */
  tickToConfirm(action: DecisionAction, count: number): string;
  refusal(r: Refusal): string;
  refusedTitle: string;
  refusedBody: string;
  refusedNote(list: { who: string; why: string }[]): string;
  undoButton(count: number): string;
  undoLead(minutes: number): string;
  undoTitle(count: number): string;
  undoExplain: string;
  undoByCommand(ids: string[]): string;
  undoFailed(ids: string[]): string;
  undoneTitle(count: number): string;
  undoneBody: string;
  /** One contact's line after its action was reversed. */
  reversed: string;
  /** Label links ("this is not criticism" / "this is criticism" under a quoted reply). */
  label: LabelMessages;
  /** Above the criticism a confirmation page quotes: when it was written. */
  quotedCriticism(date: string): string;
  footer: string;
}

export interface LabelMessages {
  confirmTitle(label: ToneLabelKind): string;
  /** Above the quote: who wrote it and when. */
  quoteBy(who: string, at: string): string;
  button(label: ToneLabelKind): string;
  /** What pressing does. */
  effect(label: ToneLabelKind): string;
  /** How to take the label back (`ref` names it for `followback label --remove`). */
  takeBack(ref: string): string;
  /** The same label is already stored: pressing again changes nothing. */
  already(label: ToneLabelKind, on: string): string;
  /** The opposite label is stored: pressing replaces it. */
  replaces(previous: ToneLabelKind, on: string): string;
  doneTitle(label: ToneLabelKind): string;
  doneBody(label: ToneLabelKind): string;
  /** The link was used before and the label is stored as it says. */
  againBody: string;
  goneTitle: string;
  goneBody: string;
  /** This deployment's page cannot store labels. */
  unavailableBody: string;
}

const en: PageMessages = {
  lang: 'en',
  intlLocale: 'en-GB',
  confirmTitle: (action, who, count) => {
    const target = count === 1 ? who : `these ${count} accounts`;
    switch (action) {
      case 'keep':
        return `Keep ${target}?`;
      case 'snooze':
        return `Snooze ${target} for 90 days?`;
      case 'unfollow':
        return `Unfollow ${target}?`;
      case 'follow_back':
        return `Follow back ${target}?`;
    }
  },
  confirmButton: (action, count) => {
    const n = count === 1 ? '' : ` all ${count}`;
    return { keep: `Keep${n}`, snooze: `Snooze${n} for 90 days`, unfollow: `Unfollow${n}`, follow_back: `Follow back${n}` }[action];
  },
  effect: (action, until) =>
    ({
      keep: 'followback will never suggest removing them. You can change your mind with followback keep --forget.',
      snooze: `followback will not suggest removing them until ${until}; then it judges them again.`,
      unfollow: 'Tick the box, then press the button: that records your confirmation (the note below says when it is carried out).',
      follow_back: 'Tick the box, then press the button: that records your confirmation (the note below says when it is carried out).',
    })[action],
  actingOff:
    'Acting is off for this profile: followback records your decision and lists it in the next report, but does not unfollow or follow anyone. To let it act, set "act": { "enabled": true } in the profile\'s config; until then, do it on the network yourself.',
  actingOn:
    'Acting is on for this profile: the button carries this out on the network right away, after looking again (allowlist, snooze, engagement since the report), at most act.maxPerRun in any hour. The next report lists it.',
  actingLater: 'Acting is on for this profile: the next followback apply --confirm carries this out (capped and paced), and the next report lists it.',
  actFailed: 'Your confirmation is recorded, but carrying it out from this page failed. Nothing was lost: the next followback apply --confirm tries again.',
  actedTitle: (action, c) => {
    const verb = action === 'unfollow' ? 'Unfollowed' : 'Followed back';
    const total = c.done + c.already + c.skipped + c.failed + c.waiting;
    return total === 1 ? (c.done + c.already === 1 ? verb : action === 'unfollow' ? 'Unfollow confirmed' : 'Follow-back confirmed') : `${verb} ${c.done + c.already} of ${total}`;
  },
  actedSummary: (c) =>
    [
      `${c.done} done`,
      ...(c.already > 0 ? [`${c.already} already so`] : []),
      ...(c.skipped > 0 ? [`${c.skipped} skipped`] : []),
      ...(c.failed > 0 ? [`${c.failed} failed`] : []),
      ...(c.waiting > 0 ? [`${c.waiting} still waiting`] : []),
    ].join(', ') + '. Every attempt is audited; the next report lists them.',
  outcome: (o) => {
    const id = o.actionId !== undefined ? ` (undo: followback undo ${o.actionId})` : '';
    switch (o.outcome) {
      case 'done':
        return `done${id}`;
      case 'already':
        return `nothing to do: ${o.reason ?? 'already so'}`;
      case 'skipped':
        return `skipped: ${o.reason ?? 'see the report'}`;
      case 'failed':
        return `failed: ${o.reason ?? 'see the report'}`;
      case 'waiting':
        return 'still waiting: the next followback apply --confirm carries it out';
    }
  },
  waitingNote: 'Some are still waiting (at most act.maxPerRun per apply, paced): run followback apply --confirm, or wait for the next apply.',
  doneTitle: (action, count) => {
    const n = count === 1 ? '' : ` (${count} accounts)`;
    return { keep: `Kept${n}`, snooze: `Snoozed for 90 days${n}`, unfollow: `Unfollow confirmed${n}`, follow_back: `Follow-back confirmed${n}` }[action];
  },
  doneNext: (action) =>
    action === 'keep' || action === 'snooze'
      ? 'Done. The next report honours this decision and lists it among what you decided.'
      : 'Done. The next report lists what you decided.',
  why: 'Why it was suggested',
  noReasons: 'no reasons stored',
  unknownContact: (key) => `${key} (not in the store any more)`,
  facts: (f) =>
    [
      `${f.inbound} interactions from them, ${f.outbound} from you (all time)`,
      f.lastInbound !== null ? `last from them ${f.lastInbound}` : 'never anything from them',
      ...(f.followedSince !== null ? [`you follow them since ${f.followedSince}`] : []),
      ...(f.lastPost !== null ? [`their last post ${f.lastPost}`] : []),
    ].join('; '),
  profileLink: 'profile',
  once: (expires) => `This link works once, until ${expires}. Nothing happens until you press the button.`,
  expiredTitle: 'This link has expired',
  expiredBody: 'Links in the report work for 14 days. Nothing was changed. Use the links in the latest report, or followback keep.',
  invalidTitle: 'This link is not valid',
  invalidBody: 'It was changed, cut short, or made for another followback. Nothing was changed. Copy the whole link from the report.',
  usedTitle: 'This link was already used',
  usedBody: 'Each link works once, and this one has done its job. Nothing was changed now.',
  crossSiteTitle: 'Request refused',
  crossSiteBody: 'The confirmation must come from the page itself. Nothing was changed. Open the link from the report again.',
  failedTitle: 'Something went wrong',
  failedBody: 'Your decision could not be stored, and the link still works: try again in a minute.',
  methodTitle: 'Not allowed',
  formOnlyTitle: 'Request refused',
  formOnlyBody: 'Only the button on the page can confirm a decision. Nothing was changed.',
  outdatedBody: 'It was made by an older version of followback, whose links are no longer accepted. Nothing was changed. Use the links in the latest report.',
  notFoundTitle: 'Not found',
  notFoundBody: 'There is no decision page at this address. Nothing was changed. Open the link from the report as it is.',
  confirmTick: (action, count) => {
    const who = count === 1 ? 'this account' : `these ${count} accounts`;
    return action === 'unfollow' ? `Yes, unfollow ${who}` : `Yes, follow back ${who}`;
  },
  tickToConfirm: (action, count) =>
    `Nothing was changed yet: tick the box "${en.confirmTick(action, count)}" and press the button again.`,
  refusal: (r) =>
    ({
      not_stored: 'not in the store (forgotten, or never seen): nothing to do',
      not_following: 'you do not follow them (any more): nothing to unfollow',
      not_a_follower: 'they do not follow you: there is nothing to follow back',
      already_following: 'you already follow them',
      not_recommended: 'the latest report does not suggest this any more',
    })[r],
  refusedTitle: 'Nothing to do with this link',
  refusedBody: 'This link cannot act on any of its accounts now. Nothing was changed.',
  refusedNote: (list) => `Left out (${list.length}): ${list.map((l) => `${l.who}: ${l.why}`).join('; ')}.`,
  undoButton: (count) => (count === 1 ? 'Undo' : `Undo all ${count}`),
  undoLead: (minutes) => `Changed your mind? This button reverses what was just done, for the next ${minutes} minutes (after that: followback undo).`,
  undoTitle: (count) => (count === 1 ? 'Undo this action?' : `Undo these ${count} actions?`),
  undoExplain: 'followback follows again whom it just unfollowed (or unfollows whom it just followed), looking first, capped and audited like any action.',
  undoByCommand: (ids) => `To undo, run: ${ids.map((id) => `followback undo ${id}`).join('; ')}`,
  undoFailed: (ids) => `The undo could not be carried out now, and this button still works: try again in a minute, or run ${ids.map((id) => `followback undo ${id}`).join('; ')}.`,
  undoneTitle: (count) => (count === 1 ? 'Undone' : `Undone (${count})`),
  undoneBody: 'Every attempt is audited; the next report lists them.',
  reversed: 'reversed: back as it was before',
  quotedCriticism: (date) => `The criticism the report quoted (${date}):`,
  label: {
    confirmTitle: (label) => (label === 'not_criticism' ? 'Mark this reply as not criticism?' : 'Mark this reply as criticism?'),
    quoteBy: (who, at) => `${who}, ${at}:`,
    button: (label) => (label === 'not_criticism' ? 'This is not criticism' : 'This is criticism'),
    effect: (label) =>
      `From the next run followback counts this reply as ${label === 'not_criticism' ? 'not criticism' : 'criticism'}, and judges replies worded like it the same way. Nothing changes on the network.`,
    takeBack: (ref) => `To take it back: followback label --remove ${ref}`,
    already: (label, on) => `You already said this is ${label === 'not_criticism' ? 'not criticism' : 'criticism'} (${on}): pressing again changes nothing.`,
    replaces: (previous, on) => `On ${on} you said this is ${previous === 'not_criticism' ? 'not criticism' : 'criticism'}: pressing replaces that.`,
    doneTitle: (label) => (label === 'not_criticism' ? 'Saved: not criticism' : 'Saved: criticism'),
    doneBody: (label) => `From the next run followback counts this reply as ${label === 'not_criticism' ? 'not criticism' : 'criticism'}, and judges replies worded like it the same way.`,
    againBody: 'This link was already used, and the label is stored as it says: nothing changed now.',
    goneTitle: 'This reply is no longer stored',
    goneBody: 'It expired with the retention period, or the contact was forgotten: there is nothing to label. Nothing was changed.',
    unavailableBody: 'This decision page cannot store labels. Nothing was changed. Use followback label on your computer instead.',
  },
  footer: 'followback — decisions from the report',
};

const it: PageMessages = {
  lang: 'it',
  intlLocale: 'it-IT',
  confirmTitle: (action, who, count) => {
    const target = count === 1 ? who : `questi ${count} account`;
    switch (action) {
      case 'keep':
        return `Tenere ${target}?`;
      case 'snooze':
        return `Rimandare ${target} di 90 giorni?`;
      case 'unfollow':
        return `Smettere di seguire ${target}?`;
      case 'follow_back':
        return `Seguire ${target}?`;
    }
  },
  confirmButton: (action, count) => {
    const n = count === 1 ? '' : ` tutti (${count})`;
    return { keep: `Tieni${n}`, snooze: `Rimanda${n} di 90 giorni`, unfollow: `Smetti di seguire${n}`, follow_back: `Segui${n}` }[action];
  },
  effect: (action, until) =>
    ({
      keep: 'followback non suggerirà mai di rimuoverli. Puoi cambiare idea con followback keep --forget.',
      snooze: `followback non suggerirà di rimuoverli fino al ${until}; poi li valuterà di nuovo.`,
      unfollow: 'Spunta la casella, poi premi il pulsante: così la conferma viene registrata (la nota sotto dice quando viene eseguita).',
      follow_back: 'Spunta la casella, poi premi il pulsante: così la conferma viene registrata (la nota sotto dice quando viene eseguita).',
    })[action],
  actingOff:
    'Le azioni sono disattivate per questo profilo: followback registra la decisione e la elenca nel prossimo report, ma non segue né smette di seguire nessuno. Per attivarle, imposta "act": { "enabled": true } nella configurazione del profilo; fino ad allora, fallo tu sul social.',
  actingOn:
    'Le azioni sono attive per questo profilo: il pulsante la esegue subito sul social, dopo un nuovo controllo (allowlist, rinvii, interazioni dopo il report), al massimo act.maxPerRun in un\'ora. Il prossimo report la elenca.',
  actingLater: 'Le azioni sono attive per questo profilo: il prossimo followback apply --confirm la esegue (con limiti e pause) e il prossimo report la elenca.',
  actFailed: 'La conferma è registrata, ma eseguirla da questa pagina non è riuscito. Non si è perso nulla: il prossimo followback apply --confirm ci riprova.',
  actedTitle: (action, c) => {
    const verb = action === 'unfollow' ? 'Non segui più' : 'Ora segui';
    const total = c.done + c.already + c.skipped + c.failed + c.waiting;
    return total === 1 ? (c.done + c.already === 1 ? `${verb} questo account` : action === 'unfollow' ? 'Unfollow confermato' : 'Follow confermato') : `${verb} ${c.done + c.already} account su ${total}`;
  },
  actedSummary: (c) =>
    [
      `${c.done} fatti`,
      ...(c.already > 0 ? [`${c.already} già così`] : []),
      ...(c.skipped > 0 ? [`${c.skipped} saltati`] : []),
      ...(c.failed > 0 ? [`${c.failed} non riusciti`] : []),
      ...(c.waiting > 0 ? [`${c.waiting} ancora in attesa`] : []),
    ].join(', ') + '. Ogni tentativo è registrato; il prossimo report li elenca.',
  outcome: (o) => {
    const id = o.actionId !== undefined ? ` (per annullare: followback undo ${o.actionId})` : '';
    switch (o.outcome) {
      case 'done':
        return `fatto${id}`;
      case 'already':
        return `niente da fare: ${o.reason ?? 'già così'}`;
      case 'skipped':
        return `saltato: ${o.reason ?? 'vedi il report'}`;
      case 'failed':
        return `non riuscito: ${o.reason ?? 'vedi il report'}`;
      case 'waiting':
        return 'ancora in attesa: il prossimo followback apply --confirm lo esegue';
    }
  },
  waitingNote: 'Alcuni sono ancora in attesa (al massimo act.maxPerRun per volta, con pause): esegui followback apply --confirm, o attendi il prossimo apply.',
  doneTitle: (action, count) => {
    const n = count === 1 ? '' : ` (${count} account)`;
    return { keep: `Tenuto${n}`, snooze: `Rimandato di 90 giorni${n}`, unfollow: `Unfollow confermato${n}`, follow_back: `Follow confermato${n}` }[action];
  },
  doneNext: (action) =>
    action === 'keep' || action === 'snooze'
      ? 'Fatto. Il prossimo report rispetta questa decisione e la elenca tra quelle che hai preso.'
      : 'Fatto. Il prossimo report elenca ciò che hai deciso.',
  why: 'Perché è stato suggerito',
  noReasons: 'nessun motivo registrato',
  unknownContact: (key) => `${key} (non più nell'archivio)`,
  facts: (f) =>
    [
      `${f.inbound} interazioni da loro, ${f.outbound} da te (in tutto)`,
      f.lastInbound !== null ? `ultima da loro il ${f.lastInbound}` : 'mai nulla da loro',
      ...(f.followedSince !== null ? [`li segui dal ${f.followedSince}`] : []),
      ...(f.lastPost !== null ? [`ultimo post il ${f.lastPost}`] : []),
    ].join('; '),
  profileLink: 'profilo',
  once: (expires) => `Questo link funziona una volta sola, fino al ${expires}. Non succede nulla finché non premi il pulsante.`,
  expiredTitle: 'Questo link è scaduto',
  expiredBody: 'I link del report valgono 14 giorni. Non è stato cambiato nulla. Usa i link dell\'ultimo report, oppure followback keep.',
  invalidTitle: 'Questo link non è valido',
  invalidBody: 'È stato modificato, troncato o creato per un altro followback. Non è stato cambiato nulla. Copia il link intero dal report.',
  usedTitle: 'Questo link è già stato usato',
  usedBody: 'Ogni link funziona una volta sola, e questo è già servito. Ora non è stato cambiato nulla.',
  crossSiteTitle: 'Richiesta rifiutata',
  crossSiteBody: 'La conferma deve arrivare dalla pagina stessa. Non è stato cambiato nulla. Riapri il link dal report.',
  failedTitle: 'Qualcosa è andato storto',
  failedBody: 'Non è stato possibile registrare la decisione, e il link funziona ancora: riprova tra un minuto.',
  methodTitle: 'Non consentito',
  formOnlyTitle: 'Richiesta rifiutata',
  formOnlyBody: 'Solo il pulsante della pagina può confermare una decisione. Non è stato cambiato nulla.',
  outdatedBody: 'È stato creato da una versione precedente di followback, i cui link non sono più accettati. Non è stato cambiato nulla. Usa i link dell\'ultimo report.',
  notFoundTitle: 'Pagina non trovata',
  notFoundBody: 'A questo indirizzo non c\'è nessuna pagina delle decisioni. Non è stato cambiato nulla. Apri il link del report così com\'è.',
  confirmTick: (action, count) => {
    const who = count === 1 ? 'questo account' : `questi ${count} account`;
    return action === 'unfollow' ? `Sì, smetti di seguire ${who}` : `Sì, segui ${who}`;
  },
  tickToConfirm: (action, count) =>
    `Non è ancora cambiato nulla: spunta la casella "${it.confirmTick(action, count)}" e premi di nuovo il pulsante.`,
  refusal: (r) =>
    ({
      not_stored: 'non è nell\'archivio (dimenticato, o mai visto): niente da fare',
      not_following: 'non lo segui (più): non c\'è nulla da smettere di seguire',
      not_a_follower: 'non ti segue: non c\'è nulla da ricambiare',
      already_following: 'lo segui già',
      not_recommended: 'l\'ultimo report non lo suggerisce più',
    })[r],
  refusedTitle: 'Niente da fare con questo link',
  refusedBody: 'Questo link ora non può agire su nessuno dei suoi account. Non è stato cambiato nulla.',
  refusedNote: (list) => `Esclusi (${list.length}): ${list.map((l) => `${l.who}: ${l.why}`).join('; ')}.`,
  undoButton: (count) => (count === 1 ? 'Annulla' : `Annulla tutti (${count})`),
  undoLead: (minutes) => `Hai cambiato idea? Questo pulsante annulla ciò che è appena stato fatto, per i prossimi ${minutes} minuti (dopo: followback undo).`,
  undoTitle: (count) => (count === 1 ? 'Annullare questa azione?' : `Annullare queste ${count} azioni?`),
  undoExplain: 'followback torna a seguire chi ha appena smesso di seguire (o smette di seguire chi ha appena seguito), controllando prima, con limiti e registro come ogni azione.',
  undoByCommand: (ids) => `Per annullare, esegui: ${ids.map((id) => `followback undo ${id}`).join('; ')}`,
  undoFailed: (ids) => `Non è stato possibile annullare ora, e questo pulsante funziona ancora: riprova tra un minuto, oppure esegui ${ids.map((id) => `followback undo ${id}`).join('; ')}.`,
  undoneTitle: (count) => (count === 1 ? 'Annullato' : `Annullati (${count})`),
  undoneBody: 'Ogni tentativo è registrato; il prossimo report li elenca.',
  reversed: 'annullato: tutto com\'era prima',
  quotedCriticism: (date) => `La critica citata nel report (${date}):`,
  label: {
    confirmTitle: (label) => (label === 'not_criticism' ? 'Segnare questa risposta come non critica?' : 'Segnare questa risposta come critica?'),
    quoteBy: (who, at) => `${who}, ${at}:`,
    button: (label) => (label === 'not_criticism' ? 'Non è una critica' : 'È una critica'),
    effect: (label) =>
      `Dalla prossima esecuzione followback considera questa risposta ${label === 'not_criticism' ? 'non critica' : 'una critica'}, e giudica allo stesso modo le risposte scritte in modo simile. Sul social non cambia nulla.`,
    takeBack: (ref) => `Per tornare indietro: followback label --remove ${ref}`,
    already: (label, on) => `Hai già detto che ${label === 'not_criticism' ? 'non è una critica' : 'è una critica'} (${on}): premere di nuovo non cambia nulla.`,
    replaces: (previous, on) => `Il ${on} hai detto che ${previous === 'not_criticism' ? 'non è una critica' : 'è una critica'}: premendo lo sostituisci.`,
    doneTitle: (label) => (label === 'not_criticism' ? 'Salvato: non è una critica' : 'Salvato: è una critica'),
    doneBody: (label) =>
      `Dalla prossima esecuzione followback considera questa risposta ${label === 'not_criticism' ? 'non critica' : 'una critica'}, e giudica allo stesso modo le risposte scritte in modo simile.`,
    againBody: 'Questo link è già stato usato, e l\'etichetta è registrata come dice: ora non è cambiato nulla.',
    goneTitle: 'Questa risposta non è più in archivio',
    goneBody: 'È scaduta con il periodo di conservazione, oppure il contatto è stato dimenticato: non c\'è nulla da etichettare. Non è stato cambiato nulla.',
    unavailableBody: 'Questa pagina delle decisioni non può registrare etichette. Non è stato cambiato nulla. Usa followback label dal tuo computer.',
  },
  footer: 'followback — decisioni dal report',
};

export function pageMessagesFor(locale: Locale): PageMessages {
  return locale === 'it' ? it : en;
}

/** For pages before a token is trusted (no profile, so no configured locale): the browser's first choice. */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  const first = (header ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('it') ? 'it' : 'en';
}

/** The email's link labels are the report's now; re-exported for callers of this module. */
export { linkLabelsFor, type LinkLabels } from '../report/link-labels.ts';
