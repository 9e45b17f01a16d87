import type { Logger } from '../ports/logger';

/** Structured logging: one JSON object per line (what CloudWatch Logs Insights queries well). */
export function createLogger(base: Record<string, unknown> = {}, sink: (line: string) => void = (l) => console.log(l)): Logger {
  return {
    log(level, message, fields = {}) {
      sink(JSON.stringify({ time: new Date().toISOString(), level, message, ...base, ...fields }));
    },
    child(fields) {
      return createLogger({ ...base, ...fields }, sink);
    },
  };
}

/** A logger that drops everything (unit tests that do not assert on logs). */
export const silentLogger: Logger = { log() {}, child() { return silentLogger; } };
