/**
 * The decision page's log, sampled where a stranger controls the volume.
 *
 * Anyone can send the page a bad link, as often as they like: each one would
 * write a 'decision link refused' warning. Wrapped in `sampledLog`, the first
 * `perMinute` lines of such a kind in each minute are written as usual; the
 * rest are only counted, and when the minute is over one line says how many
 * were left out ("37 more refused links suppressed"). Every other line passes
 * straight through.
 *
 * No timer: the count is written by the first line (of any kind) after the
 * minute ends, or by `flush()`. A Lambda instance is frozen between requests,
 * so a timer could not be relied on anyway.
 */
import type { DecideLog } from './handler.ts';

type Level = 'info' | 'warn' | 'error';

/** What the handler writes when a link fails its check (bad MAC, unknown key, expired, malformed). */
export const REFUSED_LINK_MESSAGE = 'decision link refused';

/**
 * Which lines are sampled, and the name they are counted under (`undefined`: not sampled).
 * By default, the refusals a stranger can cause: a refused link, a link of a profile this
 * deployment does not serve, a POST from another site.
 */
export type SampleKind = (level: Level, message: string, extra: Record<string, unknown> | undefined) => string | undefined;

export const refusedLinks: SampleKind = (level, message) =>
  level === 'warn' && (message === REFUSED_LINK_MESSAGE || message.startsWith('decision link ') || message.includes(' refused')) ? 'refused links' : undefined;

/** The entry points' access log line, one per request. */
export const ACCESS_LOG_MESSAGE = 'decision page request';

/**
 * The entry points' choice: refused links, and the access lines of requests the rate limit
 * turned away (a flood from one client past its rate is counted, not written line by line).
 */
export const pageFloods: SampleKind = (level, message, extra) =>
  refusedLinks(level, message, extra) ?? (message === ACCESS_LOG_MESSAGE && extra?.['status'] === 429 ? 'rate-limited requests' : undefined);

export interface SampledLogOptions {
  /** Lines of one kind written per minute; the rest are counted. */
  perMinute?: number;
  kind?: SampleKind;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export const SAMPLED_PER_MINUTE = 20;
const WINDOW_MS = 60_000;

export interface SampledLog extends DecideLog {
  /** Writes the pending "N more … suppressed" lines of a finished minute (or of the current one, with `force`). */
  flush(force?: boolean): void;
}

export function sampledLog(log: DecideLog, options: SampledLogOptions = {}): SampledLog {
  const perMinute = options.perMinute ?? SAMPLED_PER_MINUTE;
  const kindOf = options.kind ?? refusedLinks;
  const now = options.now ?? Date.now;
  /** Per kind: the minute it counts in, lines written in it, lines left out. */
  const windows = new Map<string, { start: number; written: number; suppressed: number }>();

  const flush = (force = false): void => {
    const at = now();
    for (const [kind, w] of windows) {
      if (!force && at - w.start < WINDOW_MS) continue;
      if (w.suppressed > 0) log.warn(`${w.suppressed} more ${kind} suppressed`, { suppressed: w.suppressed, kind, since: new Date(w.start).toISOString() });
      windows.delete(kind);
    }
  };

  const write = (level: Level) => (message: string, extra?: Record<string, unknown>): void => {
    flush();
    const kind = kindOf(level, message, extra);
    if (kind !== undefined) {
      let w = windows.get(kind);
      if (w === undefined) {
        w = { start: now(), written: 0, suppressed: 0 };
        windows.set(kind, w);
      }
      if (w.written >= perMinute) {
        w.suppressed++;
        return;
      }
      w.written++;
    }
    log[level](message, extra);
  };

  return { info: write('info'), warn: write('warn'), error: write('error'), flush };
}
