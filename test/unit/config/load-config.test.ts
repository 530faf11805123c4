import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig, selectProfiles } from '../../../shared/config/load-config.ts';

const minimal = {
  profiles: [{ id: 'me', sources: [{ type: 'demo' }], report: { recipients: ['me@example.com'], sender: 'fb@example.com' } }],
};

async function writeTemp(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fb-config-'));
  const path = join(dir, 'followback.config.json');
  await writeFile(path, text);
  return path;
}

describe('config', () => {
  it('fills every policy threshold with a sensible default', () => {
    const config = parseConfig(minimal, 'test');
    expect(config.profiles[0]?.policy).toEqual({
      lookbackDays: 90,
      minObservationDays: 30,
      graceDays: 14,
      dormantDays: 120,
      inactiveDays: 180,
      oneSidedThreshold: 5,
      topSupporters: 10,
      followBackMinInteractions: 1,
      retentionDays: 730,
      maxPullHours: 6,
    });
    expect(config.delivery).toEqual({ type: 'outbox', dir: 'outbox' });
    expect(config.profiles[0]?.report.locale).toBe('en');
  });

  it('names the path of every bad field and what was expected', () => {
    const bad = {
      profiles: [
        {
          id: 'Me!',
          sources: [{ type: 'mastodon', instanceUrl: 'not a url', accessToken: {} }],
          policy: { lookbackDays: 0 },
          report: { recipients: ['nobody'], sender: 'fb@example.com', locale: 'fr' },
        },
      ],
    };
    let error: unknown;
    try {
      parseConfig(bad, 'my.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    expect((error as ConfigError).message).toMatch(/^my\.json: invalid config/);
    expect(issues).toContain('profiles[0].id:');
    expect(issues).toContain('profiles[0].sources[0].instanceUrl:');
    expect(issues).toContain('profiles[0].sources[0].accessToken: a secret reference needs "file", "env" or "secretName"');
    expect(issues).toContain('profiles[0].policy.lookbackDays: Too small');
    expect(issues).toContain('profiles[0].report.recipients[0]:');
    expect(issues).toContain('profiles[0].report.locale:');
  });

  it('rejects an unknown key instead of silently ignoring a typo', () => {
    const typo = { ...minimal, profiles: [{ ...minimal.profiles[0], polcy: { lookbackDays: 10 } }] };
    expect(() => parseConfig(typo, 'x')).toThrow(/profiles\[0\]: Unrecognized key: "polcy"/);
  });

  it('reads the suggestion settings, with the defaults, and names a bad one by its path', () => {
    expect(parseConfig(minimal, 'x').profiles[0]?.report.suggestions).toEqual({ minDecided: 8, keptShare: 0.7, lastDecisions: 20 });
    const withReport = (suggestions: unknown) => ({ profiles: [{ ...minimal.profiles[0], report: { ...minimal.profiles[0]?.report, suggestions } }] });
    expect(parseConfig(withReport({ keptShare: 0.9 }), 'x').profiles[0]?.report.suggestions).toEqual({ minDecided: 8, keptShare: 0.9, lastDecisions: 20 });
    expect(() => parseConfig(withReport({ keptShare: 0.3 }), 'x')).toThrow(/profiles\[0\]\.report\.suggestions\.keptShare: Too small/);
    expect(() => parseConfig(withReport({ minDecided: 30 }), 'x')).toThrow(/profiles\[0\]\.report\.suggestions\.minDecided: minDecided must not exceed lastDecisions/);
    expect(() => parseConfig(withReport({ minDecide: 3 }), 'x')).toThrow(/profiles\[0\]\.report\.suggestions: Unrecognized key: "minDecide"/);
  });

  it('rejects two sources with the same id in one profile', () => {
    const dup = { profiles: [{ ...minimal.profiles[0], sources: [{ type: 'demo' }, { type: 'demo' }] }] };
    expect(() => parseConfig(dup, 'x')).toThrow(/profiles\[0\]\.sources\[1\]\.id: duplicate source id "demo"/);
  });

  it('refuses a secret written inline instead of referenced', () => {
    const inline = { profiles: [{ ...minimal.profiles[0], sources: [{ type: 'mastodon', instanceUrl: 'https://m.example', accessToken: 'abc123' }] }] };
    expect(() => parseConfig(inline, 'x')).toThrow(/profiles\[0\]\.sources\[0\]\.accessToken/);
  });

  it('reports invalid JSON with its line and column', async () => {
    const path = await writeTemp('{\n  "profiles": [\n    { "id": "me", }\n  ]\n}');
    await expect(loadConfigFile(path)).rejects.toThrow(/not valid JSON .*at line 3, column \d+/);
  });

  it('says when the file does not exist', async () => {
    await expect(loadConfigFile('/nonexistent/followback.config.json')).rejects.toThrow('/nonexistent/followback.config.json: config file not found');
  });

  it('loads the committed example config', async () => {
    const config = await loadConfigFile(new URL('../../../followback.config.example.json', import.meta.url).pathname);
    expect(config.profiles.map((p) => p.id)).toEqual(['ada']);
  });

  it('selects a profile by id and lists the known ones otherwise', () => {
    const config = parseConfig(minimal, 'x');
    expect(selectProfiles(config, 'me')).toHaveLength(1);
    expect(() => selectProfiles(config, 'you')).toThrow('unknown profile "you"; the config has: me');
  });
});
