import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';

/** AWS's advice for an SQS event source: visibility timeout at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** Deliveries of one photo's event before it is parked in the dead-letter queue. */
export const LTX_MAX_RECEIVE_COUNT = 3;
/** Dead letters are kept for the maximum SQS allows: someone has to look at them. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

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
      name: `${props.namePrefix}-ltx-dlq`,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: `${props.namePrefix}-ltx`,
      // A message in flight must stay hidden for longer than the function may hold it (plus retries of
      // the invoke itself), or a second LTX call would start for the same photo.
      visibilityTimeoutSeconds: props.functionTimeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
      // Four days: a weekend-long LTX outage drains when it ends.
      messageRetentionSeconds: 4 * 24 * 3600,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: LTX_MAX_RECEIVE_COUNT }),
    });
  }
}

/** Where render events end up when neither EventBridge nor Lambda could deliver or process them. */
export class RenderDeadLetterQueue extends Construct {
  readonly queue: SqsQueue;
  constructor(scope: Construct, id: string, props: { namePrefix: string }) {
    super(scope, id);
    this.queue = new SqsQueue(this, 'dlq', {
      name: `${props.namePrefix}-render-dlq`,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
  }
}
