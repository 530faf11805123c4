/** Which profile URLs become links in the email: http(s) only, trimmed, and not absurdly long. */
import { describe, expect, it } from 'vitest';
import { safeHttpUrl } from '../../../shared/report/escape-html.ts';

describe('profile links', () => {
  it('plain http and https profile URLs are links', () => {
    expect(safeHttpUrl('http://example.org/@alice')).toBe('http://example.org/@alice');
    expect(safeHttpUrl('https://example.org/@alice')).toBe('https://example.org/@alice');
  });

  it('a URL of exactly 2048 characters is still a link; one character more is not', () => {
    const base = 'https://example.org/@';
    const exact = base + 'a'.repeat(2048 - base.length);
    expect(safeHttpUrl(exact)).toBe(exact);
    expect(safeHttpUrl(`${exact}a`)).toBeNull();
  });

  it('white space around a URL, no-break spaces and line separators included, does not stop it being a link', () => {
    expect(safeHttpUrl('\u00A0https://example.org/@alice\u2028')).toBe('https://example.org/@alice');
    expect(safeHttpUrl('  https://example.org/@alice\n')).toBe('https://example.org/@alice');
  });

  it('other schemes are never links', () => {
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('ftp://example.org/x')).toBeNull();
  });
});
