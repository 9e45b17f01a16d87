import { afterEach, describe, expect, it } from 'vitest';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { createHandler } from '../../../handlers/api';
import type { FunctionUrlHandler } from '../../../local/function-url/serve-function-url';
import { LAMBDA_PAYLOAD_LIMIT_BYTES } from '../../../local/function-url/serve-function-url';
import { startWebServer } from '../../../local/web-server';
import { fakeApiDeps, GOOD_TOKEN, ORIGIN, UPLOAD_BODY } from '../../http/api-test-deps';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/** The local web server in front of `api`, recording every invocation. */
async function serve(api: FunctionUrlHandler, timeoutSeconds = 15) {
  const calls: Array<{ event: LambdaFunctionURLEvent; context: Context; result?: unknown }> = [];
  const failures: unknown[] = [];
  const web = await startWebServer({
    port: 0,
    api: async (event, context) => {
      const call: (typeof calls)[number] = { event, context };
      calls.push(call);
      call.result = await api(event, context);
      return call.result;
    },
    functionUrl: { urlId: 'local', region: 'us-east-1', functionName: 'villa-video-api', memoryLimitInMB: 512, timeoutSeconds, onFunctionError: (err) => failures.push(err) },
    s3: () => {
      throw new Error('no media in this test');
    },
    bucket: 'test-bucket',
  });
  stop = web.stop;
  return { url: web.url, calls, failures };
}

/** Headers the URL itself adds to what the function answered (and fetch's own view of the connection). */
const URL_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'x-amzn-requestid']);

describe('the local web server serving the API as its Function URL', () => {
  it('answers byte for byte what the Lambda handler returned for the event Lambda would build', async () => {
    const handler = createHandler(fakeApiDeps().deps);
    const { url, calls } = await serve(handler);
    const res = await fetch(`${url}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GOOD_TOKEN}`, origin: ORIGIN },
      body: JSON.stringify(UPLOAD_BODY),
    });
    const body = Buffer.from(await res.arrayBuffer());
    expect(calls).toHaveLength(1);
    const { event, context, result } = calls[0]!;
    const lambda = result as { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };

    expect(res.status).toBe(lambda.statusCode);
    expect(Object.fromEntries([...res.headers].filter(([name]) => !URL_HEADERS.has(name)))).toEqual(lambda.headers);
    expect(body.equals(Buffer.from(lambda.body))).toBe(true);
    // The same event given to the Lambda handler directly: the same answer.
    expect(await handler(event, context)).toEqual(lambda);

    expect(event).toMatchObject({ version: '2.0', routeKey: '$default', rawPath: '/uploads', isBase64Encoded: false, body: JSON.stringify(UPLOAD_BODY) });
    expect(event.requestContext).toMatchObject({ accountId: 'anonymous', http: { method: 'POST', path: '/uploads', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' } });
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(context.awsRequestId).toBe(event.requestContext.requestId);
    expect(res.headers.get('x-amzn-requestid')).toBe(event.requestContext.requestId);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it('routes every request that is not media or a page file to the API, which answers 404 and 405', async () => {
    const { url } = await serve(createHandler(fakeApiDeps().deps));
    const missing = await fetch(`${url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(`${url}/uploads`)).status).toBe(405);
  });

  it('answers 502 when the function throws or runs past its timeout, and reports the error', async () => {
    const throwing = await serve(() => Promise.reject(new Error('boom')));
    const res = await fetch(`${throwing.url}/uploads`, { method: 'POST' });
    expect(res.status).toBe(502);
    expect(await res.text()).toBe('Internal Server Error');
    expect(throwing.failures).toEqual([new Error('boom')]);
    await stop!();

    const slow = await serve(() => new Promise(() => undefined), 0.05);
    expect((await fetch(`${slow.url}/uploads`, { method: 'POST' })).status).toBe(502);
    expect(String(slow.failures[0])).toContain('Task timed out after 0.05 seconds');
  });

  it('sends what a function returns that is not a response object as Lambda does: 200, JSON', async () => {
    const { url } = await serve(async () => 'Hello, world!');
    const res = await fetch(url + '/anything', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('"Hello, world!"');
  });

  it('refuses a request over Lambda’s 6 MB payload limit without invoking the function', async () => {
    const { url, calls } = await serve(createHandler(fakeApiDeps().deps));
    const res = await fetch(`${url}/uploads`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(LAMBDA_PAYLOAD_LIMIT_BYTES + 1) });
    expect(res.status).toBe(413);
    expect(calls).toHaveLength(0);
  });
});
