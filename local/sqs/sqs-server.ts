import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticateJsonRequest } from '../aws-json/authenticate-json-request';
import { LocalQueues, QueueDoesNotExistError, ReceiptHandleIsInvalidError } from './local-queues';
import { readBody } from '../read-request-body';

/**
 * SQS over its JSON protocol (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Operation>`), so the real
 * `@aws-sdk/client-sqs` (which checks the MD5 of every body) lists, receives, sends and deletes
 * against the local queues unchanged: what the operator's `dlq` commands and tests use. Requests must
 * be SigV4-signed for `sqs` with the stack's credentials. Served: GetQueueUrl, ListQueues,
 * GetQueueAttributes, SendMessage, ReceiveMessage, DeleteMessage, DeleteMessageBatch,
 * ChangeMessageVisibility. Queue URLs are `{endpoint}/{account}/{name}`, as SQS's are.
 */

export interface SqsServerOptions {
  queues: LocalQueues;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

export interface SqsServer {
  endpoint: string;
  queueUrl(name: string): string;
  stop(): Promise<void>;
}

class SqsError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400, readonly queryCode?: string) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_MESSAGE_BYTES = 256 * 1024;

function int(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SqsError('InvalidParameterValue', `Value ${JSON.stringify(value)} for parameter ${name} is invalid. Reason: must be between ${min} and ${max}.`);
  }
  return value;
}

