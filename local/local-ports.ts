/** The ports of the local stack's servers. 0 means "any free port" (tests). */
export interface LocalPorts {
  web: number;
  supabase: number;
  s3: number;
  events: number;
  sqs: number;
  ltx: number;
}

/** `npm start`'s ports when LOCAL_PORT_BASE is not set (the ones the README and the demo page name). */
export const DEFAULT_PORTS: LocalPorts = { web: 3000, supabase: 54321, s3: 4568, events: 4020, sqs: 4030, ltx: 4010 };

/** Every server on a free port: what tests use, so any number of stacks run side by side. */
export const FREE_PORTS: LocalPorts = { web: 0, supabase: 0, s3: 0, events: 0, sqs: 0, ltx: 0 };

const HIGHEST_BASE = 65535 - 5;

/**
 * LOCAL_PORT_BASE=N puts the web API on N, the Supabase API on N+1, S3 on N+2, EventBridge on N+3,
 * SQS on N+4 and the LTX stand-in on N+5, so a second stack (another checkout, a test beside
 * `npm start`) runs beside the first. Unset: the defaults; 0: free ports.
 */
export function portsFromBase(base: string | undefined): LocalPorts {
  if (base === undefined || base.trim() === '') return DEFAULT_PORTS;
  const n = Number(base);
  if (!Number.isInteger(n) || n < 0 || (n > 0 && n < 1024) || n > HIGHEST_BASE) {
    throw new Error(`LOCAL_PORT_BASE must be 0 (free ports) or a whole number from 1024 to ${HIGHEST_BASE}, got ${JSON.stringify(base)}`);
  }
  if (n === 0) return FREE_PORTS;
  return { web: n, supabase: n + 1, s3: n + 2, events: n + 3, sqs: n + 4, ltx: n + 5 };
}
