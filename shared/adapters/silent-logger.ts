import type { Logger } from '../ports/logger';

/** A logger that drops everything: the CLI without --verbose, benchmarks, unit tests that do not read logs. */
export const silentLogger: Logger = {
  log() {},
  child() {
    return silentLogger;
  },
};
