import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../app/types.ts';
import { redact } from './redact.ts';

export const SERVICE_NAME = 'followback';

/** The one Powertools Logger of a process: JSON lines, level from POWERTOOLS_LOG_LEVEL (default INFO). */
export function createLogger(options: { persistentKeys?: Record<string, string> } = {}): Logger {
  return new Logger({ serviceName: SERVICE_NAME, ...(options.persistentKeys ? { persistentKeys: options.persistentKeys } : {}) });
}

/** Adapts a Powertools Logger to the use-case's `Log`, masking credential-named keys. */
export function toLog(logger: Logger): Log {
  const clean = (extra?: Record<string, unknown>): Record<string, unknown> => (extra ? (redact(extra) as Record<string, unknown>) : {});
  return {
    info: (message, extra) => logger.info(message, clean(extra)),
    warn: (message, extra) => logger.warn(message, clean(extra)),
    error: (message, extra) => logger.error(message, clean(extra)),
  };
}
