/**
 * The email's label links end to end, on DynamoDB Local: a run signs a "This is
 * not criticism" link under a quoted criticism (and "This is criticism" under a
 * top supporter's reply); the decision page handler shows the reply on GET
 * without storing anything, stores the label on POST (once; pressing again
 * says it is saved), and the next run no longer counts that reply as negative.
 * `followback forget` then deletes the label with the contact.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load-config.ts';
import type { ProfileConfig } from '../../../shared/config/schema.ts';
import { handleDecision, type DecideDeps, type DecideResponse } from '../../../shared/decide/handler.ts';
import { DECISION_KEYS_ENV, keyringOf, newKeyringJson } from '../../../shared/decide/keyring.ts';
import { signToken, verifyToken } from '../../../shared/decide/token.ts';
import type { ReportJson } from '../../../shared/report/report-schema.ts';
import { freshTable, type FreshTable } from '../../helpers/dynamo.ts';
import { cli, readReport, tempDir, writeJson } from '../cli/cli-harness.ts';

const PAGE = 'http://127.0.0.1:8787/decide';
const keyringJson = newKeyringJson('k1');
const env = { [DECISION_KEYS_ENV]: JSON.stringify(keyringJson) };

/** The label links of a text part, by their label, with the quote just above each. */
function labelLinks(text: string, label: string): { quote: string; url: string }[] {
  const lines = text.split('\n');
  const out: { quote: string; url: string }[] = [];
  lines.forEach((line, i) => {
    const m = new RegExp(`^\\s+${label}: (http\\S+)$`).exec(line);
    if (m?.[1] === undefined) return;
    // The quote's lines (prefixed "> ") end right above the link.
    const quote: string[] = [];
    for (let j = i - 1; j >= 0 && /^\s+> /.test(lines[j] ?? ''); j--) quote.unshift((lines[j] ?? '').replace(/^\s+> /, ''));
    out.push({ quote: quote.join(' '), url: m[1] });
  });
  return out;
}

async function textPart(outDir: string, date: string): Promise<string> {
  const name = (await readdir(outDir)).find((f) => f.endsWith(`-${date}.txt`));
  if (name === undefined) throw new Error(`no text part for ${date}`);
  return readFile(join(outDir, name), 'utf8');
}

