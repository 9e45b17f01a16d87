import { describe, expect, it } from 'vitest';
import { AuthError, ForbiddenError, JobStateError, QuotaExceededError, UpstreamError } from '../../shared/domain/errors';
import { createApiApp } from '../../shared/http/api-app';
import { JobNotFoundError } from '../../shared/pipeline/replay-job';
import { MAX_UPLOAD_REQUEST_BYTES } from '../../shared/http/routes/uploads-route';
import { fakeApiDeps, GOOD_TOKEN, JOB_ID, ORIGIN, UPLOAD_BODY, USER } from './api-test-deps';

const auth = { authorization: `Bearer ${GOOD_TOKEN}` };

function post(app: ReturnType<typeof createApiApp>, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('CORS', () => {
  it('answers a preflight from an allowed origin with the one policy (POST; authorization, content-type)', async () => {
    const app = createApiApp(fakeApiDeps().deps);
    const res = await app.request('/uploads', {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(res.headers.get('access-control-max-age')).toBe('86400');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('names no origin for one that is not allowed, and any origin for "*"', async () => {
    const strict = createApiApp(fakeApiDeps().deps);
    expect((await strict.request('/uploads', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } })).headers.get('access-control-allow-origin')).toBeNull();
    const open = createApiApp(fakeApiDeps({ allowedOrigins: ['*'] }).deps);
    expect((await open.request('/uploads', { method: 'OPTIONS', headers: { origin: 'https://any.example' } })).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('puts the CORS headers on refusals too, so the page can read the error', async () => {
    const app = createApiApp(fakeApiDeps().deps);
    const res = await post(app, '/uploads', UPLOAD_BODY);
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });
});

describe('POST /uploads', () => {
  it('answers 201 with the ticket of the verified user, trailing slash or not', async () => {
    const { deps, uploads, logs } = fakeApiDeps();
    const app = createApiApp(deps);
    for (const path of ['/uploads', '/uploads/']) {
      const res = await post(app, path, { ...UPLOAD_BODY, title: 'Villa Azul' }, auth);
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ jobId: JOB_ID, method: 'PUT', headers: { 'Content-Type': 'image/jpeg' } });
    }
    expect(uploads).toHaveLength(2);
    expect(uploads[0]).toEqual({ user: USER, request: { filename: 'villa.jpg', contentType: 'image/jpeg', size: 2048, options: { title: 'Villa Azul' } } });
    expect(logs.filter((l) => l.includes('"upload signed"'))).toHaveLength(2);
  });

  it.each([
    ['no Authorization header', {}, 'Authorization: Bearer <Supabase access token> is required'],
    ['a Basic credential', { authorization: 'Basic dTpw' }, 'Authorization: Bearer <Supabase access token> is required'],
    ['a token the verifier refuses', { authorization: 'Bearer nope' }, 'the access token is not a JWT'],
  ])('answers 401 with WWW-Authenticate for %s, before reading the body', async (_name, headers, message) => {
    const { deps, uploads } = fakeApiDeps();
    const res = await post(createApiApp(deps), '/uploads', 'not even JSON', headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message } });
    expect(uploads).toHaveLength(0);
  });

  it('accepts the scheme in any case and surrounding spaces, as RFC 9110 allows', async () => {
    const res = await post(createApiApp(fakeApiDeps().deps), '/uploads', UPLOAD_BODY, { authorization: `bearer   ${GOOD_TOKEN} ` });
    expect(res.status).toBe(201);
  });

  it.each([
    ['not JSON', '{"filename": ', 'body: must be valid JSON'],
    ['an empty body', '', 'body: a JSON object is required (got an empty body)'],
    ['a JSON array', '[]', 'body must be a JSON object'],
    ['a GIF', { ...UPLOAD_BODY, contentType: 'image/gif' }, 'contentType: must be image/jpeg, image/png or image/webp (got "image/gif")'],
    ['16 MB', { ...UPLOAD_BODY, size: 16 * 1024 * 1024 }, 'size: must be at most 15728640 bytes (15 MB) (got 16777216)'],
  ])('answers 400 invalid_request for %s, naming the field', async (_name, body, message) => {
    const { deps, uploads } = fakeApiDeps();
    const res = await post(createApiApp(deps), '/uploads', body, auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_request', message } });
    expect(uploads).toHaveLength(0);
  });

  it('reads the body as JSON whatever its content type says', async () => {
    const res = await post(createApiApp(fakeApiDeps().deps), '/uploads', UPLOAD_BODY, { ...auth, 'content-type': 'text/plain;charset=UTF-8' });
    expect(res.status).toBe(201);
  });

  it('answers 413 to a body over the limit', async () => {
    const res = await post(createApiApp(fakeApiDeps().deps), '/uploads', 'x'.repeat(MAX_UPLOAD_REQUEST_BYTES + 1), auth);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'payload_too_large', message: `The request body is ${MAX_UPLOAD_REQUEST_BYTES + 1} bytes; the limit is ${MAX_UPLOAD_REQUEST_BYTES}.` } });
  });
});

