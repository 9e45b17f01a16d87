import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';

/** AWS's advice for an SQS event source: visibility timeout at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/**
 * Deliveries of one photo's event before it is parked in the dead-letter queue. Five, not three: a
 * receive is also spent when Lambda throttles or LTX answers 429 for a while, and a photo that lands
 * in the DLQ needs a person.
 */
export const LTX_MAX_RECEIVE_COUNT = 5;
/**
 * A clip's event comes back while the render slots are full (the render step throws, the message
 * reappears after the visibility timeout): ten receives wait about 90 minutes for a slot before the
 * dead-letter queue, and the sweeper redrives the job after that.
 */
export const RENDER_MAX_RECEIVE_COUNT = 10;
/** Dead letters are kept for the maximum SQS allows: someone has to look at them. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * A work queue in front of a function, and its dead-letter queue. `images/` events wait here for an
 * LTX slot (LTX's quota counts concurrent requests) and `ltx-videos/` events for a render start,
 * instead of failing when uploads burst.
 */
export class WorkQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: { name: string; functionTimeoutSeconds: number; maxReceiveCount: number }) {
    super(scope, id);
    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: `${props.name}-dlq`,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: props.name,
      // A message in flight must stay hidden for longer than the function may hold it (plus retries of
      // the invoke itself), or a second call would start for the same object.
      visibilityTimeoutSeconds: props.functionTimeoutSeconds * VISIBILITY_TIMEOUT_FACTOR,
      // Four days: a weekend-long outage drains when it ends.
      messageRetentionSeconds: 4 * 24 * 3600,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: props.maxReceiveCount }),
    });
  }
}
