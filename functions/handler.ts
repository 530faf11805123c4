/**
 * The Lambda entry point: the Scheduler's events and manual invocations.
 * Module scope holds what lives for the execution environment (logger,
 * clients, the parsed config); the logic is in ./handler/create-handler.ts.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../shared/logging/logger.ts';
import { createHandler, type JobHandler } from './handler/create-handler.ts';
import { depsFromEnv } from './handler/deps-from-env.ts';

const logger = createLogger();
// In the bundle this is /var/task, where the stack also puts the config file.
const bundleDir = dirname(fileURLToPath(import.meta.url));

export const handler: JobHandler = createHandler(() => depsFromEnv(process.env, bundleDir, logger));
