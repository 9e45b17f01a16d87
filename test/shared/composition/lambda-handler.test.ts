import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Context } from 'aws-lambda';
import { lambdaHandler, LOG_SERVICE_NAME } from '../../../shared/composition/lambda-handler';

function lambdaContext(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'villa-video-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:villa-video-api',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/villa-video-api',
    logStreamName: '2026/01/01/[$LATEST]abc',
    getRemainingTimeInMillis: () => 15_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

// Powertools writes its JSON lines to stdout (warnings and errors to stderr) through a Console of
// its own, as in Lambda, where the runtime also sets AWS_LAMBDA_INITIALIZATION_TYPE.
let lines: string[];
beforeEach(() => {
  lines = [];
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});
const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('lambdaHandler', () => {
  it('logs JSON with the invocation’s request id and whether it was a cold start', async () => {
    const builds: number[] = [];
    const handler = lambdaHandler(async (logger) => {
      builds.push(Date.now());
      const child = logger.child({ fn: 'api' });
      return async (event: { n: number }) => {
        child.log('info', 'handled', { n: event.n });
        return event.n * 2;
      };
    });
    expect(await handler({ n: 1 }, lambdaContext('req-1'))).toBe(2);
    expect(await handler({ n: 2 }, lambdaContext('req-2'))).toBe(4);
    expect(builds).toHaveLength(1);
    expect(logged()).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'handled', service: LOG_SERVICE_NAME, fn: 'api', n: 1, cold_start: true, function_request_id: 'req-1', function_name: 'villa-video-api', timestamp: expect.any(String) }),
      expect.objectContaining({ level: 'INFO', message: 'handled', n: 2, cold_start: false, function_request_id: 'req-2' }),
    ]);
  });

  it('drops debug lines at the default level (INFO) and keeps warnings and errors', async () => {
    const handler = lambdaHandler(async (logger) => async () => {
      for (const level of ['debug', 'info', 'warn', 'error'] as const) logger.log(level, level);
    });
    await handler({}, lambdaContext('req-3'));
    expect(logged().map((l) => l.level)).toEqual(['INFO', 'WARN', 'ERROR']);
  });

  it('builds again on the next invocation when a cold start failed', async () => {
    let attempts = 0;
    const handler = lambdaHandler(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('SSM unreachable');
      return async () => 'ok';
    });
    await expect(handler({}, lambdaContext('req-4'))).rejects.toThrow('SSM unreachable');
    await expect(handler({}, lambdaContext('req-5'))).resolves.toBe('ok');
    expect(attempts).toBe(2);
  });
});
