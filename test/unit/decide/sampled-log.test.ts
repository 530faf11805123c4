/** Refused links in the decision page's log: the first N a minute, then one count. */
import { describe, expect, it } from 'vitest';
import type { DecideLog } from '../../../shared/decide/handler.ts';
import { ACCESS_LOG_MESSAGE, pageFloods, REFUSED_LINK_MESSAGE, sampledLog } from '../../../shared/decide/sampled-log.ts';

function recorder() {
  const lines: { level: string; message: string; extra: Record<string, unknown> | undefined }[] = [];
  const log: DecideLog = {
    info: (message, extra) => void lines.push({ level: 'info', message, extra }),
    warn: (message, extra) => void lines.push({ level: 'warn', message, extra }),
    error: (message, extra) => void lines.push({ level: 'error', message, extra }),
  };
  return { log, lines };
}

describe('the sampled decision page log', () => {
  it('writes the first N refused links of a minute, counts the rest, and says how many once the minute is over', () => {
    const { log, lines } = recorder();
    let clock = 0;
    const sampled = sampledLog(log, { perMinute: 5, now: () => clock });
    for (let i = 0; i < 1_000; i++) sampled.warn(REFUSED_LINK_MESSAGE, { problem: 'forged' });
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => l.message === REFUSED_LINK_MESSAGE)).toBe(true);
    clock += 59_999;
    sampled.warn(REFUSED_LINK_MESSAGE, { problem: 'forged' });
    expect(lines).toHaveLength(5);
    clock += 1;
    sampled.warn(REFUSED_LINK_MESSAGE, { problem: 'expired' });
    expect(lines.slice(5).map((l) => l.message)).toEqual(['996 more refused links suppressed', REFUSED_LINK_MESSAGE]);
    expect(lines[5]?.extra).toMatchObject({ suppressed: 996, kind: 'refused links' });
    expect(lines[6]?.extra).toEqual({ problem: 'expired' });
  });

  it('the count is written by the next line of any kind after the minute, or by flush', () => {
    const { log, lines } = recorder();
    let clock = 0;
    const sampled = sampledLog(log, { perMinute: 1, now: () => clock });
    sampled.warn(REFUSED_LINK_MESSAGE);
    sampled.warn(REFUSED_LINK_MESSAGE);
    sampled.warn(REFUSED_LINK_MESSAGE);
    clock += 60_000;
    sampled.info('decision stored', { action: 'keep' });
    expect(lines.map((l) => l.message)).toEqual([REFUSED_LINK_MESSAGE, '2 more refused links suppressed', 'decision stored']);
    sampled.warn(REFUSED_LINK_MESSAGE);
    sampled.warn(REFUSED_LINK_MESSAGE);
    sampled.flush(true);
    expect(lines.slice(3).map((l) => l.message)).toEqual([REFUSED_LINK_MESSAGE, '1 more refused links suppressed']);
    // Nothing suppressed, nothing to say.
    clock += 60_000;
    sampled.flush();
    expect(lines).toHaveLength(5);
  });

  it('never samples the lines that matter: decisions, errors, other warnings', () => {
    const { log, lines } = recorder();
    const sampled = sampledLog(log, { perMinute: 1, now: () => 0 });
    for (let i = 0; i < 50; i++) {
      sampled.info('decision stored', { i });
      sampled.error('decision could not be stored', { i });
      sampled.warn('stored contact unreadable; shown as unknown', { i });
    }
    expect(lines).toHaveLength(150);
  });

  it("samples every refusal a stranger can cause, together: a foreign profile's link, a cross-site POST", () => {
    const { log, lines } = recorder();
    const sampled = sampledLog(log, { perMinute: 2, now: () => 0 });
    sampled.warn(REFUSED_LINK_MESSAGE);
    sampled.warn('decision link for a profile this deployment does not serve');
    sampled.warn('decision POST from another site refused');
    expect(lines).toHaveLength(2);
  });

  it('with the entry points\' choice, the access lines of rate-limited requests are sampled too, other access lines never', () => {
    const { log, lines } = recorder();
    let clock = 0;
    const sampled = sampledLog(log, { perMinute: 3, kind: pageFloods, now: () => clock });
    for (let i = 0; i < 100; i++) sampled.info(ACCESS_LOG_MESSAGE, { status: 429, sourceIp: '198.51.100.7' });
    for (let i = 0; i < 10; i++) sampled.info(ACCESS_LOG_MESSAGE, { status: 200, sourceIp: '203.0.113.1' });
    expect(lines.filter((l) => l.extra?.['status'] === 429)).toHaveLength(3);
    expect(lines.filter((l) => l.extra?.['status'] === 200)).toHaveLength(10);
    clock += 60_000;
    sampled.flush();
    expect(lines.at(-1)?.message).toBe('97 more rate-limited requests suppressed');
  });
});
