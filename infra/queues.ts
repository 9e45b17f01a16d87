import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import { LTX_QUEUE, routeFor, visibilityTimeoutSeconds } from '../shared/domain/pipeline-topology';

/**
 * The work queue in front of the LTX function, and its dead-letter queue. LTX's quota counts
 * concurrent requests, so `images/` events wait here instead of failing when uploads burst.
 */
export class LtxQueues extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: { namePrefix: string; functionTimeoutSeconds: number }) {
    super(scope, id);
    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: `${props.namePrefix}-${LTX_QUEUE.deadLetterName}`,
      messageRetentionSeconds: LTX_QUEUE.deadLetterRetentionSeconds,
      sqsManagedSseEnabled: true,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: `${props.namePrefix}-${LTX_QUEUE.name}`,
      // A message in flight must stay hidden for longer than the function may hold it (plus retries of
      // the invoke itself), or a second LTX call would start for the same photo.
      visibilityTimeoutSeconds: visibilityTimeoutSeconds(LTX_QUEUE, props.functionTimeoutSeconds),
      messageRetentionSeconds: LTX_QUEUE.messageRetentionSeconds,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: LTX_QUEUE.maxReceiveCount }),
    });
  }
}

/** Where render events end up when neither EventBridge nor Lambda could deliver or process them. */
export class RenderDeadLetterQueue extends Construct {
  readonly queue: SqsQueue;
  constructor(scope: Construct, id: string, props: { namePrefix: string }) {
    super(scope, id);
    const render = routeFor('render').delivery;
    if (render.kind !== 'async') throw new Error('shared/domain/pipeline-topology.ts no longer invokes render asynchronously: build its queue here');
    this.queue = new SqsQueue(this, 'dlq', {
      name: `${props.namePrefix}-${render.deadLetterName}`,
      messageRetentionSeconds: render.deadLetterRetentionSeconds,
      sqsManagedSseEnabled: true,
    });
  }
}
