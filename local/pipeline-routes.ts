import type { PipelineTarget } from '../shared/domain/event-patterns';
import { TARGET_RETRY, TOPOLOGY, visibilityTimeoutSeconds } from '../shared/domain/pipeline-topology';
import type { LocalEventBus } from './event-bus/local-event-bus';
import type { LocalQueues } from './sqs/local-queues';
import { startSqsEventSource, type SqsEventSource } from './sqs/sqs-event-source';

/**
 * The local stack's event wiring, built from shared/domain/pipeline-topology.ts as infra/ builds
 * AWS's: for each rule, either EventBridge → an SQS queue (with its dead-letter queue) → the function
 * through Lambda's SQS event source, or EventBridge → the function invoked asynchronously (Lambda's
 * retries, then an on-failure record in the dead-letter queue). Only the time scale may differ
 * (`visibilityTimeoutSeconds`, tests only).
 */

export interface RouteFunction {
  invoke: (event: unknown) => Promise<unknown>;
  /** The function's timeout in AWS (the queue's visibility timeout is a multiple of it). */
  timeoutSeconds: number;
  /** Concurrent invocations (a queue's maximum concurrency, or the function's reserved concurrency). */
  maximumConcurrency: number;
}

export interface PipelineRoutesOptions {
  bus: LocalEventBus;
  queues: LocalQueues;
  bucket: string;
  namePrefix: string;
  functions: Record<PipelineTarget, RouteFunction>;
  /** TEST ONLY: a shorter visibility timeout than AWS's (factor × function timeout). */
  visibilityTimeoutSeconds?: number;
  log: (line: string) => void;
}

export interface PipelineRoutes {
  /** Queue names per target: the work queue (queue delivery only) and the dead-letter queue. */
  queueNames: Partial<Record<PipelineTarget, { queue?: string; deadLetterQueue: string }>>;
  eventSources: Partial<Record<PipelineTarget, SqsEventSource>>;
  /** Resolves once no event is on the bus, in a queue or in a function. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function wirePipelineRoutes(options: PipelineRoutesOptions): PipelineRoutes {
  const { bus, queues, bucket, namePrefix } = options;
  const queueNames: PipelineRoutes['queueNames'] = {};
  const eventSources: PipelineRoutes['eventSources'] = {};

  for (const route of TOPOLOGY) {
    const fn = options.functions[route.target];
    const { delivery } = route;
    const queue = `${namePrefix}-${delivery.queue.name}`;
    const deadLetterQueue = `${namePrefix}-${delivery.queue.deadLetterName}`;
    queues.createQueue(deadLetterQueue, { visibilityTimeoutSeconds: 30, messageRetentionSeconds: delivery.queue.deadLetterRetentionSeconds });
    queues.createQueue(queue, {
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? visibilityTimeoutSeconds(delivery.queue, fn.timeoutSeconds),
      messageRetentionSeconds: delivery.queue.messageRetentionSeconds,
      redrive: { deadLetterQueue, maxReceiveCount: delivery.queue.maxReceiveCount },
    });
    queueNames[route.target] = { queue, deadLetterQueue };
    // EventBridge's SQS target: the message body is the event, as JSON.
    bus.addRule({
      name: route.rule.name,
      pattern: route.rule.pattern(bucket),
      target: {
        name: route.target,
        invoke: async (event) => void queues.send(queue, JSON.stringify(event)),
        maxConcurrency: 10,
        retryAttempts: TARGET_RETRY.maximumRetryAttempts,
        maximumEventAgeMs: TARGET_RETRY.maximumEventAgeSeconds * 1000,
      },
    });
    eventSources[route.target] = startSqsEventSource({
      queues,
      queue,
      invoke: fn.invoke,
      batchSize: delivery.batchSize,
      maximumConcurrency: fn.maximumConcurrency,
      log: options.log,
    });
  }

  const sources = Object.values(eventSources);
  const busIdle = () => Object.values(bus.stats()).every((s) => s.running === 0 && s.queued === 0 && s.waitingForRetry === 0);
  return {
    queueNames,
    eventSources,
    async idle() {
      // A function's output can put new events on the bus, and the bus feeds the queues: settle both.
      for (;;) {
        await bus.idle();
        await Promise.all(sources.map((s) => s.drained()));
        if (busIdle() && sources.every((s) => s.isDrained())) return;
      }
    },
    async stop() {
      await Promise.all(sources.map((s) => s.stop()));
    },
  };
}
