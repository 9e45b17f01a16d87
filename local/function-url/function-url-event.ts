import { randomBytes, randomUUID } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

/** What Lambda knows of the URL and the connection that is not in the request itself. */
export interface FunctionUrlRequest {
  method: string;
  /** The request target as sent: path and query string, not decoded. */
  target: string;
  /** Node's `rawHeaders`: names as sent, duplicates kept, in order. */
  rawHeaders: readonly string[];
  body: Buffer;
  httpVersion: string;
  sourceIp: string;
  /** The port the client connected to (`x-forwarded-port`). */
  port: number;
}

export interface FunctionUrlIdentity {
  /** The URL's id (`<url-id>` of `https://<url-id>.lambda-url.<region>.on.aws`). */
  urlId: string;
  region: string;
}

/** Connection headers end at the URL's front end; Lambda's events carry none of them. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The event Lambda builds for a Function URL request (payload format 2.0), as AWS documents it
 * (docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html) and as captured from real URLs with
 * auth type NONE: lower-case header names with duplicates joined by commas, `cookies` split out of
 * the Cookie header (which stays in `headers`, as Function URLs leave it), `queryStringParameters`
 * decoded with duplicates joined by commas (absent without a query string), `accountId`
 * "anonymous", the front end's `x-forwarded-*` and `x-amzn-trace-id` headers, and `body` absent when
 * there is none, text for textual content types and base64 otherwise.
 */
export function toFunctionUrlEvent(request: FunctionUrlRequest, url: FunctionUrlIdentity, now: Date = new Date()): LambdaFunctionURLEvent {
  const queryAt = request.target.indexOf('?');
  const rawPath = queryAt < 0 ? request.target : request.target.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : request.target.slice(queryAt + 1);
  const headers = joinHeaders(request.rawHeaders);
  headers['x-amzn-trace-id'] ??= traceId(now);
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(request.port);
  const domainName = `${url.urlId}.lambda-url.${url.region}.on.aws`;
  const cookies = headers.cookie?.split(/;\s*/).filter(Boolean);
  const queryStringParameters = parseQuery(rawQueryString);
  const body = encodeBody(request.body, headers['content-type']);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: url.urlId,
      domainName,
      domainPrefix: url.urlId,
      http: {
        method: request.method.toUpperCase(),
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body ? { body: body.text } : {}),
    isBase64Encoded: body?.base64 ?? false,
  };
}

function joinHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name)) continue;
    const value = rawHeaders[i + 1]!;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

function parseQuery(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined;
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) params[name] = name in params ? `${params[name]},${value}` : value;
  return params;
}

/** Text stays text when the content type says so and the bytes are UTF-8; anything else is base64. */
function encodeBody(bytes: Buffer, contentType: string | undefined): { text: string; base64: boolean } | undefined {
  if (bytes.length === 0) return undefined;
  const textual = contentType !== undefined && /^text\/|[/+](json|xml|javascript|x-www-form-urlencoded)\b/i.test(contentType);
  if (textual) {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), base64: false };
    } catch {
      // Not UTF-8 after all: sent as binary.
    }
  }
  return { text: bytes.toString('base64'), base64: true };
}

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
function clfTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** An X-Ray trace header as the URL's front end adds one: `Root=1-<epoch seconds hex>-<96 random bits hex>`. */
function traceId(now: Date): string {
  return `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}
