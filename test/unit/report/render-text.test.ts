import { describe, expect, it } from 'vitest';
import { wrap } from '../../../shared/report/format.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { analysis, sampleReport, sampleVerdicts, staleSource, verdict } from './analysis-fixture.ts';

describe('plain-text part', () => {
  const longBio = 'word '.repeat(100);
  const verdicts = [...sampleVerdicts(), verdict({ id: 'long', displayName: `Very ${longBio}`, recommendation: 'review', reasons: ['one_sided'] })];
  const text = renderReport(sampleReport({ analysis: analysis({ verdicts, staleSources: [staleSource()] }) })).text;

  it('wraps at 78 columns, except for a single word (a URL) that is longer', () => {
    for (const line of text.split('\n')) {
      if ([...line].length > 78) expect(line.trim().split(' ')).toHaveLength(1);
    }
  });

  it('carries the same sections, names and evidence as the HTML', () => {
    for (const title of ['SUGGESTED UNFOLLOWS (5)', 'WORTH A LOOK (2)', 'FOLLOW BACK (1)', 'NEW FOLLOWERS (1)', 'LOST FOLLOWERS (1)', 'TOP SUPPORTERS (2)']) {
      expect(text).toContain(title);
    }
    expect(text).toContain('Ghost Account (@ghost@example.social · mastodon · you follow)');
    expect(text).toContain('https://example.social/@user');
    expect(text).toContain('> "<script>alert("pwned")</script> you are wrong & always will be"');
    expect(text).toMatch(/Some data is stale/);
    expect(text).toContain('▲ +4');
  });

  it('never prints an unsafe profile URL', () => {
    expect(text).not.toContain('javascript:');
  });

  it('keeps a hostile multi-line name on one line', () => {
    expect(text).toContain('  * <script>alert(1)</script>, "quoted" new line');
    expect(text).not.toMatch(/^new line/m);
  });
});

describe('wrap', () => {
  it('breaks between words and indents continuation lines', () => {
    expect(wrap('aaa bbb ccc ddd', 8, '* ', '  ')).toEqual(['* aaa', '  bbb', '  ccc', '  ddd']);
    expect(wrap('aaa bb', 8)).toEqual(['aaa bb']);
    expect(wrap('https://a-very-long-url.example/path', 10, '  ')).toEqual(['  https://a-very-long-url.example/path']);
  });
});
