import type { Logger } from '../../shared/ports/logger';

/**
 * A Logger that keeps every entry as one JSON line (`{"level","message",...facts}`) for tests to
 * search, e.g. for a job id or `"retryAfterMs":1000`; `echo` also prints them.
 */
export function recordingLogger(options: { echo?: boolean } = {}): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const make = (base: Record<string, unknown>): Logger => ({
    log(level, message, fields = {}) {
      const line = JSON.stringify({ level, message, ...base, ...fields });
      lines.push(line);
      if (options.echo) console.log(line);
    },
    child: (fields) => make({ ...base, ...fields }),
  });
  return { logger: make({}), lines };
}
