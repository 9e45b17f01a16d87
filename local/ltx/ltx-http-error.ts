import type { ServerResponse } from 'node:http';

/**
 * An answer in LTX's error shape `{"type":"error","error":{"type","message"}}`, thrown inside the
 * server. `detail` (a decoder's own output) goes to the server's log only: LTX does not send its
 * decoders' output to callers, and neither does its stand-in.
 */
export class LtxHttpError extends Error {
  detail: string | undefined;
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'LtxHttpError';
  }
}

export function sendLtxError(res: ServerResponse, error: LtxHttpError, requestId: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ type: 'error', error: { type: error.type, message: error.message } });
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    ...error.headers,
  });
  res.end(body);
}

export const invalidRequest = (message: string, detail?: string): LtxHttpError => Object.assign(new LtxHttpError(400, 'invalid_request_error', message), { detail });
