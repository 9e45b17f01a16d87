import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticateJsonRequest } from '../aws-json/authenticate-json-request';
import type { LocalEventBus } from './local-event-bus';
import { readBody } from '../read-request-body';

/**
 * EventBridge's `PutEvents` over its JSON 1.1 protocol, so `@aws-sdk/client-eventbridge` runs
 * unchanged against the local bus (endpoint override and the stack's credentials). As in AWS, the
 * request must carry a valid SigV4 signature (service `events`) with those credentials, and entries
 * whose Source starts with `aws.` are refused one by one with NotAuthorizedForSourceException: only
 * AWS services emit those (here: the S3 server's own notifications, put on the bus directly), so no
 * caller can forge an S3 `Object Created` event for someone else's key. Entries are validated as
 * EventBridge does (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html):
 * 1 to 10 entries, Source, DetailType and Detail required, Detail a JSON object, the request at most
 * 256 KB counted as in "Calculating PutEvents event entry size". Accepted entries become events on
 * the bus (so rules can match domain events too) and are kept for inspection. Every EventBusName
 * lands on the one local bus; the name is kept with the event.
 */

export interface PutEventsServerOptions {
  bus: Pick<LocalEventBus, 'putEvent'>;
  /** The only credentials whose signatures are accepted (the stack's). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Default 4020; 0 picks a free port. */
  port?: number;
  host?: string;
  /** How many accepted events `recent()` keeps (default 200). */
  keep?: number;
  account?: string;
  region?: string;
}

export interface PutEvent {
  eventBusName: string;
  event: { version: '0'; id: string; 'detail-type': string; source: string; account: string; time: string; region: string; resources: string[]; detail: Record<string, unknown> };
}

export interface PutEventsServer {
  endpoint: string;
  recent(): PutEvent[];
  stop(): Promise<void>;
}

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

class ClientError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

function entrySize(entry: Record<string, unknown>): number {
  let size = 0;
  if (entry.Time !== undefined) size += 14;
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] === 'string') size += Buffer.byteLength(entry[field] as string, 'utf8');
  }
  if (Array.isArray(entry.Resources)) for (const r of entry.Resources) if (typeof r === 'string') size += Buffer.byteLength(r, 'utf8');
  return size;
}

function parseTime(value: unknown): string | null {
  if (value === undefined) return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  // The SDK sends timestamps as epoch seconds in JSON 1.1.
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) return null;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function startPutEventsServer(options: PutEventsServerOptions): Promise<PutEventsServer> {
  const keep = options.keep ?? 200;
  const account = options.account ?? '000000000000';
  const region = options.region ?? 'us-east-1';
  const recent: PutEvent[] = [];

  function putEntry(entry: unknown): EntryResult {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter(s) Entry could not be validated: an entry must be an object.' };
    }
    const e = entry as Record<string, unknown>;
    const missing = ['Source', 'DetailType', 'Detail'].filter((field) => typeof e[field] !== 'string' || (e[field] as string).length === 0);
    if (missing.length > 0) return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter(s) ${missing.join(', ')} could not be validated.` };
    let detail: unknown;
    try {
      detail = JSON.parse(e.Detail as string);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: `Detail is malformed: it must be a JSON object, received ${String(e.Detail).slice(0, 40)}.` };
    }
    if (e.Resources !== undefined && (!Array.isArray(e.Resources) || e.Resources.some((r) => typeof r !== 'string'))) {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Resources must be a list of strings.' };
    }
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-troubleshooting.html
    if ((e.Source as string).startsWith('aws.')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    const time = parseTime(e.Time);
    if (time === null) return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter Time is not a valid timestamp: ${JSON.stringify(e.Time)}.` };
    const event: PutEvent['event'] = {
      version: '0',
      id: randomUUID(),
      'detail-type': e.DetailType as string,
      source: e.Source as string,
      account,
      time,
      region,
      resources: (e.Resources as string[] | undefined) ?? [],
      detail: detail as Record<string, unknown>,
    };
    const eventBusName = typeof e.EventBusName === 'string' && e.EventBusName !== '' ? e.EventBusName : 'default';
    recent.push({ eventBusName, event });
    if (recent.length > keep) recent.splice(0, recent.length - keep);
    options.bus.putEvent(event);
    return { EventId: event.id };
  }

  function putEvents(body: unknown): { FailedEntryCount: number; Entries: EntryResult[] } {
    const entries = (body as { Entries?: unknown } | null)?.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
      const count = Array.isArray(entries) ? entries.length : 0;
      throw new ClientError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES} (received ${count})`);
    }
    const total = entries.reduce<number>((sum, entry) => sum + (typeof entry === 'object' && entry !== null ? entrySize(entry as Record<string, unknown>) : 0), 0);
    if (total > MAX_REQUEST_BYTES) {
      throw new ClientError('ValidationException', `Total size of the entries in the request is over the limit (${total} bytes > ${MAX_REQUEST_BYTES}).`);
    }
    const results = entries.map(putEntry);
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  async function readRequestBody(req: IncomingMessage): Promise<Buffer> {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) throw new ClientError('ValidationException', `Request body exceeds ${MAX_BODY_BYTES} bytes.`, 413);
    return body;
  }

  function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID() };
    if (errorType) headers['x-amzn-ErrorType'] = errorType;
    res.writeHead(status, headers);
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'POST') throw new ClientError('UnknownOperationException', `Only POST is supported, received ${req.method}.`, 405);
      const bytes = await readRequestBody(req);
      // Authentication first, as AWS: an unsigned caller learns nothing about the operations.
      const refusal = authenticateJsonRequest({ method: req.method, url: req.url ?? '/', headers: req.headers }, bytes, options.credentials, 'events');
      if (refusal) throw new ClientError(refusal.type, refusal.message, refusal.status);
      const target = req.headers['x-amz-target'];
      if (target !== 'AWSEvents.PutEvents') throw new ClientError('UnknownOperationException', `Unsupported operation ${String(target)}: only AWSEvents.PutEvents is served locally.`);
      let body: unknown;
      try {
        body = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new ClientError('SerializationException', 'The request body is not valid JSON.');
      }
      send(res, 200, putEvents(body));
    } catch (err) {
      if (err instanceof ClientError) send(res, err.status, { __type: err.type, message: err.message }, err.type);
      else send(res, 500, { __type: 'InternalException', message: err instanceof Error ? err.message : String(err) }, 'InternalException');
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4020, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
    recent: () => [...recent],
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
