import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import { visibilityTimeoutSeconds, type QueueTopology } from '../shared/domain/pipeline-topology';

/**
 * A work queue in front of a function, and its dead-letter queue, as shared/domain/pipeline-topology.ts
 * defines it (the local stack builds its queues from the same values). `images/` events wait here
 * for an LTX slot (LTX's quota counts concurrent requests) and `ltx-videos/` events for a render
 * start, instead of failing when uploads burst.
 */
export class WorkQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: { namePrefix: string; topology: QueueTopology; functionTimeoutSeconds: number }) {
    super(scope, id);
    const t = props.topology;
    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: `${props.namePrefix}-${t.deadLetterName}`,
      messageRetentionSeconds: t.deadLetterRetentionSeconds,
      sqsManagedSseEnabled: true,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: `${props.namePrefix}-${t.name}`,
      // A message in flight must stay hidden for longer than the function may hold it (plus retries of
      // the invoke itself), or a second call would start for the same object.
      visibilityTimeoutSeconds: visibilityTimeoutSeconds(t, props.functionTimeoutSeconds),
      messageRetentionSeconds: t.messageRetentionSeconds,
      sqsManagedSseEnabled: true,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: t.maxReceiveCount }),
    });
  }
}
