import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, DeleteMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqsClient } from '../../../shared/composition/aws-clients';
import { handleObjectEvents } from '../../../shared/pipeline/handle-object-events';
import type { PipelineObject } from '../../../shared/domain/pipeline-object';
import type { StepOutcome } from '../../../shared/pipeline/step-outcome';
import { LocalQueues } from '../../../local/sqs/local-queues';
import { startSqsEventSource, type SqsEventSource } from '../../../local/sqs/sqs-event-source';
import { startSqsServer, type SqsServer } from '../../../local/sqs/sqs-server';
import { listDeadLetters, redriveDeadLetters } from '../../../cli/dead-letters';
import { imageCreatedEvent } from '../../helpers/events';
import { recordingLogger } from '../../helpers/recording-logger';

const CREDENTIALS = { accessKeyId: 'SQSKEY', secretAccessKey: 'sqs-secret-0123456789' };
let queues: LocalQueues;
let server: SqsServer;
let sqs: SQSClient;
let source: SqsEventSource | undefined;

beforeAll(async () => {
  queues = new LocalQueues();
  queues.createQueue('work-dlq', { visibilityTimeoutSeconds: 30, messageRetentionSeconds: 14 * 24 * 3600 });
  queues.createQueue('work', { visibilityTimeoutSeconds: 1, messageRetentionSeconds: 3600, redrive: { deadLetterQueue: 'work-dlq', maxReceiveCount: 3 } });
  server = await startSqsServer({ queues, credentials: CREDENTIALS, port: 0 });
  // Built as the pipeline and the CLI build it.
  sqs = createSqsClient({ region: 'us-east-1', endpoint: server.endpoint, credentials: CREDENTIALS });
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
});
afterAll(async () => {
  sqs?.destroy();
  await server?.stop();
  queues?.close();
});

