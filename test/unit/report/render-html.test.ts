import { describe, expect, it } from 'vitest';
import { escapeHtml, safeHttpUrl } from '../../../shared/report/escape-html.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { analysis, sampleReport, sampleVerdicts, staleSource, verdict, zeroDeltas } from './analysis-fixture.ts';

function sectionHtml(html: string, title: string, nextTitle?: string): string {
  const start = html.indexOf(`>${title} (`);
  expect(start, `section "${title}" is rendered`).toBeGreaterThan(-1);
  const end = nextTitle ? html.indexOf(`>${nextTitle} (`, start) : html.length;
  return html.slice(start, end);
}

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;');
  });

  it('removes bidi overrides and control characters a display name could hide behind', () => {
    expect(escapeHtml('evil\u202Egpj.exe\u0007')).toBe('evilgpj.exe');
  });

  it('lets only http and https URLs become links', () => {
    expect(safeHttpUrl('https://example.social/@a')).toBe('https://example.social/@a');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl(' JAVASCRIPT:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
    expect(safeHttpUrl(undefined)).toBeNull();
  });
});

describe('HTML report', () => {
  const html = renderReport(sampleReport()).html;

  it('never lets a hostile name, reply or URL become markup', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/onerror=alert\(1\)>/);
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; you are wrong &amp; always will be');
  });

  it('links a name to its http(s) profile and shows an unsafe one as plain text', () => {
    expect(html).toMatch(/<a href="https:\/\/example\.social\/@user\d+"[^>]*>Ghost Account<\/a>/);
    expect(html).toMatch(/<span style="[^"]*">&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;<\/span>/);
    expect(html).not.toMatch(/<a [^>]*>&quot;&gt;&lt;img/);
  });

  it('keeps every style inline: no <style>, no <script>, no external images or fonts', () => {
    expect(html).not.toMatch(/<style|<link|<img|@import|url\(/i);
    expect(html).toMatch(/<table role="presentation" width="640"[^>]*max-width:640px/);
    const tagsWithClass = html.match(/\sclass=/g) ?? [];
    expect(tagsWithClass).toHaveLength(0);
  });

  it('shows headline figures with signed deltas', () => {
    expect(html).toContain('▼ −3');
    expect(html).toContain('▲ +4');
    expect(html).toContain('▲ +2.5 pp');
  });

  it('shows a one-line summary at the top', () => {
    expect(html).toContain('You follow 120 accounts and 95 follow you (40 mutual); 38% of the accounts you follow engaged with you in the last 90 days.');
  });

  it('puts the stale-source warning first, naming the source, since when and why', () => {
    const stale = renderReport(sampleReport({ analysis: analysis({ staleSources: [staleSource()] }) })).html;
    const banner = stale.indexOf('Some data is stale');
    expect(banner).toBeGreaterThan(-1);
    expect(banner).toBeLessThan(stale.indexOf('You follow 120 accounts'));
    expect(stale).toContain('mastodon: contacts partial, interactions failed; last complete pull 18 Nov 2026.');
    expect(stale).toContain('answered 503 &lt;b&gt;Service Unavailable&lt;/b&gt;');
    expect(html).not.toContain('Some data is stale');
  });

  it('groups unfollows under their reasons and shows evidence with dates and the critical reply', () => {
    const unfollow = sectionHtml(html, 'Suggested unfollows', 'Worth a look');
    const order = ['Inactive account (1)', 'Never engaged (1)', 'Dormant (1)', 'Only criticism (1)', 'Outside your audience (1)'].map((t) => unfollow.indexOf(t));
    expect(order.every((i) => i > -1)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(unfollow).toContain('last interaction from them 8 Jul 2026');
    expect(unfollow).toContain('followed for 400 days');
    expect(unfollow).toContain('No interaction for 140 days; the last was on 8 Jul 2026.');
    expect(unfollow).toContain('“&lt;script&gt;');
  });

  it('shows at most maxRowsPerSection rows per section and says how many more are in the CSV', () => {
    const many = Array.from({ length: 9 }, (_, i) => verdict({ id: `r${i}`, recommendation: 'review', reasons: ['one_sided'], displayName: `Reviewed ${i}` }));
    const out = renderReport(sampleReport({ maxRowsPerSection: 4, analysis: analysis({ verdicts: [...sampleVerdicts(), ...many] }) })).html;
    const review = sectionHtml(out, 'Worth a look', 'Follow back');
    expect(review.match(/<tr><td style="padding:8px 0;/g)).toHaveLength(4);
    expect(review).toContain('…and 6 more (see the CSV attachment)');
    const unfollow = sectionHtml(out, 'Suggested unfollows', 'Worth a look');
    expect(unfollow.match(/<tr><td style="padding:8px 0;/g)).toHaveLength(4);
    expect(unfollow).toContain('…and 1 more');
  });

  it('says so when a section is empty', () => {
    const out = renderReport(sampleReport({ analysis: analysis({ verdicts: [] }) })).html;
    expect(out.match(/Nothing here this time\./g)).toHaveLength(6);
  });
});

describe('HTML figure changes', () => {
  const figureCell = (html: string, label: string): string => {
    const at = html.indexOf(`>${label}</div>`);
    expect(at, label).toBeGreaterThan(-1);
    return html.slice(at, html.indexOf('</td>', at));
  };

  it('colours a change by whether it is good news, not by its arrow', () => {
    const deltas = { ...zeroDeltas(), followers: 5, lostFollowers: 7, engagedFollowingShare: -0.02, following: 3 };
    const html = renderReport(sampleReport({ analysis: analysis({ deltas }) })).html;
    expect(figureCell(html, 'Followers')).toContain('color:#1e7e34'); // more followers: good
    expect(figureCell(html, 'Lost followers')).toContain('color:#b3261e'); // more lost followers: bad, though the arrow points up
    expect(figureCell(html, 'Engaged (of those you follow)')).toContain('color:#b3261e');
    expect(figureCell(html, 'You follow')).toContain('color:#5f6368'); // following more is neither
  });
});
