/** What a /rest/v1 handler answers; the router writes it (and drops the body for HEAD). */
export interface RestResponse {
  status: number;
  /** JSON text as Postgres produced it, or '' for none. */
  body: string;
  headers: Record<string, string>;
  contentType?: string;
}