describe('local SQS over the JSON protocol, with the real @aws-sdk/client-sqs', () => {
  it('finds, sends, receives (MD5 checked by the SDK), hides, counts receives and deletes', async () => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'work-dlq' }));
    expect(QueueUrl).toBe(`${server.endpoint}/000000000000/work-dlq`);
    expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls).toEqual(expect.arrayContaining([QueueUrl]));
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"villa":"Été"}' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] }));
    expect(first.Messages).toHaveLength(1);
    expect(first.Messages?.[0]).toMatchObject({ MessageId: sent.MessageId, Body: '{"villa":"Été"}', Attributes: { ApproximateReceiveCount: '1' } });
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 30, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(second.Messages?.[0]?.Attributes).toEqual({ ApproximateReceiveCount: '2' });
    // Hidden now: nothing to receive, one in flight.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toEqual([]);
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(attributes.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second.Messages![0]!.ReceiptHandle! }));
    expect(queues.counts('work-dlq')).toEqual({ visible: 0, notVisible: 0 });
  });

  it('answers an unknown queue with QueueDoesNotExist and an unsigned call with MissingAuthenticationTokenException', async () => {
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    const res = await fetch(server.endpoint, { method: 'POST', headers: { 'X-Amz-Target': 'AmazonSQS.ListQueues', 'Content-Type': 'application/x-amz-json-1.0' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toMatch(/MissingAuthenticationTokenException$/);
    const wrong = createSqsClient({ region: 'us-east-1', endpoint: server.endpoint, credentials: { ...CREDENTIALS, secretAccessKey: 'guessed' } });
    await expect(wrong.send(new ListQueuesCommand({}))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    wrong.destroy();
  });
});

describe('the SQS event source as Lambda runs it (ReportBatchItemFailures)', () => {
  it('a batch with one poisoned record: the others complete, the poisoned one returns, lands in the DLQ after maxReceiveCount, and a redrive completes it once fixed', async () => {
    const { logger } = recordingLogger();
    const poisoned = { userId: randomUUID(), jobId: randomUUID() };
    let fixed = false;
    const done: string[] = [];
    const receiveCounts: string[] = [];
    const events: unknown[] = [];
    const step = async (object: PipelineObject): Promise<StepOutcome> => {
      if (object.key.includes(poisoned.jobId) && !fixed) throw new Error('LTX refused the photo (transient)');
      done.push(object.key);
      return { outcome: 'done', jobId: object.key };
    };
    const invoke = async (event: unknown) => {
      events.push(event);
      for (const r of (event as { Records: Array<{ messageId: string; body: string; attributes: { ApproximateReceiveCount: string } }> }).Records) {
        if (r.body.includes(poisoned.jobId)) receiveCounts.push(r.attributes.ApproximateReceiveCount);
      }
      return handleObjectEvents(event, step, logger);
    };
    const good = [randomUUID(), randomUUID()];
    queues.send('work', JSON.stringify(imageCreatedEvent(randomUUID(), good[0]!)));
    queues.send('work', JSON.stringify(imageCreatedEvent(poisoned.userId, poisoned.jobId)));
    queues.send('work', JSON.stringify(imageCreatedEvent(randomUUID(), good[1]!)));
    source = startSqsEventSource({ queues, queue: 'work', invoke, batchSize: 10, maximumConcurrency: 2 });
    await source.drained();

    expect(done).toHaveLength(2);
    expect(done.every((key) => good.some((id) => key.includes(id)))).toBe(true);
    // Received once per visibility timeout, three times, then moved to the dead-letter queue.
    expect(receiveCounts).toEqual(['1', '2', '3']);
    // The event Lambda delivers: Records whose body is the EventBridge event.
    const record = (events[0] as { Records: Array<Record<string, unknown>> }).Records[0]!;
    expect(record).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:work', awsRegion: 'us-east-1', messageAttributes: {} });
    expect(JSON.parse(record.body as string)).toMatchObject({ source: 'aws.s3', 'detail-type': 'Object Created' });

    const dlqUrl = `${server.endpoint}/000000000000/work-dlq`;
    const listed = await listDeadLetters(sqs, dlqUrl);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.key).toContain(poisoned.jobId);

    fixed = true;
    const moved = await redriveDeadLetters(sqs, { deadLetterQueueUrl: dlqUrl, sourceQueueUrl: `${server.endpoint}/000000000000/work` }, { messageId: listed[0]!.messageId });
    expect(moved).toEqual([listed[0]!.messageId]);
    await source.drained();
    expect(done.filter((key) => key.includes(poisoned.jobId))).toHaveLength(1);
    expect(await listDeadLetters(sqs, dlqUrl)).toEqual([]);
  }, 20_000);

  it('a thrown error or a batchItemFailures naming no record of the batch fails the whole batch', async () => {
    queues.createQueue('strict-dlq', { visibilityTimeoutSeconds: 30, messageRetentionSeconds: 3600 });
    queues.createQueue('strict', { visibilityTimeoutSeconds: 1, messageRetentionSeconds: 3600, redrive: { deadLetterQueue: 'strict-dlq', maxReceiveCount: 1 } });
    queues.send('strict', 'a');
    queues.send('strict', 'b');
    let calls = 0;
    source = startSqsEventSource({ queues, queue: 'strict', batchSize: 10, maximumConcurrency: 1, invoke: async () => ({ batchItemFailures: [{ itemIdentifier: calls++ === 0 ? 'not-in-batch' : '' }] }) });
    await source.drained();
    expect(queues.counts('strict-dlq').visible).toBe(2);
  }, 10_000);

  it('never runs more than maximumConcurrency batches at once', async () => {
    queues.createQueue('busy', { visibilityTimeoutSeconds: 30, messageRetentionSeconds: 3600 });
    for (let i = 0; i < 8; i++) queues.send('busy', String(i));
    let running = 0;
    let most = 0;
    source = startSqsEventSource({
      queues,
      queue: 'busy',
      batchSize: 1,
      maximumConcurrency: 3,
      invoke: async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        return { batchItemFailures: [] };
      },
    });
    await source.drained();
    expect(most).toBe(3);
  });
});

describe('durable queues (a persisted stack restarted)', () => {
  it('keeps visible, in-flight and dead-lettered messages, with their receive counts, across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'villa-sqs-'));
    const file = join(dir, 'sqs.json');
    const create = (q: LocalQueues) => {
      q.createQueue('d-dlq', { visibilityTimeoutSeconds: 30, messageRetentionSeconds: 3600 });
      q.createQueue('d', { visibilityTimeoutSeconds: 600, messageRetentionSeconds: 3600, redrive: { deadLetterQueue: 'd-dlq', maxReceiveCount: 1 } });
    };
    const first = new LocalQueues();
    await first.persistTo(file);
    create(first);
    first.send('d', 'waiting');
    first.send('d', 'in flight');
    first.send('d-dlq', 'dead');
    const [inFlight] = first.receive('d', 1);
    expect(inFlight?.body).toBe('waiting');
    first.close();
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const second = new LocalQueues();
    await second.persistTo(file);
    create(second);
    expect(second.counts('d')).toEqual({ visible: 1, notVisible: 1 });
    expect(second.peek('d').find((m) => m.body === 'waiting')?.receiveCount).toBe(1);
    expect(second.peek('d-dlq').map((m) => m.body)).toEqual(['dead']);
    second.close();
    await rm(dir, { recursive: true, force: true });
  });
});