describe('POST /jobs/{jobId}/replay', () => {
  it('answers 202 with the queued job, replayed for its owner', async () => {
    const { deps, replays } = fakeApiDeps();
    const res = await post(createApiApp(deps), `/jobs/${JOB_ID}/replay`, '', auth);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ jobId: JOB_ID, status: 'queued' });
    expect(replays).toEqual([{ jobId: JOB_ID, requester: { requestedBy: USER.userId, ownerId: USER.userId } }]);
  });

  it('checks the caller before the job id, so a stranger learns nothing from the id', async () => {
    const app = createApiApp(fakeApiDeps().deps);
    expect((await post(app, '/jobs/not-a-uuid/replay', '')).status).toBe(401);
    const res = await post(app, '/jobs/not-a-uuid/replay', '', auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_request', message: 'jobId: must be a UUID (got "not-a-uuid")' } });
  });

  it.each([
    ['a job that is not theirs', new JobNotFoundError(JOB_ID), 404, 'not_found', `No job ${JOB_ID} was found.`],
    ['a job that has not failed', new JobStateError(`Job ${JOB_ID} is completed; only a failed job can be replayed.`), 409, 'job_state', `Job ${JOB_ID} is completed; only a failed job can be replayed.`],
  ])('answers %s with %i', async (_name, error, status, code, message) => {
    const { deps } = fakeApiDeps({ replayJob: () => Promise.reject(error) });
    const res = await post(createApiApp(deps), `/jobs/${JOB_ID}/replay`, '', auth);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: { code, message } });
  });
});

describe('routing', () => {
  it('answers 405 with Allow to another method on a route, naming the route', async () => {
    const app = createApiApp(fakeApiDeps().deps);
    const uploads = await app.request('/uploads', { method: 'GET' });
    expect(uploads.status).toBe(405);
    expect(uploads.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await uploads.json()).toEqual({ error: { code: 'method_not_allowed', message: 'GET is not allowed on /uploads; use POST' } });
    const replay = await app.request(`/jobs/${JOB_ID}/replay`, { method: 'DELETE' });
    expect(replay.status).toBe(405);
    expect(((await replay.json()) as { error: { message: string } }).error.message).toBe(`DELETE is not allowed on /jobs/${JOB_ID}/replay; use POST`);
  });

  it('answers 404 elsewhere, listing the routes there are', async () => {
    const res = await createApiApp(fakeApiDeps().deps).request('/elsewhere', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No route POST /elsewhere; the API has POST /uploads, POST /jobs/{jobId}/replay, POST /webhooks/remotion' } });
  });
});

describe('errors', () => {
  const failing = (error: unknown) => fakeApiDeps({ createUpload: () => Promise.reject(error) });

  it('answers 429 with Retry-After past the daily quota', async () => {
    const res = await post(createApiApp(failing(new QuotaExceededError('You have started 3 videos in the last 24 hours; the limit is 3. Try again tomorrow.')).deps), '/uploads', UPLOAD_BODY, auth);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3600');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('quota_exceeded');
  });

  it('answers 429 service_daily_limit past the service-wide cap, and 403 to a guest where guests get no videos', async () => {
    const capped = await post(createApiApp(failing(new QuotaExceededError('The service has reached its limit.', {}, 'service_daily_limit')).deps), '/uploads', UPLOAD_BODY, auth);
    expect(capped.status).toBe(429);
    expect(((await capped.json()) as { error: { code: string } }).error.code).toBe('service_daily_limit');
    const guest = await post(createApiApp(failing(new ForbiddenError('anonymous_not_allowed', 'Guests cannot start videos on this service.')).deps), '/uploads', UPLOAD_BODY, auth);
    expect(guest.status).toBe(403);
    expect(await guest.json()).toEqual({ error: { code: 'anonymous_not_allowed', message: 'Guests cannot start videos on this service.' } });
  });

  it('answers 503 with Retry-After when a service we need is briefly down', async () => {
    const res = await post(createApiApp(failing(new UpstreamError('supabase', 'database insert failed (503)', { retryable: true })).deps), '/uploads', UPLOAD_BODY, auth);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({ error: { code: 'unavailable', message: 'The service is briefly unavailable; try again in a few seconds.' } });
  });

  it('answers 500 without the internal message, and logs that message as an error', async () => {
    const { deps, logs } = failing(new Error('relation "video_jobs" does not exist at postgres://db.internal'));
    const res = await post(createApiApp(deps), '/uploads', UPLOAD_BODY, auth);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side; try again. If it persists, contact support.' } });
    expect(text).not.toContain('postgres');
    const logged = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'request refused');
    expect(logged).toMatchObject({ level: 'error', status: 500, method: 'POST', path: '/uploads', error: expect.stringContaining('video_jobs') });
  });

  it('logs the caller’s own mistakes as info, never the token', async () => {
    const { deps, logs } = fakeApiDeps({ verifyAccessToken: () => Promise.reject(new AuthError('the access token has expired')) });
    await post(createApiApp(deps), '/uploads', UPLOAD_BODY, { authorization: 'Bearer secret-token-value' });
    expect(logs.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      { level: 'info', message: 'request refused', method: 'POST', path: '/uploads', status: 401, code: 'unauthorized', reason: 'the access token has expired' },
    ]);
    expect(logs.join('\n')).not.toContain('secret-token-value');
  });
});
