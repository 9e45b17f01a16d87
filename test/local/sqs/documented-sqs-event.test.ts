import { describe, expect, it } from 'vitest';
import { handleObjectEvents } from '../../../shared/pipeline/handle-object-events';
import type { PipelineObject } from '../../../shared/domain/pipeline-object';
import { LocalQueues, md5Hex } from '../../../local/sqs/local-queues';
import { sqsRecord } from '../../../local/sqs/sqs-event-source';
import { S3_OBJECT_CREATED_EXAMPLE, sqsEventExample } from '../../fixtures/aws/documented-events';
import { recordingLogger } from '../../helpers/recording-logger';

describe('the SQS event Lambda delivers, as AWS documents it', () => {
  it('AWS\'s SQS example carrying AWS\'s S3 Object Created example is parsed by the code the ltx handler runs', async () => {
    const seen: PipelineObject[] = [];
    const out = await handleObjectEvents(sqsEventExample(JSON.stringify(S3_OBJECT_CREATED_EXAMPLE)), async (object) => {
      seen.push(object);
      return { outcome: 'done', jobId: 'j' };
    }, recordingLogger().logger);
    expect(out).toEqual({ batchItemFailures: [] });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ bucket: 'amzn-s3-demo-bucket1', key: 'example-key', size: 5 });
  });

  it('the local event source builds records of exactly the documented shape', () => {
    const queues = new LocalQueues('123456789012', 'us-east-2');
    queues.createQueue('my-queue', { visibilityTimeoutSeconds: 30, messageRetentionSeconds: 60 });
    queues.send('my-queue', 'Test message.');
    const [message] = queues.receive('my-queue', 1);
    const local = sqsRecord(message!, queues.arn('my-queue'), queues.region);
    const documented = sqsEventExample('Test message.').Records[0]!;
    expect(Object.keys(local).sort()).toEqual(Object.keys(documented).sort());
    expect(Object.keys(local.attributes).sort()).toEqual(Object.keys(documented.attributes).sort());
    // The documented md5OfBody is the MD5 of its body "Test message.".
    expect(local.md5OfBody).toBe(documented.md5OfBody);
    expect(md5Hex(documented.body)).toBe(documented.md5OfBody);
    expect(local).toMatchObject({ body: 'Test message.', eventSource: documented.eventSource, eventSourceARN: documented.eventSourceARN, awsRegion: documented.awsRegion, attributes: { ApproximateReceiveCount: '1' } });
    queues.close();
  });
});
