import { describe, expect, it } from 'vitest';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { createHandler } from '../../handlers/api';
import example from '../local/function-url/fixtures/documented-request.json';
import { fakeApiDeps, GOOD_TOKEN, JOB_ID, ORIGIN, UPLOAD_BODY } from '../http/api-test-deps';

/** AWS's documented event with a URL id in place of its `<url-id>` placeholder (not a valid host name). */
const documented = JSON.parse(JSON.stringify(example).replace(/<url-?id>/g, 'abcdefghij')) as typeof example;

/** AWS's documented Function URL event, as our URL (auth type NONE) sends it, for another request. */
function functionUrlEvent(method: string, path: string, init: { headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean } = {}): LambdaFunctionURLEvent {
  const { authentication: _a, authorizer: _b, ...requestContext } = documented.requestContext;
  const { pathParameters: _c, stageVariables: _d, body: _e, cookies: _f, queryStringParameters: _g, ...event } = documented;
  return {
    ...event,
    rawPath: path,
    rawQueryString: '',
    headers: { host: documented.requestContext.domainName, ...init.headers },
    requestContext: { ...requestContext, accountId: 'anonymous', http: { ...requestContext.http, method, path } },
    ...(init.body === undefined ? {} : { body: init.body }),
    isBase64Encoded: init.isBase64Encoded ?? false,
  };
}

const json = { 'content-type': 'application/json', authorization: `Bearer ${GOOD_TOKEN}`, origin: ORIGIN };

describe('handlers/api.ts through hono/aws-lambda, on Function URL events', () => {
  it('answers AWS’s documented example (POST /my/path) with a 404 in the API’s shape', async () => {
    const result = await createHandler(fakeApiDeps().deps)(documented as unknown as LambdaFunctionURLEvent);
    expect(result).toEqual({
      statusCode: 404,
      headers: { 'content-type': 'application/json', vary: 'Origin' },
      body: JSON.stringify({ error: { code: 'not_found', message: 'No route POST /my/path; the API has POST /uploads, POST /jobs/{jobId}/replay, POST /webhooks/remotion' } }),
      isBase64Encoded: false,
    });
  });

  it('answers POST /uploads with a 201 response object: JSON body as text, CORS headers, no cookies', async () => {
    const { deps, uploads } = fakeApiDeps();
    const result = await createHandler(deps)(functionUrlEvent('POST', '/uploads', { headers: json, body: JSON.stringify(UPLOAD_BODY) }));
    expect(result.statusCode).toBe(201);
    expect(result.isBase64Encoded).toBe(false);
    expect(result.headers).toMatchObject({ 'content-type': 'application/json', 'access-control-allow-origin': ORIGIN });
    expect(JSON.parse(result.body)).toMatchObject({ jobId: JOB_ID, method: 'PUT' });
    expect(result).not.toHaveProperty('cookies');
    expect(uploads).toHaveLength(1);
  });

  it('reads a base64-encoded body (what Lambda sends for a body it takes for binary)', async () => {
    const body = Buffer.from(JSON.stringify(UPLOAD_BODY)).toString('base64');
    const result = await createHandler(fakeApiDeps().deps)(functionUrlEvent('POST', '/uploads', { headers: { ...json, 'content-type': 'application/octet-stream' }, body, isBase64Encoded: true }));
    expect(result.statusCode).toBe(201);
  });

  it('answers the replay route, a preflight and a wrong method', async () => {
    const handler = createHandler(fakeApiDeps().deps);
    const replay = await handler(functionUrlEvent('POST', `/jobs/${JOB_ID}/replay`, { headers: json }));
    expect(replay).toMatchObject({ statusCode: 202, body: JSON.stringify({ jobId: JOB_ID, status: 'queued' }) });
    const preflight = await handler(functionUrlEvent('OPTIONS', '/uploads', { headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } }));
    expect(preflight).toMatchObject({ statusCode: 204, body: '', headers: { 'access-control-allow-methods': 'POST' } });
    const get = await handler(functionUrlEvent('GET', '/uploads'));
    expect(get).toMatchObject({ statusCode: 405, headers: { allow: 'POST, OPTIONS' } });
  });
});