export async function startSqsServer(options: SqsServerOptions): Promise<SqsServer> {
  const { queues } = options;
  const host = options.host ?? '127.0.0.1';
  let endpoint = '';
  const queueUrl = (name: string) => `${endpoint}/${queues.account}/${name}`;

  function queueName(input: Record<string, unknown>): string {
    const url = input.QueueUrl;
    if (typeof url !== 'string' || url === '') throw new SqsError('MissingParameter', 'The request must contain the parameter QueueUrl.');
    const name = url.split('/').pop() ?? '';
    if (!queues.has(name)) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.', 400, 'AWS.SimpleQueueService.NonExistentQueue');
    return name;
  }

  function wantsAttributes(input: Record<string, unknown>): string[] {
    const names = [...((input.MessageSystemAttributeNames as string[] | undefined) ?? []), ...((input.AttributeNames as string[] | undefined) ?? [])];
    return names;
  }

  const operations: Record<string, (input: Record<string, unknown>) => Promise<unknown> | unknown> = {
    GetQueueUrl(input) {
      const name = input.QueueName;
      if (typeof name !== 'string' || !queues.has(name)) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.', 400, 'AWS.SimpleQueueService.NonExistentQueue');
      return { QueueUrl: queueUrl(name) };
    },
    ListQueues(input) {
      const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
      return { QueueUrls: queues.names().filter((n) => n.startsWith(prefix)).map(queueUrl) };
    },
    GetQueueAttributes(input) {
      const name = queueName(input);
      const settings = queues.settings(name);
      const { visible, notVisible } = queues.counts(name);
      const all: Record<string, string> = {
        QueueArn: queues.arn(name),
        ApproximateNumberOfMessages: String(visible),
        ApproximateNumberOfMessagesNotVisible: String(notVisible),
        VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(settings.messageRetentionSeconds),
        ...(settings.redrive ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queues.arn(settings.redrive.deadLetterQueue), maxReceiveCount: settings.redrive.maxReceiveCount }) } : {}),
      };
      const wanted = (input.AttributeNames as string[] | undefined) ?? [];
      return { Attributes: wanted.includes('All') ? all : Object.fromEntries(Object.entries(all).filter(([k]) => wanted.includes(k))) };
    },
    SendMessage(input) {
      const name = queueName(input);
      const body = input.MessageBody;
      if (typeof body !== 'string' || body === '') throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
      if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES) throw new SqsError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`);
      if (input.MessageAttributes !== undefined) throw new SqsError('InvalidParameterValue', 'MessageAttributes are not supported by the local SQS.');
      const delay = int(input.DelaySeconds, 'DelaySeconds', 0, 900, 0);
      const sent = queues.send(name, body, delay);
      return { MessageId: sent.messageId, MD5OfMessageBody: sent.md5OfBody };
    },
    async ReceiveMessage(input) {
      const name = queueName(input);
      const max = int(input.MaxNumberOfMessages, 'MaxNumberOfMessages', 1, 10, 1);
      const wait = int(input.WaitTimeSeconds, 'WaitTimeSeconds', 0, 20, 0);
      const visibility = input.VisibilityTimeout === undefined ? undefined : int(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43200, 0);
      const messages = await queues.receiveWait(name, max, wait * 1000, visibility === undefined ? {} : { visibilityTimeoutSeconds: visibility });
      const wanted = wantsAttributes(input);
      return {
        Messages: messages.map((m) => ({
          MessageId: m.messageId,
          ReceiptHandle: m.receiptHandle,
          MD5OfBody: m.md5OfBody,
          Body: m.body,
          ...(wanted.length > 0
            ? { Attributes: wanted.includes('All') ? m.attributes : Object.fromEntries(Object.entries(m.attributes).filter(([k]) => wanted.includes(k))) }
            : {}),
        })),
      };
    },
    DeleteMessage(input) {
      const name = queueName(input);
      queues.delete(name, String(input.ReceiptHandle ?? ''));
      return {};
    },
    DeleteMessageBatch(input) {
      const name = queueName(input);
      const entries = (input.Entries as Array<{ Id: string; ReceiptHandle: string }> | undefined) ?? [];
      if (entries.length === 0 || entries.length > 10) throw new SqsError('TooManyEntriesInBatchRequest', 'Maximum number of entries per request are 10.');
      const Successful: Array<{ Id: string }> = [];
      const Failed: Array<{ Id: string; SenderFault: boolean; Code: string; Message: string }> = [];
      for (const entry of entries) {
        try {
          queues.delete(name, entry.ReceiptHandle);
          Successful.push({ Id: entry.Id });
        } catch (err) {
          Failed.push({ Id: entry.Id, SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: (err as Error).message });
        }
      }
      return { Successful, Failed };
    },
    ChangeMessageVisibility(input) {
      const name = queueName(input);
      queues.changeVisibility(name, String(input.ReceiptHandle ?? ''), int(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43200, 0));
      return {};
    },
  };

  function send(res: ServerResponse, status: number, body: unknown, error?: SqsError): void {
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID() };
    if (error) {
      headers['x-amzn-ErrorType'] = error.type;
      // SQS's JSON protocol also names the old query-protocol code, which query-compatible SDKs read.
      headers['x-amzn-query-error'] = `${error.queryCode ?? error.type};Sender`;
    }
    res.writeHead(status, headers);
    res.end(text);
  }

  async function readRequestBody(req: IncomingMessage): Promise<Buffer> {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) throw new SqsError('InvalidParameterValue', `Request body exceeds ${MAX_BODY_BYTES} bytes.`, 413);
    return body;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'POST') throw new SqsError('UnsupportedOperation', `Only POST is supported, received ${req.method}.`, 405);
      const bytes = await readRequestBody(req);
      const refusal = authenticateJsonRequest({ method: req.method, url: req.url ?? '/', headers: req.headers }, bytes, options.credentials, 'sqs');
      if (refusal) throw new SqsError(refusal.type, refusal.message, refusal.status);
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AmazonSQS.') ? operations[target.slice('AmazonSQS.'.length)] : undefined;
      if (!operation) throw new SqsError('UnsupportedOperation', `Unsupported operation ${target}: the local SQS serves ${Object.keys(operations).join(', ')}.`);
      let input: unknown;
      try {
        input = JSON.parse(bytes.toString('utf8') || '{}');
      } catch {
        throw new SqsError('SerializationException', 'The request body is not valid JSON.');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new SqsError('SerializationException', 'The request body must be a JSON object.');
      send(res, 200, await operation(input as Record<string, unknown>));
    } catch (err) {
      const error =
        err instanceof SqsError
          ? err
          : err instanceof QueueDoesNotExistError
            ? new SqsError('QueueDoesNotExist', 'The specified queue does not exist.', 400, 'AWS.SimpleQueueService.NonExistentQueue')
            : err instanceof ReceiptHandleIsInvalidError
              ? new SqsError('ReceiptHandleIsInvalid', err.message)
              : new SqsError('InternalError', err instanceof Error ? err.message : String(err), 500);
      send(res, error.status, { __type: `com.amazonaws.sqs#${error.type}`, message: error.message }, error);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    queueUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
