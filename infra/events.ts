import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { RULES, type PipelineRule, type PipelineTarget } from '../shared/domain/event-patterns';
import { routeFor, TARGET_RETRY, type QueueDelivery } from '../shared/domain/pipeline-topology';
import { policyDocument } from './iam';

/** EventBridge's retry policy in Terraform's words, from the topology's. */
const retryPolicy = { maximumEventAgeInSeconds: TARGET_RETRY.maximumEventAgeSeconds, maximumRetryAttempts: TARGET_RETRY.maximumRetryAttempts };

function queueDelivery(target: PipelineTarget): QueueDelivery {
  return routeFor(target).delivery;
}
export const SWEEP_SCHEDULE = 'rate(5 minutes)';

function ruleFor(target: PipelineTarget): PipelineRule {
  const rule = RULES.find((r) => r.target === target);
  if (!rule) throw new Error(`shared/domain/event-patterns.ts defines no rule for target ${target}`);
  return rule;
}

/** A rule on the default bus (where S3 sends its events) with the shared pattern for `bucketName`. */
function objectCreatedRule(scope: Construct, id: string, namePrefix: string, bucketName: string, target: PipelineTarget): CloudwatchEventRule {
  const rule = ruleFor(target);
  return new CloudwatchEventRule(scope, id, {
    name: `${namePrefix}-${rule.name}`,
    description: rule.description,
    // The bucket name is a Terraform reference here; cdktf resolves it inside the JSON string.
    eventPattern: JSON.stringify(rule.pattern(bucketName)),
  });
}

/** Lets one EventBridge rule (and nothing else) send messages to a queue. */
function allowRuleToSend(scope: Construct, id: string, queue: SqsQueue, ruleArn: string): SqsQueuePolicy {
  const doc = policyDocument(scope, `${id}-doc`, [
    {
      sid: 'EventBridgeRuleSends',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
      actions: ['sqs:SendMessage'],
      resources: [queue.arn],
      condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [ruleArn] }],
    },
  ]);
  return new SqsQueuePolicy(scope, id, { queueUrl: queue.url, policy: doc.json });
}

export interface PipelineEventsProps {
  namePrefix: string;
  bucketName: string;
  ltxQueue: SqsQueue;
  ltxDeadLetterQueue: SqsQueue;
  renderQueue: SqsQueue;
  renderDeadLetterQueue: SqsQueue;
  ltxFunction: LambdaFunction;
  renderFunction: LambdaFunction;
  sweepFunction: LambdaFunction;
  ltxConcurrency: number;
  renderStartConcurrency: number;
}

/**
 * The wiring: images/ -> SQS -> LTX (bounded concurrency), ltx-videos/ -> SQS -> render start
 * (bounded; the renders in flight are bounded by the render step's own limit), a 5-minute schedule
 * -> sweep.
 */
export class PipelineEvents extends Construct {
  readonly imagesRule: CloudwatchEventRule;
  readonly ltxVideosRule: CloudwatchEventRule;
  readonly sweepRule: CloudwatchEventRule;
  readonly ltxEventSource: LambdaEventSourceMapping;
  readonly renderEventSource: LambdaEventSourceMapping;

  constructor(scope: Construct, id: string, props: PipelineEventsProps) {
    super(scope, id);

    // images/ -> queue. The queue, not EventBridge, absorbs bursts: LTX's quota is per concurrent request.
    ({ rule: this.imagesRule, source: this.ltxEventSource } = this.queueRoute(props, 'ltx', {
      ruleId: 'images',
      queue: props.ltxQueue,
      deadLetterQueue: props.ltxDeadLetterQueue,
      fn: props.ltxFunction,
      maximumConcurrency: props.ltxConcurrency,
    }));
    // ltx-videos/ -> queue -> render function. A queue rather than an asynchronous invocation: a clip
    // whose render waits for a slot comes back after the visibility timeout, many times if need be.
    ({ rule: this.ltxVideosRule, source: this.renderEventSource } = this.queueRoute(props, 'render', {
      ruleId: 'ltx-videos',
      queue: props.renderQueue,
      deadLetterQueue: props.renderDeadLetterQueue,
      fn: props.renderFunction,
      maximumConcurrency: props.renderStartConcurrency,
    }));

    // The sweep: fails jobs that stopped moving (a lost event, a crashed function).
    this.sweepRule = new CloudwatchEventRule(this, 'sweep-rule', {
      name: `${props.namePrefix}-sweep`,
      description: 'Every 5 minutes: fail jobs stuck for longer than STUCK_JOB_MINUTES',
      scheduleExpression: SWEEP_SCHEDULE,
    });
    new CloudwatchEventTarget(this, 'sweep-target', { rule: this.sweepRule.name, targetId: 'sweep-function', arn: props.sweepFunction.arn });
    new LambdaPermission(this, 'sweep-invoke', {
      statementId: 'AllowSweepSchedule',
      action: 'lambda:InvokeFunction',
      functionName: props.sweepFunction.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.sweepRule.arn,
    });
  }

  /**
   * A rule on the default bus -> its target's queue (EventBridge may send to it and to its DLQ,
   * retrying by TARGET_RETRY) -> the function, as SQS batches with partial batch responses.
   */
  private queueRoute(
    props: PipelineEventsProps,
    target: PipelineTarget,
    r: { ruleId: string; queue: SqsQueue; deadLetterQueue: SqsQueue; fn: LambdaFunction; maximumConcurrency: number },
  ): { rule: CloudwatchEventRule; source: LambdaEventSourceMapping } {
    const rule = objectCreatedRule(this, `${r.ruleId}-rule`, props.namePrefix, props.bucketName, target);
    allowRuleToSend(this, `${target}-queue-policy`, r.queue, rule.arn);
    allowRuleToSend(this, `${target}-dlq-policy`, r.deadLetterQueue, rule.arn);
    new CloudwatchEventTarget(this, `${r.ruleId}-target`, {
      rule: rule.name,
      targetId: `${target}-queue`,
      arn: r.queue.arn,
      retryPolicy,
      // Events EventBridge could not put on the queue; failed processing is redriven by the queue itself.
      deadLetterConfig: { arn: r.deadLetterQueue.arn },
    });
    const delivery = queueDelivery(target);
    const source = new LambdaEventSourceMapping(this, `${target}-source`, {
      eventSourceArn: r.queue.arn,
      functionName: r.fn.arn,
      batchSize: delivery.batchSize,
      ...(delivery.maximumBatchingWindowSeconds > 0 ? { maximumBatchingWindowInSeconds: delivery.maximumBatchingWindowSeconds } : {}),
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: r.maximumConcurrency },
    });
    return { rule, source };
  }
}

/** The custom bus for the pipeline's domain events (job status changes, replays). */
export function domainEventBus(scope: Construct, namePrefix: string): CloudwatchEventBus {
  return new CloudwatchEventBus(scope, 'domain-events', { name: `${namePrefix}-events` });
}
