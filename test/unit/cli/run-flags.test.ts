import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../functions/commands/cli-io.ts';
import { parseRunFlags } from '../../../functions/commands/run.ts';

const clock = () => new Date('2026-11-25T10:00:00Z');

describe('run flags', () => {
  it('defaults to the real clock, no dry run and no profile filter', () => {
    expect(parseRunFlags([], clock)).toEqual({ demo: false, dryRun: false, now: clock() });
  });

  it('reads every documented flag', () => {
    expect(parseRunFlags(['--config', 'c.json', '--profile', 'ada', '--dry-run', '--out', 'o', '--now', '2026-01-02T03:04:05Z'], clock)).toEqual({
      config: 'c.json',
      profile: 'ada',
      demo: false,
      dryRun: true,
      out: 'o',
      now: new Date('2026-01-02T03:04:05Z'),
    });
    expect(parseRunFlags(['--now', '2026-01-02'], clock)).toMatchObject({ now: new Date('2026-01-02T00:00:00Z') });
  });

  it.each([
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--now', 'yesterday'], /--now "yesterday" is not an ISO date-time/],
    [['--now', '2026-13-45T00:00:00Z'], /--now .* is not an ISO date-time/],
    [['--demo', '--config', 'x.json'], /--demo and --config are exclusive/],
    [['--profile'], /argument missing/],
    [['extra'], /Unexpected argument 'extra'/],
  ])('rejects %j with a message that names the problem', (argv, message) => {
    expect(() => parseRunFlags(argv, clock)).toThrow(UsageError);
    expect(() => parseRunFlags(argv, clock)).toThrow(message);
  });

  it('asks for help', () => {
    expect(parseRunFlags(['--help'], clock)).toBe('help');
  });
});
