/** The HTTP answer a Function URL sends for what the function returned. */
export interface FunctionUrlAnswer {
  statusCode: number;
  /** Lower-case names; `set-cookie` once per cookie. */
  headers: Array<[string, string]>;
  body: Buffer;
}

/**
 * Maps a function's result to the HTTP answer, as Lambda does for Function URLs
 * (docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html, "Response payload format"):
 * - an object with `statusCode` is a response: `headers` (names sent lower-case, as the URL's
 *   HTTP/2 front end does), `cookies` each as a `set-cookie` header, `body` decoded from base64 when
 *   `isBase64Encoded`. `multiValueHeaders` is not part of payload format 2.0 and Function URLs ignore
 *   it (aws-lambda-go #556, serverless-express #554), so it is ignored here too;
 * - anything else (a string, a number, an object without `statusCode`, nothing) is "valid JSON"
 *   that Lambda wraps: 200, `content-type: application/json`, the result serialised as JSON
 *   (a string arrives with its quotes);
 * - a status code that is not a number from 100 to 599 is a malformed response: 502.
 */
export function toFunctionUrlAnswer(result: unknown): FunctionUrlAnswer {
  if (result === null || typeof result !== 'object' || !('statusCode' in result)) {
    return { statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from(JSON.stringify(result ?? null)) };
  }
  const response = result as { statusCode: unknown; headers?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const status = response.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return functionError();
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries((response.headers as Record<string, unknown> | undefined) ?? {})) {
    if (value !== undefined && value !== null) headers.push([name.toLowerCase(), String(value)]);
  }
  if (Array.isArray(response.cookies)) for (const cookie of response.cookies) headers.push(['set-cookie', String(cookie)]);
  const text = typeof response.body === 'string' ? response.body : response.body === undefined || response.body === null ? '' : JSON.stringify(response.body);
  return { statusCode: status, headers, body: response.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text) };
}

/**
 * What the URL answers when the function failed (threw, timed out) or returned something it cannot
 * send: 502 with "Internal Server Error"; the error itself is only in the function's log.
 */
export function functionError(): FunctionUrlAnswer {
  return { statusCode: 502, headers: [['content-type', 'text/plain; charset=utf-8']], body: Buffer.from('Internal Server Error') };
}
