import type { ProgressEvent } from '../../shared/ports/source.ts';
import type { CliIo } from './cli-io.ts';

/**
 * Progress on stderr: redrawn in place on a terminal, one line per phase
 * change (and at most every 2 s) otherwise, so CI logs stay short.
 */
export function progressPrinter(io: CliIo, profileId: string, clock: () => number = Date.now): { onProgress: (e: ProgressEvent) => void; done: () => void } {
  let lastPhase = '';
  let lastAt = 0;
  let drawn = false;
  const onProgress = (e: ProgressEvent): void => {
    const phase = `${e.sourceId}/${e.phase}`;
    const line = `[${profileId}] ${e.sourceId === '*' ? '' : `${e.sourceId}: `}${e.phase} ${e.done}${e.total !== undefined ? `/${e.total}` : ''}`;
    if (io.isTty) {
      io.stderr(`\r\u001b[2K${line}`);
      drawn = true;
      return;
    }
    const t = clock();
    if (phase !== lastPhase || t - lastAt >= 2000) {
      io.stderr(`${line}\n`);
      lastPhase = phase;
      lastAt = t;
    }
  };
  const done = (): void => {
    if (drawn) io.stderr('\r\u001b[2K');
    drawn = false;
  };
  return { onProgress, done };
}
