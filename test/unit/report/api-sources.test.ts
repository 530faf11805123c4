/**
 * Sources that read a closed network's official API beside its exports (issue 17): the email
 * says, per API source, what it spent against the caps and what the budget skipped (a line in
 * the sources section), and near the top, per token to renew, what is wrong and the network's
 * steps, naming where the config keeps the token (never a value). A week before a token
 * expires, with no problem yet, a reminder. In the JSON, the HTML and the text part, en and it.
 */
import { describe, expect, it } from 'vitest';
import { TOKEN_REMINDER_DAYS, buildReport, tokenNoticesOf } from '../../../shared/report/build-report.ts';
import { HTML_BUDGET_BYTES } from '../../../shared/report/email-size.ts';
import { fitEmail, renderReport, reportSubject } from '../../../shared/report/render.ts';
import { ReportJson, reportJsonSchema, type ApiSourceJson } from '../../../shared/report/report-schema.ts';
import { SkippedRead } from '../../../shared/domain/model.ts';
import { parseHtml, textOf } from '../../helpers/parse-html.ts';
import { NOW, reportInput, sampleReport } from './analysis-fixture.ts';

const DAY = 86_400_000;
const inDays = (days: number): string => new Date(Date.parse(NOW) + days * DAY).toISOString();

const X: ApiSourceJson = {
  sourceId: 'x',
  network: 'x',
  ok: true,
  spentUsd: 0.42,
  monthSpentUsd: 3.1,
  maxSpendUsd: 1,
  maxSpendUsdPerMonth: 10,
  skipped: [{ what: 'likers', posts: 12 }, { what: 'mentions_rest', cap: 'month' }],
  token: { expiresAt: inDays(0.05), refreshedAt: NOW },
  tokenRef: { accessToken: { env: 'X_ACCESS_TOKEN' }, refreshToken: { env: 'X_REFRESH_TOKEN', secretName: 'followback/x-refresh' } },
};
const INSTAGRAM: ApiSourceJson = {
  sourceId: 'instagram',
  network: 'instagram',
  ok: true,
  skipped: [],
  token: { expiresAt: inDays(6), refreshedAt: inDays(-54) },
  tokenRef: { accessToken: { env: 'IG_TOKEN', secretName: 'followback/instagram' } },
};

const report = (locale: 'en' | 'it', apiSources: ApiSourceJson[] = [X, INSTAGRAM]) => sampleReport({ locale, apiSources });
/** The text part, its line wrapping undone. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');
/** What a reader of the HTML sees (entities decoded, markup dropped), its whitespace collapsed. */
const seen = (html: string): string => {
  const parsed = parseHtml(html);
  expect(parsed.errors).toEqual([]);
  return flat(textOf(parsed.document));
};

describe('which tokens get a notice', () => {
  const ig = (token: ApiSourceJson['token']): ApiSourceJson[] => [{ ...INSTAGRAM, token }];

  it(`a week before it expires: ${TOKEN_REMINDER_DAYS} days or less left is due, more is not`, () => {
    expect(tokenNoticesOf(ig({ expiresAt: inDays(6) }), NOW)).toEqual([{ sourceId: 'instagram', network: 'instagram', kind: 'expires_soon', expiresAt: inDays(6), daysLeft: 6 }]);
    expect(tokenNoticesOf(ig({ expiresAt: inDays(7) }), NOW)).toMatchObject([{ kind: 'expires_soon', daysLeft: 7 }]);
    expect(tokenNoticesOf(ig({ expiresAt: new Date(Date.parse(NOW) + 7 * DAY + 60_000).toISOString() }), NOW)).toEqual([]);
    expect(tokenNoticesOf(ig({ expiresAt: inDays(8) }), NOW)).toEqual([]);
  });

  it('an expired token is a problem notice, not a reminder, whether the read said so or only the date does', () => {
    expect(tokenNoticesOf(ig({ expiresAt: inDays(-1) }), NOW)).toEqual([{ sourceId: 'instagram', network: 'instagram', kind: 'expired', expiresAt: inDays(-1) }]);
    expect(tokenNoticesOf(ig({ expiresAt: inDays(3), problem: 'expired' }), NOW)).toMatchObject([{ kind: 'expired' }]);
  });

  it('a problem wins over a coming expiry; no token state, no notice', () => {
    expect(tokenNoticesOf(ig({ expiresAt: inDays(3), problem: 'refresh_failed' }), NOW)).toMatchObject([{ kind: 'refresh_failed', expiresAt: inDays(3) }]);
    expect(tokenNoticesOf(ig({ problem: 'missing_permission' }), NOW)).toEqual([{ sourceId: 'instagram', network: 'instagram', kind: 'missing_permission' }]);
    expect(tokenNoticesOf(ig(undefined), NOW)).toEqual([]);
    expect(tokenNoticesOf(ig({ refreshedAt: NOW }), NOW)).toEqual([]);
  });

  it('a token that fails now comes before one that only expires soon', () => {
    const soon: ApiSourceJson = { ...INSTAGRAM, token: { expiresAt: inDays(3) } };
    const broken: ApiSourceJson = { sourceId: 'fb-page', network: 'facebook', ok: false, skipped: [], token: { problem: 'invalid' } };
    expect(tokenNoticesOf([soon, broken], NOW).map((n) => n.kind)).toEqual(['invalid', 'expires_soon']);
  });

  it("X's two-hour access tokens (refreshed every run) never get a reminder, only their problems a notice", () => {
    expect(tokenNoticesOf([X], NOW)).toEqual([]);
    expect(tokenNoticesOf([{ ...X, token: { expiresAt: inDays(-1) } }], NOW)).toEqual([]);
    expect(tokenNoticesOf([{ ...X, token: { problem: 'invalid' } }], NOW)).toEqual([{ sourceId: 'x', network: 'x', kind: 'invalid' }]);
  });
});

