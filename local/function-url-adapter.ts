import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { FunctionUrlEvent, FunctionUrlResult } from '../shared/http/function-url';

/** Bodies past this are cut off here, as Lambda refuses payloads over 6 MB. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Serves a Function URL handler over node:http: builds the payload-2.0 event Lambda would build and
 * writes the handler's answer back, so the handler runs locally exactly as in AWS.
 */
export async function serveFunctionUrl(
  req: IncomingMessage,
  res: ServerResponse,
  handler: (event: FunctionUrlEvent) => Promise<FunctionUrlResult>,
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'payload_too_large', message: `The request body is over ${MAX_BODY_BYTES} bytes.` } }));
      req.destroy();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const body = Buffer.concat(chunks);
  const event: FunctionUrlEvent = {
    version: '2.0',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    body: body.length ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
    requestContext: { http: { method: req.method ?? 'GET', path: url.pathname, sourceIp: req.socket.remoteAddress }, requestId: randomUUID() },
  };
  let result: FunctionUrlResult;
  try {
    result = await handler(event);
  } catch {
    // Lambda answers 502 when the function itself throws.
    result = { statusCode: 502, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Internal Server Error' }) };
  }
  res.writeHead(result.statusCode, result.headers ?? {});
  res.end(result.body ?? '');
}
