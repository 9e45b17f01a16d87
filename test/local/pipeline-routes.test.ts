import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTION_SPECS } from '../../infra/function-specs';
import { TARGET_RETRY, TOPOLOGY } from '../../shared/domain/pipeline-topology';
import type { PipelineTarget } from '../../shared/domain/event-patterns';
import { LocalEventBus } from '../../local/event-bus/local-event-bus';
import { wirePipelineRoutes, type PipelineRoutes } from '../../local/pipeline-routes';
import { LocalQueues } from '../../local/sqs/local-queues';
import { find, synthStack, type Json } from '../infra/synth-helpers';
import { ltxVideoCreatedEvent } from '../helpers/events';

/**
 * The local wiring and the synthesized AWS stack come from one topology: every queue, redrive
 * policy, batch size and retry count the local stack runs is the one Terraform would create.
 */

const BUCKET = 'villa-video-test';
let bus: LocalEventBus;
let queues: LocalQueues;
let routes: PipelineRoutes;

function wire(invoke: Partial<Record<PipelineTarget, (event: unknown) => Promise<unknown>>> = {}) {
  bus = new LocalEventBus({ log: () => {} });
  queues = new LocalQueues();
  const fn = (target: PipelineTarget) => ({ invoke: invoke[target] ?? (async () => undefined), timeoutSeconds: FUNCTION_SPECS[target].timeout, maximumConcurrency: 2 });
  routes = wirePipelineRoutes({
    bus,
    queues,
    bucket: BUCKET,
    namePrefix: 'local',
    functions: { ltx: fn('ltx'), render: fn('render') },
    log: () => {},
  });
}

afterEach(async () => {
  await routes?.stop();
  await bus?.close();
  queues?.close();
});

describe('local wiring = synthesized AWS stack', () => {
  it('has the same queues, visibility timeouts, retention, redrive policies and batch sizes', () => {
    wire();
    const { json } = synthStack();
    const synthQueue = (suffix: string): Json => find(json, 'aws_sqs_queue', (q) => q.name === `\${var.name_prefix}-${suffix}`)[1];
    let queueRoutes = 0;
    for (const route of TOPOLOGY) {
      const names = routes.queueNames[route.target]!;
      const dlqSuffix = names.deadLetterQueue.replace(/^local-/, '');
      expect(queues.settings(names.deadLetterQueue).messageRetentionSeconds).toBe(synthQueue(dlqSuffix).message_retention_seconds);
      queueRoutes++;
      const suffix = names.queue!.replace(/^local-/, '');
      const aws = synthQueue(suffix);
      const local = queues.settings(names.queue!);
      expect(local.visibilityTimeoutSeconds).toBe(aws.visibility_timeout_seconds);
      expect(local.messageRetentionSeconds).toBe(aws.message_retention_seconds);
      expect(local.redrive?.maxReceiveCount).toBe(JSON.parse(aws.redrive_policy).maxReceiveCount);
      const mapping = find(json, 'aws_lambda_event_source_mapping', (m) => m.event_source_arn === `\${aws_sqs_queue.${find(json, 'aws_sqs_queue', (q) => q === aws)[0]}.arn}`)[1];
      expect(mapping.batch_size).toBe(route.delivery.batchSize);
      expect(mapping.function_response_types).toEqual(['ReportBatchItemFailures']);
    }
    expect(queueRoutes).toBeGreaterThan(0);
    // EventBridge's retries of a put on the queue: the local bus retries its sends by the same numbers.
    for (const [, target] of Object.entries(json.resource.aws_cloudwatch_event_target as Record<string, Json>).filter(([, t]) => String(t.target_id).endsWith('-queue'))) {
      expect(target.retry_policy).toEqual({ maximum_event_age_in_seconds: TARGET_RETRY.maximumEventAgeSeconds, maximum_retry_attempts: TARGET_RETRY.maximumRetryAttempts });
    }
    // The operator's `dlq` commands find the queues through these outputs in AWS.
    const url = (suffix: string) => `\${aws_sqs_queue.${find(json, 'aws_sqs_queue', (q) => q.name === `\${var.name_prefix}-${suffix}`)[0]}.url}`;
    expect(json.output.ltx_queue_url.value).toBe(url('ltx'));
    expect(json.output.ltx_dead_letter_queue_url.value).toBe(url('ltx-dlq'));
    expect(json.output.render_dead_letter_queue_url.value).toBe(url('render-dlq'));
  });
});
