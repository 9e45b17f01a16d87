import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body accepted by /rest/v1 and /auth/v1. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Thrown by readBody when a body passes the limit; the router answers 413. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number, readonly received: number) {
    super(`request body exceeds ${limit} bytes (received at least ${received})`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the whole body as UTF-8, refusing early on a Content-Length over the limit and stopping
 * as soon as a chunked body passes it (the connection is then closed, so the rest is not read).
 */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

/** readBody's bytes, for bodies that are not text (application/octet-stream). */
export async function readBodyBytes(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit, declared);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit, size);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json; charset=utf-8',
): void {
  sendText(res, status, body === undefined ? '' : JSON.stringify(body), headers, contentType);
}

/** Sends an already serialized body (PostgREST bodies come out of Postgres as JSON text). */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
  contentType = 'application/json; charset=utf-8',
  omitBody = false,
): void {
  if (res.headersSent) return;
  const out: Record<string, string> = { ...headers };
  if (text !== '') {
    out['Content-Type'] = contentType;
    out['Content-Length'] = String(Buffer.byteLength(text));
  }
  res.writeHead(status, out);
  res.end(omitBody ? undefined : text);
}

/** All values of a header joined with ", " (node keeps repeated Prefer headers as one string). */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}
