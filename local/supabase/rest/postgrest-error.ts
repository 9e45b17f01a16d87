/**
 * An error answered in PostgREST's JSON shape `{code, details, hint, message}` with its status.
 * Codes: PGRSTxxx for PostgREST's own checks, the SQLSTATE for errors raised by Postgres.
 */
export class PostgrestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | object[] | null = null,
    readonly hint: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'PostgrestError';
  }

  toJSON(): { code: string; details: string | object[] | null; hint: string | null; message: string } {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

/** PGRST100: a query parameter that does not parse (filter, order, select, limit). */
export function parseError(what: string, detail: string): PostgrestError {
  return new PostgrestError(400, 'PGRST100', `"failed to parse ${what}"`, detail);
}

/** 42703 as PostgREST reports an unknown column: the name is shown, never used in SQL. */
export function unknownColumn(table: string, column: string): PostgrestError {
  return new PostgrestError(400, '42703', `column ${table}.${column} does not exist`);
}

export function invalidBody(message: string): PostgrestError {
  return new PostgrestError(400, 'PGRST102', message);
}

export function unavailable(): PostgrestError {
  return new PostgrestError(503, 'PGRST001', 'Database client error. Retrying the connection.', 'the local database is marked unavailable', null, {
    'Retry-After': '0',
  });
}

/** The HTTP status PostgREST gives a Postgres error, by SQLSTATE (docs: "Errors from PostgreSQL"). */
export function statusForSqlState(code: string, role: string): number {
  if (code === '42501') return role === 'anon' ? 401 : 403;
  if (code === '23503' || code === '23505') return 409;
  if (code === '25006') return 405;
  if (code === '42883' || code === '42P01') return 404;
  if (code === 'P0001') return 400;
  if (code === '53400') return 500;
  const cls = code.slice(0, 2);
  if (cls === '08' || cls === '53') return 503;
  if (cls === '0L' || cls === '0P' || cls === '28') return 403;
  if (['09', '25', '2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'P0', 'XX'].includes(cls)) return 500;
  if (code === '42P17') return 500;
  return 400;
}

/** Turns anything thrown while running SQL into the PostgREST answer; unknown errors become 500. */
export function toPostgrestError(err: unknown, role: string): PostgrestError {
  if (err instanceof PostgrestError) return err;
  const e = err as { code?: unknown; message?: unknown; detail?: unknown; hint?: unknown };
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    const message = typeof e.message === 'string' ? e.message : 'database error';
    const details = typeof e.detail === 'string' && e.detail !== '' ? e.detail : null;
    const hint = typeof e.hint === 'string' && e.hint !== '' ? e.hint : null;
    return new PostgrestError(statusForSqlState(e.code, role), e.code, message, details, hint);
  }
  return new PostgrestError(500, 'PGRST000', 'internal server error', err instanceof Error ? err.message : String(err));
}
