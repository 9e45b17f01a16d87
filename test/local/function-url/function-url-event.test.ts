import { describe, expect, it } from 'vitest';
import { toFunctionUrlEvent, type FunctionUrlRequest } from '../../../local/function-url/function-url-event';
import documented from './fixtures/documented-request.json';

const url = { urlId: '<url-id>', region: 'us-west-2' };

function request(overrides: Partial<FunctionUrlRequest> = {}): FunctionUrlRequest {
  return { method: 'GET', target: '/', rawHeaders: ['Host', '127.0.0.1:3000'], body: Buffer.alloc(0), httpVersion: '1.1', sourceIp: '127.0.0.1', port: 3000, ...overrides };
}

describe('the Function URL event the local stack builds', () => {
  it('is the event of AWS’s documented example, for a URL with auth type NONE', () => {
    const event = toFunctionUrlEvent(
      request({
        method: 'POST',
        target: '/my/path?parameter1=value1&parameter1=value2&parameter2=value',
        // Names in any case, one header sent twice: Lambda lower-cases and joins with a comma.
        rawHeaders: ['Header1', 'value1', 'header2', 'value1', 'HEADER2', 'value2', 'Cookie', 'cookie1; cookie2', 'User-Agent', 'agent', 'Content-Type', 'text/plain'],
        body: Buffer.from('Hello from client!'),
        sourceIp: '123.123.123.123',
        port: 443,
      }),
      url,
      new Date(documented.requestContext.timeEpoch),
    );
    // An AWS_IAM call (the documented one) carries the caller's account and an authorizer; with auth
    // type NONE Lambda sends "anonymous" and leaves out the fields it does not use.
    const { authentication: _a, authorizer: _b, ...context } = documented.requestContext;
    const { pathParameters: _c, stageVariables: _d, ...expected } = documented;
    expect(event).toEqual({
      ...expected,
      headers: { ...documented.headers, cookie: 'cookie1; cookie2', 'user-agent': 'agent', 'content-type': 'text/plain', 'x-amzn-trace-id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/), 'x-forwarded-for': '123.123.123.123', 'x-forwarded-proto': 'http', 'x-forwarded-port': '443' },
      requestContext: {
        ...context,
        accountId: 'anonymous',
        apiId: '<url-id>',
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        // The documented `time` and `timeEpoch` are eight days apart; `time` is derived from the epoch here.
        time: '04/Mar/2020:19:03:58 +0000',
      },
    });
  });

  it('leaves out body, cookies and query parameters a request does not have', () => {
    const event = toFunctionUrlEvent(request(), url);
    expect(event.rawQueryString).toBe('');
    expect(event.isBase64Encoded).toBe(false);
    for (const absent of ['body', 'cookies', 'queryStringParameters']) expect(event).not.toHaveProperty(absent);
    expect(event.requestContext.http.userAgent).toBe('');
  });

  it('keeps rawPath and rawQueryString as sent, and decodes queryStringParameters', () => {
    const event = toFunctionUrlEvent(request({ target: '/jobs/a%20b/replay?q=caf%C3%A9&empty=' }), url);
    expect(event.rawPath).toBe('/jobs/a%20b/replay');
    expect(event.requestContext.http.path).toBe('/jobs/a%20b/replay');
    expect(event.rawQueryString).toBe('q=caf%C3%A9&empty=');
    expect(event.queryStringParameters).toEqual({ q: 'café', empty: '' });
  });

  it.each([
    ['application/json', '{"filename":"villa.jpg"}', false],
    ['application/json; charset=utf-8', '{"title":"Casa Ñandú"}', false],
    ['text/plain;charset=UTF-8', 'hello', false],
    ['application/problem+json', '{}', false],
    ['image/jpeg', '\u00ff\u00d8\u00ff', true],
    [undefined, 'no type', true],
  ])('sends a %s body as %s (base64: %s)', (contentType, text, base64) => {
    const body = base64 ? Buffer.from(text, 'latin1') : Buffer.from(text);
    const event = toFunctionUrlEvent(request({ method: 'POST', rawHeaders: contentType ? ['Content-Type', contentType] : [], body }), url);
    expect(event.isBase64Encoded).toBe(base64);
    expect(base64 ? Buffer.from(event.body!, 'base64') : Buffer.from(event.body!)).toEqual(body);
  });

  it('sends JSON that is not UTF-8 as base64 rather than mangle it', () => {
    const event = toFunctionUrlEvent(request({ method: 'POST', rawHeaders: ['Content-Type', 'application/json'], body: Buffer.from([0x7b, 0xff, 0x7d]) }), url);
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'));
  });

  it('drops connection headers, which end at the URL’s front end', () => {
    const event = toFunctionUrlEvent(request({ rawHeaders: ['Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'Accept', '*/*'] }), url);
    expect(Object.keys(event.headers)).toEqual(['accept', 'x-amzn-trace-id', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port']);
  });
});
