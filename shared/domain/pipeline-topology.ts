/**
 * How events reach the pipeline's functions, defined once: `infra/` synthesizes these queues, event
 * source mappings and asynchronous-invocation settings for AWS, and the local stack builds its queues,
 * pollers and bus targets from the same values, so the two cannot drift. Rule patterns live in
 * event-patterns.ts; this module says what each rule delivers to, and with which semantics.
 */
import { RULES, type PipelineRule, type PipelineTarget } from './event-patterns';
import { LTX_DEFAULT_CONCURRENCY } from './ltx/ltx-limits';

/** A work queue with its dead-letter queue (SQS standard queues). */
export interface QueueTopology {
  /** Queue name after the deployment's name prefix: `${namePrefix}-${name}`. */
  name: string;
  deadLetterName: string;
  /**
   * Visibility timeout as a multiple of the consuming function's timeout: AWS's advice for an SQS
   * event source is at least six times, so a message in flight (and the invoke's own retries) stays
   * hidden and is never processed twice at once.
   */
  visibilityTimeoutFactor: number;
  messageRetentionSeconds: number;
  /** Dead letters are kept for the maximum SQS allows: someone has to look at them. */
  deadLetterRetentionSeconds: number;
  /** Receives of one message before SQS moves it to the dead-letter queue. */
  maxReceiveCount: number;
}

/** Lambda's SQS event source mapping (always with ReportBatchItemFailures). */
export interface QueueDelivery {
  kind: 'queue';
  queue: QueueTopology;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  /** Concurrent invocations when the deployment does not say (SQS event sources accept 2 to 1000). */
  defaultMaximumConcurrency: number;
}

export type Delivery = QueueDelivery;

export interface TopologyRoute {
  rule: PipelineRule;
  target: PipelineTarget;
  delivery: Delivery;
}

const FOURTEEN_DAYS = 14 * 24 * 3600;

/**
 * EventBridge's retry policy for putting an event on a target queue: up to an hour and 8 retries,
 * then the event goes to the queue's dead-letter queue. Infra sets it on each target; the local bus
 * retries its sends by the same numbers.
 */
export const TARGET_RETRY = { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 8 } as const;

/** images/ events wait here for an LTX slot: LTX's quota counts concurrent requests. */
export const LTX_QUEUE: QueueTopology = {
  name: 'ltx',
  deadLetterName: 'ltx-dlq',
  visibilityTimeoutFactor: 6,
  // Four days: a weekend-long LTX outage drains when it ends.
  messageRetentionSeconds: 4 * 24 * 3600,
  deadLetterRetentionSeconds: FOURTEEN_DAYS,
  // Five, not three: a receive is also spent when Lambda throttles or LTX answers 429 for a while,
  // and a photo in the dead-letter queue needs a person.
  maxReceiveCount: 5,
};

/**
 * ltx-videos/ events wait here for a render start. A clip whose render waits for a slot (the render
 * step throws while MAX_CONCURRENT_RENDERS renders are in flight) comes back after the visibility
 * timeout: ten receives wait about 90 minutes before the dead-letter queue; the sweeper redrives it after.
 */
export const RENDER_QUEUE: QueueTopology = {
  name: 'render',
  deadLetterName: 'render-dlq',
  visibilityTimeoutFactor: 6,
  messageRetentionSeconds: 4 * 24 * 3600,
  deadLetterRetentionSeconds: FOURTEEN_DAYS,
  maxReceiveCount: 10,
};

const DELIVERIES: Record<PipelineTarget, Delivery> = {
  ltx: {
    kind: 'queue',
    queue: LTX_QUEUE,
    // One photo per invocation: a batch of several would run LTX calls one after another inside one
    // function timeout, and the concurrency cap would no longer equal LTX calls in flight.
    batchSize: 1,
    maximumBatchingWindowSeconds: 0,
    defaultMaximumConcurrency: LTX_DEFAULT_CONCURRENCY,
  },
  render: {
    kind: 'queue',
    queue: RENDER_QUEUE,
    // One clip per invocation; a start takes seconds (the render itself reports by webhook).
    batchSize: 1,
    maximumBatchingWindowSeconds: 0,
    defaultMaximumConcurrency: 2,
  },
};

/** Every rule with what it delivers to, in RULES order. */
export const TOPOLOGY: readonly TopologyRoute[] = RULES.map((rule) => ({ rule, target: rule.target, delivery: DELIVERIES[rule.target] }));

export function routeFor(target: PipelineTarget): TopologyRoute {
  const route = TOPOLOGY.find((r) => r.target === target);
  if (!route) throw new Error(`no rule delivers to ${target}`);
  return route;
}

/** The visibility timeout of a queue consumed by a function with this timeout. */
export function visibilityTimeoutSeconds(queue: QueueTopology, functionTimeoutSeconds: number): number {
  return queue.visibilityTimeoutFactor * functionTimeoutSeconds;
}