describe('label links from the email to the next run (DynamoDB Local)', () => {
  let table: FreshTable;
  let dir: string;
  let first: ReportJson;
  let firstText: string;
  let profile: ProfileConfig;
  let deps: DecideDeps;
  const now = new Date('2026-11-18T09:00:00Z');

  beforeAll(async () => {
    table = await freshTable();
    dir = await tempDir('fb-label-links-');
    const config = {
      profiles: [
        {
          id: 'demo',
          sources: [{ type: 'demo', seed: 7, size: 300 }],
          // Every row shown, so the quoted criticisms are in the email.
          report: { recipients: ['you@example.com'], sender: 'fb@example.com', decisionsUrl: PAGE, maxRowsPerSection: 1000 },
        },
      ],
      storage: { endpoint: table.endpoint, tableName: table.tableName },
      delivery: { type: 'outbox', dir: 'out' },
    };
    await writeJson(join(dir, 'followback.config.json'), config);
    const run = await cli(['run', '--now', '2026-11-18T08:00:00Z'], dir, env);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    first = await readReport(join(dir, 'out'), '2026-11-18');
    firstText = await textPart(join(dir, 'out'), '2026-11-18');
    const parsed = parseConfig(config, 'test config');
    const p = parsed.profiles[0];
    if (p === undefined) throw new Error('no profile');
    profile = p;
    deps = {
      keyring: async () => keyringOf(keyringJson),
      profile: (id) => (id === profile.id ? profile : undefined),
      decisions: table.store,
      ledger: table.store.decisionLedger(),
      labels: table.store.toneLabelStore(),
      clock: () => now,
    };
  }, 180_000);

  const get = (url: string): Promise<DecideResponse> => {
    const u = new URL(url);
    return handleDecision({ method: 'GET', path: u.pathname, query: { t: u.searchParams.get('t') ?? undefined }, body: '', headers: {} }, deps);
  };
  const post = (url: string): Promise<DecideResponse> => {
    const u = new URL(url);
    const body = new URLSearchParams({ t: u.searchParams.get('t') ?? '' }).toString();
    return handleDecision({ method: 'POST', path: u.pathname, query: {}, body, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:8787' } }, deps);
  };

  /** The contact key and reply a link's token names. */
  const named = (url: string): { key: string; reply: string; action: string } => {
    const check = verifyToken(new URL(url).searchParams.get('t') ?? '', keyringOf(keyringJson), now);
    if (!check.ok) throw new Error(`a link of the email does not verify: ${check.problem}`);
    return { key: check.payload.keys[0] ?? '', reply: check.payload.reply?.interactionId ?? '', action: check.payload.action };
  };

  it('the email carries a "This is not criticism" link under each quoted criticism, and "This is criticism" under each supporter\'s quoted reply', () => {
    const critics = first.contacts.filter((c) => c.evidence.critic_only !== undefined && 'exampleId' in c.evidence.critic_only && firstText.includes(c.handle));
    expect(critics.length).toBeGreaterThan(0);
    const notCriticism = labelLinks(firstText, 'This is not criticism');
    // Each link names the critic and the very reply quoted above it (a contact listed in two sections has it twice).
    const byCritic = new Map(critics.map((c) => [c.key, c.evidence.critic_only]));
    for (const l of notCriticism) {
      const n = named(l.url);
      const e = byCritic.get(n.key);
      if (e === undefined || !('example' in e)) throw new Error(`a "not criticism" link names ${n.key}, not a quoted critic`);
      expect(n).toMatchObject({ action: 'label_not_criticism', reply: e.exampleId });
      expect(l.quote.replace(/\s+/g, ' ')).toBe(`"${e.example}"`.replace(/\s+/g, ' '));
    }
    expect(new Set(notCriticism.map((l) => named(l.url).key))).toEqual(new Set(byCritic.keys()));

    const supporters = first.contacts.filter((c) => c.evidence.top_supporter?.exampleId !== undefined);
    expect(supporters.length).toBeGreaterThan(0);
    const criticism = labelLinks(firstText, 'This is criticism');
    const bySupporter = new Map(supporters.map((c) => [c.key, c.evidence.top_supporter]));
    for (const l of criticism) expect(named(l.url)).toMatchObject({ action: 'label_criticism', reply: bySupporter.get(named(l.url).key)?.exampleId });
    expect(new Set(criticism.map((l) => named(l.url).key))).toEqual(new Set(bySupporter.keys()));
    // A supporter without a reply in the window is quoted nowhere, and gets no label link.
    const silent = first.contacts.filter((c) => c.evidence.top_supporter !== undefined && c.evidence.top_supporter.exampleId === undefined);
    for (const c of silent) expect(bySupporter.has(c.key)).toBe(false);
  });

  it('a Keep page about a critic quotes the criticism the report quoted, read from the store, with a "This is not criticism" link to the same label page; a contact judged otherwise gets no quote', async () => {
    const critic = first.contacts.find((c) => c.evidence.critic_only !== undefined && 'exampleId' in c.evidence.critic_only);
    const evidence = critic?.evidence.critic_only;
    if (critic === undefined || evidence === undefined || !('exampleId' in evidence) || evidence.exampleId === undefined) throw new Error('no critic with a named reply');
    const other = first.contacts.find((c) => c.evidence.critic_only === undefined && (c.recommendation === 'unfollow' || c.recommendation === 'review'));
    if (other === undefined) throw new Error('no other suggested contact');
    const { token } = signToken({ profile: 'demo', keys: [critic.key, other.key], action: 'keep', now }, keyringOf(keyringJson));
    const page = await get(`${PAGE}?t=${token}`);
    expect(page.status).toBe(200);
    expect(page.body.match(/The criticism the report quoted \(/g)).toHaveLength(1);
    const quote = /<blockquote class="quote">([^<]*)<\/blockquote><div class="why"><a href="([^"]+)">This is not criticism<\/a>/.exec(page.body);
    if (quote?.[1] === undefined || quote[2] === undefined) throw new Error('no quote with a label link on the Keep page');
    const unescape = (t: string): string => t.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    // The report's quote is the stored reply, shortened.
    expect(unescape(quote[1]).replace(/\s+/g, ' ')).toContain(evidence.example.replace(/…$/, '').replace(/\s+/g, ' ').slice(0, 40));
    const href = new URL(unescape(quote[2]), PAGE).href;
    expect(named(href)).toEqual({ key: critic.key, reply: evidence.exampleId, action: 'label_not_criticism' });
    const labelPage = await get(href);
    expect(labelPage.status).toBe(200);
    expect(labelPage.body).toContain('Mark this reply as not criticism?');
    // Nothing was stored by opening either page.
    expect(await table.store.toneLabelStore().listLabels('demo')).toEqual([]);
  });

  it('GET shows the reply and a button and stores nothing; POST stores the label; pressing again says it is saved; the next run counts the reply as not negative', async () => {
    const critic = first.contacts.find((c) => c.evidence.critic_only !== undefined && 'exampleId' in c.evidence.critic_only && firstText.includes(c.handle));
    const evidence = critic?.evidence.critic_only;
    if (critic === undefined || evidence === undefined || !('exampleId' in evidence) || evidence.exampleId === undefined) throw new Error('no critic with a named reply in the email');
    // The link under this critic's quote: the one whose token names this contact and reply.
    const link = labelLinks(firstText, 'This is not criticism')
      .map((l) => l.url)
      .find((url) => {
        const check = verifyToken(new URL(url).searchParams.get('t') ?? '', keyringOf(keyringJson), now);
        return check.ok && check.payload.keys[0] === critic.key && check.payload.reply?.interactionId === evidence.exampleId;
      });
    if (link === undefined) throw new Error(`no label link for ${critic.key}`);
    const labels = table.store.toneLabelStore();

    const shown = await get(link);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('Mark this reply as not criticism?');
    expect(shown.body).toContain('<form method="post"');
    expect(shown.body).toContain('This is not criticism</button>');
    expect(await labels.listLabels('demo')).toEqual([]);

    const stored = await post(link);
    expect(stored.status).toBe(200);
    expect(stored.body).toContain('Saved: not criticism');
    expect(stored.body).not.toContain(new URL(link).searchParams.get('t') ?? 'no token');
    const after = await labels.listLabels('demo');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ label: 'not_criticism', by: 'page', sourceId: critic.sourceId, interactionId: evidence.exampleId, contactId: critic.id });

    const again = await post(link);
    expect(again.status).toBe(200);
    expect(again.body).toContain('Saved: not criticism');
    expect(again.body).toContain('already used');
    expect(await labels.listLabels('demo')).toHaveLength(1);

    const run = await cli(['run', '--now', '2026-11-19T08:00:00Z'], dir, env);
    expect(run.code).toBe(0);
    const second = await readReport(join(dir, 'out'), '2026-11-19');
    const still = second.contacts.find((c) => c.key === critic.key)?.evidence.critic_only;
    // The same replies held (seed 7: nothing new the next day), fewer of them negative: the labelled one, and its
    // identical copies, count as not criticism now; the quote moves to another reply.
    if (still === undefined || !('negative' in still)) throw new Error('the critic is no longer judged at all');
    expect(still.count).toBe(evidence.count);
    expect(still.negative).toBeLessThan(evidence.negative);
    expect(still.example).not.toBe(evidence.example);
  }, 180_000);

  it('"This is criticism" on a supporter\'s reply stores a criticism label; forget deletes the contact\'s labels, and the link then finds nothing to label', async () => {
    const supporter = first.contacts.find((c) => c.evidence.top_supporter?.exampleId !== undefined);
    const reply = supporter?.evidence.top_supporter;
    if (supporter === undefined || reply?.exampleId === undefined) throw new Error('no supporter with a quoted reply');
    const link = labelLinks(firstText, 'This is criticism')
      .map((l) => l.url)
      .find((url) => {
        const check = verifyToken(new URL(url).searchParams.get('t') ?? '', keyringOf(keyringJson), now);
        return check.ok && check.payload.keys[0] === supporter.key && check.payload.action === 'label_criticism';
      });
    if (link === undefined) throw new Error(`no label link for ${supporter.key}`);
    expect((await post(link)).status).toBe(200);
    const labels = table.store.toneLabelStore();
    expect((await labels.listLabels('demo')).filter((l) => l.contactId === supporter.id)).toMatchObject([{ label: 'criticism', interactionId: reply.exampleId }]);

    const forgot = await cli(['forget', supporter.key], dir, env);
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toContain('1 tone label');
    expect((await labels.listLabels('demo')).filter((l) => l.contactId === supporter.id)).toEqual([]);

    // A fresh link to that reply (the first is used) finds nothing to label: the reply went with them.
    const fresh = signToken({ profile: 'demo', keys: [supporter.key], action: 'label_criticism', reply: { interactionId: reply.exampleId, at: reply.exampleAt ?? '' }, now }, keyringOf(keyringJson)).token;
    const gone = await get(`${PAGE}?t=${fresh}`);
    expect(gone.status).toBe(410);
    expect(gone.body).toContain('This reply is no longer stored');
    expect(gone.body).not.toContain('<form');
    expect((await post(`${PAGE}?t=${fresh}`)).status).toBe(410);
    expect(await labels.listLabels('demo')).toHaveLength(1);
  }, 120_000);
});
