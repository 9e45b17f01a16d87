import { describeError } from '../../shared/domain/errors';
import type { LocalQueues, QueueMessage } from './local-queues';

/**
 * Lambda's SQS event source mapping, locally
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html): up to `maximumConcurrency` pollers
 * each receive a batch of up to `batchSize` messages and invoke the function with the exact event
 * Lambda builds (Records with messageId, receiptHandle, body, attributes, md5OfBody, eventSource
 * `aws:sqs`, eventSourceARN, awsRegion). With ReportBatchItemFailures:
 * - the function returns `{batchItemFailures: [{itemIdentifier}]}`: every other record is deleted,
 *   the listed ones come back after the visibility timeout;
 * - an empty or missing list: the whole batch succeeded;
 * - a thrown error, or a list naming an id that is not in the batch (or a blank one): the whole
 *   batch failed, nothing is deleted.
 * Redelivery, receive counts and the dead-letter queue are the queue's (local-queues.ts).
 */

export interface SqsEventSourceOptions {
  queues: LocalQueues;
  queue: string;
  invoke: (event: unknown) => Promise<unknown>;
  batchSize: number;
  maximumConcurrency: number;
  /** Where invocation errors are reported. */
  log?: (line: string) => void;
}

export interface SqsEventSource {
  /** Resolves once the queue holds no messages and no batch is running. */
  drained(): Promise<void>;
  /** True when the queue is empty and no batch is running. */
  isDrained(): boolean;
  stats(): { invocations: number; failedRecords: number; deletedRecords: number; maxConcurrentSeen: number };
  stop(): Promise<void>;
}

export function sqsRecord(message: QueueMessage, queueArn: string, region: string) {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: message.attributes,
    messageAttributes: {},
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** The records to keep in the queue, per ReportBatchItemFailures; null means the whole batch failed. */
function failedIds(result: unknown, batch: QueueMessage[]): Set<string> | null {
  if (result === null || typeof result !== 'object' || !('batchItemFailures' in result)) return new Set();
  const failures = (result as { batchItemFailures: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return null;
  const ids = new Set(batch.map((m) => m.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return null;
    failed.add(id);
  }
  return failed;
}

export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const { queues, queue, batchSize, maximumConcurrency } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10000) throw new Error(`batchSize must be 1 to 10000, received ${batchSize}`);
  if (!Number.isInteger(maximumConcurrency) || maximumConcurrency < 1) throw new Error(`maximumConcurrency must be a whole number of at least 1, received ${maximumConcurrency}`);
  const log = options.log ?? (() => {});
  const arn = queues.arn(queue);
  const stop = new AbortController();
  const stats = { invocations: 0, failedRecords: 0, deletedRecords: 0, maxConcurrentSeen: 0 };
  let running = 0;
  let drainWaiters: Array<() => void> = [];

  const isDrained = () => {
    if (running > 0) return false;
    const { visible, notVisible } = queues.counts(queue);
    return visible + notVisible === 0;
  };
  const checkDrained = () => {
    if (!isDrained()) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const resolve of waiters) resolve();
  };

  async function invokeBatch(batch: QueueMessage[]): Promise<void> {
    stats.invocations++;
    const started = Date.now();
    let failed: Set<string> | null;
    try {
      const result = await options.invoke({ Records: batch.map((m) => sqsRecord(m, arn, queues.region)) });
      failed = failedIds(result, batch);
      if (failed === null) log(`${queue}: the function's batchItemFailures named no record of the batch: the whole batch is retried`);
    } catch (err) {
      log(`${queue}: invocation failed (${describeError(err)}): the batch returns after the visibility timeout`);
      failed = null;
    }
    // AWS refuses an event source whose queue's visibility timeout is shorter than the function's
    // timeout, so a batch is never handed out twice at once there; say so when it happens here.
    const visibilityMs = queues.settings(queue).visibilityTimeoutSeconds * 1000;
    if (Date.now() - started > visibilityMs) log(`${queue}: a batch ran ${Date.now() - started} ms, longer than the visibility timeout (${visibilityMs} ms): its messages were redelivered meanwhile`);
    for (const message of batch) {
      if (failed === null || failed.has(message.messageId)) {
        stats.failedRecords++;
        continue;
      }
      queues.delete(queue, message.receiptHandle);
      stats.deletedRecords++;
    }
  }

  async function poller(): Promise<void> {
    while (!stop.signal.aborted) {
      // Short long-polls (Lambda's pollers use 20 s): an idle check each second notices a queue
      // emptied by a move to the dead-letter queue.
      const batch = await queues.receiveWait(queue, batchSize, 1000, { signal: stop.signal });
      if (batch.length === 0 || stop.signal.aborted) {
        checkDrained();
        continue;
      }
      running++;
      stats.maxConcurrentSeen = Math.max(stats.maxConcurrentSeen, running);
      try {
        await invokeBatch(batch);
      } finally {
        running--;
        checkDrained();
      }
    }
  }

  const pollers = Array.from({ length: maximumConcurrency }, () => poller());
  return {
    drained: () =>
      new Promise<void>((resolve) => {
        drainWaiters.push(resolve);
        checkDrained();
      }),
    isDrained,
    stats: () => ({ ...stats }),
    async stop() {
      stop.abort();
      await Promise.allSettled(pollers);
    },
  };
}
