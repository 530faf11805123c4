/** report.decisionsUrl carries single-use capabilities: https://, or plain http only on the loopback. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../shared/config/load-config.ts';

const DECISIONS_URL_MESSAGE = 'must be https:// (http is allowed only for 127.0.0.1, ::1 or localhost)';

function configWith(...urls: string[]) {
  return {
    profiles: urls.map((decisionsUrl, i) => ({ id: `p${i}`, sources: [{ type: 'demo' }], report: { recipients: ['me@example.com'], sender: 'fb@example.com', decisionsUrl } })),
  };
}

function issuesOf(...urls: string[]): string[] {
  try {
    parseConfig(configWith(...urls), 'test');
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('report.decisionsUrl', () => {
  it('accepts https anywhere, and http on 127.0.0.0/8, ::1 and localhost (followback serve)', () => {
    expect(
      issuesOf(
        'https://abcdefghij.lambda-url.eu-west-1.on.aws/',
        'https://decide.example.org/fb',
        'http://127.0.0.1:8787/decide',
        'http://127.1.2.3:8787/decide',
        'http://[::1]:8787/decide',
        'http://localhost:8787/decide',
        'http://LOCALHOST/decide',
      ),
    ).toEqual([]);
  });

  it('refuses plain http to any other host, naming the profile and the field', () => {
    expect(issuesOf('https://ok.example/', 'http://decide.example.org/')).toEqual([`profiles[1].report.decisionsUrl: ${DECISIONS_URL_MESSAGE}`]);
    for (const url of ['http://192.168.1.10:8787/decide', 'http://[::2]:8787/', 'http://localhost.evil.example/', 'http://127.0.0.1.evil.example/', 'http://0.0.0.0:8787/decide']) {
      expect(issuesOf(url), url).toEqual([`profiles[0].report.decisionsUrl: ${DECISIONS_URL_MESSAGE}`]);
    }
  });

  it('still refuses, once, what is not an http(s) URL at all', () => {
    expect(issuesOf('ftp://127.0.0.1/decide')).toHaveLength(1);
    expect(issuesOf('javascript:alert(1)')).toHaveLength(1);
    expect(issuesOf('not a url')).toHaveLength(1);
  });

});