describe('the report JSON', () => {
  it('carries apiSources and tokenNotices, and still parses against its schema', () => {
    const r = report('en');
    expect(r.apiSources).toEqual([X, INSTAGRAM]);
    expect(r.tokenNotices).toEqual([{ sourceId: 'instagram', network: 'instagram', kind: 'expires_soon', expiresAt: inDays(6), daysLeft: 6 }]);
    expect(ReportJson.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
    const schema = JSON.stringify(reportJsonSchema());
    expect(schema).toContain('apiSources');
    expect(schema).toContain('tokenNotices');
  });

  it('a run without API sources has neither field and renders as before', () => {
    const input = reportInput();
    const plain = buildReport(input);
    expect(plain.apiSources).toBeUndefined();
    expect(plain.tokenNotices).toBeUndefined();
    const same = buildReport({ ...input, apiSources: [] });
    expect(same).toEqual(plain);
    expect(renderReport(same).html).toBe(renderReport(plain).html);
    expect(renderReport(same).text).toBe(renderReport(plain).text);
    expect(renderReport(plain).text).not.toContain(' API:');
  });
});

describe('the line per API source, in the sources section', () => {
  it('X: spend this run and this month against the caps, in dollars, and what was skipped (en, text and HTML)', () => {
    const { html, text } = renderReport(report('en'));
    const line = 'X API: $0.42 this run, $3.10 this month (caps $1.00 / $10.00).';
    const skipped = "skipped to stay within budget: who liked 12 older posts; the rest of your new mentions (over this month's X budget of $10.00); the next run goes on";
    expect(flat(text)).toContain(`- ${line} ${skipped}`);
    const page = seen(html);
    expect(page).toContain(line);
    expect(page).toContain(skipped);
    // In the sources section, after the table of what each source could see.
    expect(page.indexOf(line)).toBeGreaterThan(page.indexOf('What each source could see'));
    expect(text.indexOf('X API:')).toBeGreaterThan(text.indexOf('What each source could see'));
  });

  it('Instagram: read, and until when its token is valid (no spend, no caps)', () => {
    const { html, text } = renderReport(report('en'));
    const line = 'Instagram API: read this run; token valid until 1 Dec 2026 (refreshed 2 Oct 2026).';
    expect(flat(text)).toContain(line);
    expect(seen(html)).toContain(line);
  });

  it('in Italian, with the Italian currency format', () => {
    const { html, text } = renderReport(report('it'));
    const line = 'API di X: 0,42 $ in questa esecuzione, 3,10 $ questo mese (limiti 1,00 $ / 10,00 $).';
    expect(flat(text)).toContain(`${line} saltato per restare nel budget: chi ha messo mi piace a 12 post meno recenti; il resto delle nuove menzioni (oltre il budget mensile per X di 10,00 $); la prossima esecuzione continua`);
    expect(seen(html)).toContain(line);
    expect(seen(html)).toContain('API di Instagram: letta in questa esecuzione; token valido fino al 1 dic 2026 (rinnovato il 2 ott 2026).');
  });

  it('every skipped read is worded in the report\'s language, with the cap that stopped it; a phrase from an older pull is shown as it is, escaped', () => {
    const whats = SkippedRead.shape.what.options;
    const caps = [undefined, ...SkippedRead.shape.cap.unwrap().options];
    const items = whats.flatMap((what) => caps.map((cap) => ({ what, ...(what === 'likers' || what === 'reposters' ? { posts: 3 } : {}), ...(cap !== undefined ? { cap } : {}) })));
    const x = (skipped: ApiSourceJson['skipped']): ApiSourceJson => ({ ...X, skipped });
    const english = /\b(the|your|who|over|run|month|list|older|liked)\b/;
    for (const item of items) {
      const en = flat(renderReport(report('en', [x([item])])).text);
      const it = flat(renderReport(report('it', [x([item])])).text);
      const enLine = en.slice(en.indexOf('skipped to stay within budget: '));
      const itLine = it.slice(it.indexOf('saltato per restare nel budget: ')).split(/ -/)[0] ?? '';
      expect(enLine, JSON.stringify(item)).toMatch(/^skipped to stay within budget: \S/);
      // The Italian line says nothing in English ("X" and "$" aside).
      expect(itLine.replace(/^saltato per restare nel budget: /, ''), JSON.stringify(item)).not.toMatch(english);
      if (item.cap === 'month') expect(itLine).toContain('oltre il budget mensile per X di 10,00 $');
      if (item.cap === 'run') expect(enLine).toContain('this run may spend $1.00');
    }
    expect(flat(renderReport(report('it', [x([{ what: 'likers', posts: 1 }])])).text)).toContain('chi ha messo mi piace a 1 post meno recente');
    const legacy = renderReport(report('it', [x(['who liked <b>2</b> older posts'])]));
    expect(flat(legacy.text)).toContain('saltato per restare nel budget: who liked <b>2</b> older posts');
    expect(legacy.html).toContain('who liked &lt;b&gt;2&lt;/b&gt; older posts');
  });

  it('a read that failed says nothing it alone shows was judged; a source id other than the network is named', () => {
    const failed: ApiSourceJson = { sourceId: 'ig-shop', network: 'instagram', ok: false, skipped: [] };
    expect(flat(renderReport(report('en', [failed])).text)).toContain('Instagram (ig-shop) API: not read this run, so nothing only it shows was judged.');
    expect(flat(renderReport(report('it', [failed])).text)).toContain('API di Instagram (ig-shop): non letta in questa esecuzione, quindi nulla di ciò che mostra solo lei è stato valutato.');
  });

  it('shows even in a report whose sources did not declare what they see (no table)', () => {
    const r = report('en');
    expect(r.meta.sources).toBeUndefined();
    const { text } = renderReport(r);
    expect(text).toContain('What each source could see');
    expect(text).not.toContain('From them');
  });

  it('a cent fraction shows (X bills a tenth of a cent per read)', () => {
    const cheap: ApiSourceJson = { ...X, spentUsd: 0.004, monthSpentUsd: 0.004, skipped: [] };
    expect(flat(renderReport(report('en', [cheap])).text)).toContain('X API: $0.004 this run, $0.004 this month (caps $1.00 / $10.00).');
  });
});

describe('the token notice near the top', () => {
  it('a week before: when, that followback refreshes it, the steps, and where the token goes (en)', () => {
    const { html, text } = renderReport(report('en'));
    const line = 'The Instagram token expires on 1 Dec 2026; followback refreshes it on its own when it can. If this line is still here next week, renew it.';
    const how =
      'How: open the Meta app dashboard (developers.facebook.com/apps) → your app → Instagram → API setup with Instagram business login, click Generate token next to your account (a long-lived token, 60 days, with instagram_business_basic and instagram_business_manage_comments), and put it in the environment variable IG_TOKEN (local runs) or in the Secrets Manager secret followback/instagram (deployed).';
    expect(flat(text)).toContain(`An API token needs you - ${line} ${how}`);
    const page = seen(html);
    expect(page).toContain(line);
    expect(page).toContain(how);
    expect(page.indexOf('An API token needs you')).toBeLessThan(page.indexOf('Headline figures'));
    expect(text.indexOf('An API token needs you')).toBeLessThan(text.indexOf('Headline figures'));
    // Only a coming expiry: the calm note, not the amber warning.
    expect(text).not.toContain('(!) An API token needs you');
    expect(html).not.toContain('⚠ An API token');
  });

  it('in Italian', () => {
    const { html, text } = renderReport(report('it'));
    const line = 'Il token di Instagram scade il 1 dic 2026; followback lo rinnova da solo quando può. Se questa riga è ancora qui la settimana prossima, rinnovalo.';
    expect(flat(text)).toContain(line);
    expect(flat(text)).toContain("e mettilo nella variabile d'ambiente IG_TOKEN (in locale) o nel secret di Secrets Manager followback/instagram (nel cloud).");
    expect(seen(html)).toContain(line);
  });

  it('expired Instagram and Threads: a new long-lived token from the Meta app dashboard, put where the config says; a warning', () => {
    const sources: ApiSourceJson[] = [
      { ...INSTAGRAM, ok: false, token: { expiresAt: inDays(-2), problem: 'expired' }, tokenRef: { accessToken: { file: 'tokens/instagram.txt' } } },
      { sourceId: 'threads', network: 'threads', ok: false, skipped: [], token: { problem: 'expired' }, tokenRef: { accessToken: { secretName: 'followback/threads' } } },
    ];
    const { html, text } = renderReport(report('en', sources));
    const t = flat(text);
    expect(t).toContain('(!) An API token needs you');
    expect(t).toContain('The Instagram token has expired (on 23 Nov 2026), so followback could not read the Instagram API this run.');
    expect(t).toContain('click Generate token next to your account');
    expect(t).toContain('and put it in the file tokens/instagram.txt.');
    expect(t).toContain('The Threads token has expired, so followback could not read the Threads API this run.');
    expect(t).toContain('How: open the Meta app dashboard (developers.facebook.com/apps) → your app → the Threads use case, get a token with threads_basic, threads_read_replies and threads_manage_mentions, exchange it for a long-lived one (60 days), and put it in the Secrets Manager secret followback/threads.');
    expect(seen(html)).toContain('⚠ An API token needs you');
    const it = flat(renderReport(report('it', sources)).text);
    expect(it).toContain("Il token di Instagram è scaduto (il 23 nov 2026), quindi followback non ha potuto leggere l'API di Instagram in questa esecuzione.");
    expect(it).toContain('e mettilo nel file tokens/instagram.txt.');
  });

  it('Facebook: a new Page token; X: authorise the app again, access and refresh token each where the config says', () => {
    const sources: ApiSourceJson[] = [
      { sourceId: 'fb-page', network: 'facebook', ok: false, skipped: [], token: { problem: 'invalid' }, tokenRef: { accessToken: { env: 'FB_PAGE_TOKEN' } } },
      { ...X, ok: false, token: { problem: 'expired' } },
    ];
    const t = flat(renderReport(report('en', sources)).text);
    expect(t).toContain('The Facebook (fb-page) token no longer works (revoked, password changed or the app removed), so followback could not read the Facebook (fb-page) API this run.');
    expect(t).toContain('How: get a new Page token. In the Graph API Explorer (developers.facebook.com/tools/explorer) choose your app and ask for pages_show_list, pages_read_engagement and pages_read_user_content, extend the user token to a long-lived one in the Access Token Debugger, get the Page token from /me/accounts (made this way, it does not expire)');
    expect(t).toContain('and put it in the environment variable FB_PAGE_TOKEN.');
    expect(t).toContain('The X token has expired, so followback could not read the X API this run.');
    expect(t).toContain(
      'How: authorise your X app again (OAuth 2.0 with tweet.read, users.read, follows.read, like.read and offline.access) and put the new access token in the environment variable X_ACCESS_TOKEN and the new refresh token in the environment variable X_REFRESH_TOKEN (local runs) or in the Secrets Manager secret followback/x-refresh (deployed).',
    );
    const it = flat(renderReport(report('it', sources)).text);
    expect(it).toContain('Come: ottieni un nuovo token della Pagina.');
    expect(it).toContain("Come: autorizza di nuovo la tua app X (OAuth 2.0 con tweet.read, users.read, follows.read, like.read e offline.access) e metti il nuovo token d'accesso nella variabile d'ambiente X_ACCESS_TOKEN");
  });

  it('a missing permission names the permissions; a failed refresh says the current token still works until it expires', () => {
    const sources: ApiSourceJson[] = [
      { ...INSTAGRAM, token: { problem: 'missing_permission' } },
      { sourceId: 'threads', network: 'threads', ok: true, skipped: [], token: { expiresAt: inDays(20), problem: 'refresh_failed' } },
    ];
    const t = flat(renderReport(report('en', sources)).text);
    expect(t).toContain('The Instagram token lacks a permission followback needs: it needs instagram_business_basic and instagram_business_manage_comments.');
    expect(t).toContain('followback could not refresh the Threads token; it keeps using the current one until it expires on 15 Dec 2026. If this line is still here next time, renew it.');
    const it = flat(renderReport(report('it', sources)).text);
    expect(it).toContain("Al token di Instagram manca un'autorizzazione che serve a followback: servono instagram_business_basic e instagram_business_manage_comments.");
    expect(it).toContain('followback non è riuscito a rinnovare il token di Threads; continua a usare quello attuale finché non scade, il 15 dic 2026.');
  });

  it('a Page token expiring soon: followback cannot refresh it, renew before then', () => {
    const page: ApiSourceJson = { sourceId: 'facebook', network: 'facebook', ok: true, skipped: [], token: { expiresAt: inDays(2) } };
    const t = flat(renderReport(report('en', [page])).text);
    expect(t).toContain('The Facebook token expires on 27 Nov 2026, and followback cannot refresh it: renew it before then.');
  });

  it('a token kept only in an environment variable cannot be refreshed: renew it before then', () => {
    const envOnly: ApiSourceJson = { ...INSTAGRAM, tokenRef: { accessToken: { env: 'IG_TOKEN' } } };
    const t = flat(renderReport(report('en', [envOnly])).text);
    expect(t).toContain('The Instagram token expires on 1 Dec 2026, and followback cannot refresh it: renew it before then.');
    expect(flat(renderReport(report('it', [envOnly])).text)).toContain('Il token di Instagram scade il 1 dic 2026 e followback non può rinnovarlo: rinnovalo prima di allora.');
  });

  it('X without a refresh token: its access token expiring is a reminder like the others', () => {
    const bare: ApiSourceJson = { ...X, tokenRef: { accessToken: { file: 'secrets/x-access' } } };
    expect(tokenNoticesOf([bare], NOW)).toMatchObject([{ kind: 'expires_soon', daysLeft: 0 }]);
    expect(flat(renderReport(report('en', [bare])).text)).toContain('The X token expires on 25 Nov 2026, and followback cannot refresh it: renew it before then.');
  });

  it('without the config at hand, the steps name the source and its api.accessToken', () => {
    const bare: ApiSourceJson = { sourceId: 'ig-shop', network: 'instagram', ok: false, skipped: [], token: { problem: 'invalid' } };
    expect(flat(renderReport(report('en', [bare])).text)).toContain('and put it where api.accessToken of the source "ig-shop" says in your config.');
  });

  it('names and ids from stored data are escaped in the HTML and cleaned in the text', () => {
    const hostile: ApiSourceJson = {
      sourceId: '<img src=x onerror=alert(1)>',
      network: 'instagram',
      ok: false,
      skipped: ['<script>alert(2)</script> older posts'],
      token: { problem: 'expired' },
      tokenRef: { accessToken: { file: 'tokens/<b>ig</b>\u202E.txt' } },
    };
    const { html, text } = renderReport(report('en', [hostile]));
    const parsed = parseHtml(html);
    expect(parsed.errors).toEqual([]);
    expect(parsed.elements.filter((e) => ['img', 'script'].includes(e.tagName))).toEqual([]);
    expect(parsed.elements.filter((e) => e.tagName === 'b' && textOf(e) === 'ig')).toEqual([]);
    const page = flat(textOf(parsed.document));
    expect(page).toContain('Instagram (<img src=x onerror=alert(1)>) API: not read this run');
    expect(page).toContain('skipped to stay within budget: <script>alert(2)</script> older posts');
    expect(page).toContain('the file tokens/<b>ig</b>.txt.');
    expect(text).not.toContain('\u202E');
  });
});

describe('the email size budget', () => {
  it('many API sources, each with the most skipped reads and long names, still fit: the lists shorten and say so', () => {
    const long = (i: number): string => `who liked ${i} older posts ${'and more '.repeat(60)}`;
    const many: ApiSourceJson[] = Array.from({ length: 40 }, (_, i) => ({
      sourceId: `ig-${i}-${'x'.repeat(38)}`,
      network: 'instagram',
      ok: false,
      skipped: Array.from({ length: 50 }, (_, j) => long(j)),
      token: { problem: 'invalid' },
      tokenRef: { accessToken: { file: `secrets/${'deep/'.repeat(200)}token` } },
    }));
    const r = report('en', many);
    const { bytes, view } = fitEmail(r, reportSubject(r));
    expect(bytes).toBeLessThanOrEqual(HTML_BUDGET_BYTES);
    expect((view.sight?.api ?? []).length + (view.tokenNotices?.items.length ?? 0)).toBeGreaterThan(0);
    expect(view.tokenNotices?.more ?? '').toMatch(/and \d+ more/);
    expect(view.sight?.api?.at(-1)?.line).toMatch(/and \d+ more/);
  });
});
