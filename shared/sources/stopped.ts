/**
 * The problem line of a pull its signal stopped. A source cannot tell a cancel
 * from the run's time limit, and need not: on cancel the run discards every
 * pull, so the line only ever reaches a report at the time limit.
 */
export const STOPPED_PROBLEM = "stopped at the run's time limit before everything was read; what was not read is read next time";
