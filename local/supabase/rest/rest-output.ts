import { PostgrestError } from './postgrest-error';
import type { ShapedResult } from './read-statement';
import { CONTENT_TYPES, type OutputFormat } from './rest-negotiation';
import type { RestResponse } from './rest-response';

/** 406 PGRST116: one object was asked for and the result had another number of rows. */
export function notOneRow(rows: number): PostgrestError {
  return new PostgrestError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object', `The result contains ${rows} rows`);
}

/** The one object of a one-row JSON array, as text. */
export function firstOf(jsonArray: string): string {
  const rows = JSON.parse(jsonArray) as unknown[];
  return JSON.stringify(rows[0] ?? null);
}

/** `Content-Range` as PostgREST writes it: `0-9/42`, `*\/42` when empty, `/*` when not counted. */
export function contentRange(offset: number, rows: number, total: number | undefined): string {
  const of = total === undefined ? '*' : String(total);
  return rows > 0 ? `${offset}-${offset + rows - 1}/${of}` : `*/${of}`;
}

/** Throws PGRST116 when a single object was negotiated and `n` is not 1 (call it inside the transaction, so a write is undone). */
export function checkSingle(format: OutputFormat, n: number): void {
  if (format.kind === 'json' && format.single && n !== 1) throw notOneRow(n);
}

/** The body and content type of a shaped result in the negotiated format. */
export function outputBody(format: OutputFormat, result: ShapedResult): Pick<RestResponse, 'body' | 'contentType'> {
  if (format.kind === 'csv') return { body: result.body, contentType: CONTENT_TYPES.csv };
  if (format.kind === 'plan') return { body: result.body, contentType: format.format === 'json' ? CONTENT_TYPES.planJson : CONTENT_TYPES.planText };
  if (format.single) return { body: firstOf(result.body), contentType: CONTENT_TYPES.object };
  return { body: result.body, contentType: CONTENT_TYPES.json };
}
