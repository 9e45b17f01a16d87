import type { Logger, LogLevel } from '../ports/logger';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const TAG: Record<LogLevel, string> = { debug: '', info: '', warn: 'WARN  ', error: 'ERROR ' };

export interface ReadableLoggerOptions {
  /** Lines below this level are dropped (default: info). */
  level?: LogLevel;
  /** Facts on every line (e.g. `{fn: 'ltx'}`). */
  fields?: Record<string, unknown>;
  /** Where lines go (default: stderr, so a command's stdout stays its output). */
  write?: (line: string) => void;
  now?: () => Date;
}

/**
 * The logger people read in a terminal (the local stack, the CLI's --verbose): time, level when it
 * is not routine, message and the facts on one line, e.g.
 * `14:02:07 ERROR ltx step failed  jobId=… error="LTX answered 500"`.
 * The Lambda functions log JSON through ./powertools-logger.ts instead.
 */
export function createReadableLogger(options: ReadableLoggerOptions = {}): Logger {
  const minimum = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};
  return {
    log(level, message, fields = {}) {
      if (RANK[level] < minimum) return;
      const facts = Object.entries({ ...base, ...fields })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      write(`${now().toISOString().slice(11, 19)} ${TAG[level]}${message}${facts ? `  ${facts}` : ''}`);
    },
    child(fields) {
      return createReadableLogger({ ...options, fields: { ...base, ...fields } });
    },
  };
}
