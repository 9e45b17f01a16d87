import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTION_SPECS } from '../../infra/function-specs';
import { TOPOLOGY } from '../../shared/domain/pipeline-topology';
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
    asyncBackoffMs: [1],
    functionArn: (t) => `arn:aws:lambda:us-east-1:000000000000:function:local-${t}`,
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
      if (route.delivery.kind !== 'queue') continue;
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
    // The operator's `dlq` commands find the queues through these outputs in AWS.
    const url = (suffix: string) => `\${aws_sqs_queue.${find(json, 'aws_sqs_queue', (q) => q.name === `\${var.name_prefix}-${suffix}`)[0]}.url}`;
    expect(json.output.ltx_queue_url.value).toBe(url('ltx'));
    expect(json.output.ltx_dead_letter_queue_url.value).toBe(url('ltx-dlq'));
    expect(json.output.render_dead_letter_queue_url.value).toBe(url('render-dlq'));
  });

  // Skipped only if no rule invokes its function asynchronously any more (all behind queues).
  it.skipIf(!TOPOLOGY.some((r) => r.target === 'render' && r.delivery.kind === 'async'))('an asynchronously invoked function gets the topology\'s retries, then Lambda\'s on-failure record in its dead-letter queue', async () => {
    const render = TOPOLOGY.find((r) => r.target === 'render')!;
    if (render.delivery.kind !== 'async') throw new Error('unreachable');
    let attempts = 0;
    wire({ render: async () => { attempts++; throw new Error('render crashed'); } });
    const event = ltxVideoCreatedEvent('user-1', 'job-1', { bucket: BUCKET });
    bus.putEvent(event);
    await routes.idle();
    expect(attempts).toBe(render.delivery.maximumRetryAttempts + 1);
    const { json } = synthStack();
    expect(find(json, 'aws_lambda_function_event_invoke_config', () => true)[1].maximum_retry_attempts).toBe(render.delivery.maximumRetryAttempts);
    const [letter] = queues.peek(routes.queueNames.render!.deadLetterQueue);
    expect(JSON.parse(letter!.body)).toMatchObject({
      version: '1.0',
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: render.delivery.maximumRetryAttempts + 1, functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:local-render:$LATEST' },
      requestPayload: { id: event.id, detail: { object: { key: event.detail.object.key } } },
      responsePayload: { errorMessage: expect.stringContaining('render crashed') },
    });
  });
});
