import { PostgrestError } from './postgrest-error';

/** What a /rest/v1 handler answers; the router writes it (and drops the body for HEAD). */
export interface RestResponse {
  status: number;
  /** JSON text as Postgres produced it, or '' for none. */
  body: string;
  headers: Record<string, string>;
  contentType?: string;
}

export const OBJECT_CONTENT_TYPE = 'application/vnd.pgrst.object+json; charset=utf-8';

/** `Content-Range` as PostgREST writes it: `0-9/42`, `*\/42` when empty, `/*` when not counted. */
export function contentRange(offset: number, rows: number, total: number | undefined): string {
  const of = total === undefined ? '*' : String(total);
  return rows > 0 ? `${offset}-${offset + rows - 1}/${of}` : `*/${of}`;
}

/** 406 PGRST116: `single()` asked for one object and the result had another number of rows. */
export function notOneRow(rows: number): PostgrestError {
  return new PostgrestError(406, 'PGRST116', 'JSON object requested, multiple (or no) rows returned', `The result contains ${rows} rows`);
}

/** The one object of a one-row JSON array, as text. */
export function firstOf(jsonArray: string): string {
  const rows = JSON.parse(jsonArray) as unknown[];
  return JSON.stringify(rows[0] ?? null);
}
