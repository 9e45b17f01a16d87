import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { functionError, toFunctionUrlAnswer, type FunctionUrlAnswer } from './function-url-answer';
import { toFunctionUrlEvent, type FunctionUrlIdentity } from './function-url-event';

/** Lambda's limit on a synchronous invocation's payload, each way: the event and the response. */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/** What Lambda calls: the function's exported handler. */
export type FunctionUrlHandler = (event: LambdaFunctionURLEvent, context: Context) => Promise<unknown>;

export interface FunctionUrlOptions extends FunctionUrlIdentity {
  functionName: string;
  memoryLimitInMB: number;
  timeoutSeconds: number;
  /** Told of a function that threw (Lambda writes it to the function's log; the caller sees 502). */
  onFunctionError?: (err: unknown, requestId: string) => void;
}

/**
 * A stand-in for a Lambda Function URL on node:http: the request becomes the event Lambda builds
 * (./function-url-event.ts), the handler is called with a Lambda context, and its result becomes
 * the answer Lambda sends (./function-url-answer.ts). The routing is the handler's alone.
 */
export async function serveFunctionUrl(req: IncomingMessage, res: ServerResponse, handler: FunctionUrlHandler, options: FunctionUrlOptions): Promise<void> {
  const body = await readBody(req, LAMBDA_PAYLOAD_LIMIT_BYTES);
  const event = body
    ? toFunctionUrlEvent(
        {
          method: req.method ?? 'GET',
          target: req.url ?? '/',
          rawHeaders: req.rawHeaders,
          body,
          httpVersion: req.httpVersion,
          sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
          port: req.socket.localPort ?? 0,
        },
        options,
      )
    : undefined;
  if (!event || Buffer.byteLength(JSON.stringify(event)) > LAMBDA_PAYLOAD_LIMIT_BYTES) {
    // The function is not invoked for a request over Lambda's payload limit; the rest of the body is
    // not read: the connection closes once the answer is out.
    res.once('finish', () => req.destroy());
    send(res, { statusCode: 413, headers: [['content-type', 'text/plain; charset=utf-8'], ['connection', 'close']], body: Buffer.from('Request Entity Too Large') });
    return;
  }
  const requestId = event.requestContext.requestId;
  let answer: FunctionUrlAnswer;
  try {
    const result = await withTimeout(handler(event, lambdaContext(requestId, options)), options.timeoutSeconds);
    answer = Buffer.byteLength(JSON.stringify(result ?? null)) > LAMBDA_PAYLOAD_LIMIT_BYTES ? functionError() : toFunctionUrlAnswer(result);
  } catch (err) {
    options.onFunctionError?.(err, requestId);
    answer = functionError();
  }
  send(res, { ...answer, headers: [...answer.headers, ['x-amzn-requestid', requestId]] });
}

/** Lambda stops a function at its timeout; the caller gets 502 as for any other failure. */
async function withTimeout<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Task timed out after ${seconds.toFixed(2)} seconds`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The body, or undefined once it passes `limit` bytes (the rest is not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd);
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

function send(res: ServerResponse, answer: FunctionUrlAnswer): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of answer.headers) {
    const seen = headers[name];
    headers[name] = seen === undefined ? value : name === 'set-cookie' ? [...[seen].flat(), value] : `${String(seen)},${value}`;
  }
  headers['content-length'] = String(answer.body.length);
  res.writeHead(answer.statusCode, headers).end(answer.body);
}

/** The context object Lambda's Node.js runtime passes with every invocation. */
function lambdaContext(requestId: string, options: FunctionUrlOptions): Context {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const unsupported = () => {
    throw new Error('context.done/fail/succeed are not supported by async handlers');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region}:000000000000:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
