import { describe, expect, it } from 'vitest';
import type { PipelineObject } from '../../../shared/domain/pipeline-object';
import { handleObjectEvents } from '../../../shared/pipeline/handle-object-events';
import type { StepOutcome } from '../../../shared/pipeline/step-outcome';
import { imageCreatedEvent, ltxVideoCreatedEvent, withField } from '../../helpers/events';
import { recordingLogger } from '../../helpers/pipeline-fakes';
import { USER } from '../../helpers/pipeline-harness';

const JOB_A = '0b8f3f3c-1111-4a2b-8c3d-123456789abc';
const JOB_B = '0b8f3f3c-2222-4a2b-8c3d-123456789abc';
const JOB_C = '0b8f3f3c-3333-4a2b-8c3d-123456789abc';

/** A step that records what it was given; keys containing `fail` throw. */
function recordingStep() {
  const seen: PipelineObject[] = [];
  let running = 0;
  let maxRunning = 0;
  const step = async (object: PipelineObject): Promise<StepOutcome> => {
    seen.push(object);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, 2));
    running--;
    if (object.key.includes(JOB_B)) throw new Error(`the step failed for ${object.key}`);
    return { outcome: 'done', jobId: 'jobId' in object ? object.jobId : 'none' };
  };
  return { step, seen, maxRunning: () => maxRunning };
}

function sqsRecord(messageId: string, body: unknown) {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1735732800000', SenderId: 'AIDAEXAMPLE', ApproximateFirstReceiveTimestamp: '1735732800001' },
    messageAttributes: {},
    md5OfBody: '0',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:villa-video-ltx',
    awsRegion: 'us-east-1',
  };
}

describe('handleObjectEvents: an EventBridge event (asynchronous invocation)', () => {
  it('hands the step the typed object once and answers its outcome', async () => {
    const { step, seen } = recordingStep();
    const logger = recordingLogger();
    const outcome = await handleObjectEvents(imageCreatedEvent(USER, JOB_A), step, logger);
    expect(outcome).toEqual({ outcome: 'done', jobId: JOB_A });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ kind: 'uploaded-photo', userId: USER, jobId: JOB_A, ext: 'jpg', key: `images/${USER}/${JOB_A}.jpg`, reason: 'PutObject' });
    expect(logger.lines).toContainEqual({ level: 'info', message: 'step done', fields: { key: `images/${USER}/${JOB_A}.jpg`, outcome: 'done', jobId: JOB_A } });
  });

  it('drops a malformed event with a log line naming the field, without running the step', async () => {
    const { step, seen } = recordingStep();
    const logger = recordingLogger();
    expect(await handleObjectEvents(withField(imageCreatedEvent(USER, JOB_A), 'detail.object.size', '12'), step, logger)).toBeUndefined();
    expect(seen).toEqual([]);
    expect(logger.lines).toContainEqual({ level: 'error', message: 'malformed event dropped', fields: { error: 'detail.object.size must be a non-negative integer, received "12"' } });
  });

  it('throws what the step throws, so Lambda retries the event', async () => {
    const { step } = recordingStep();
    await expect(handleObjectEvents(ltxVideoCreatedEvent(USER, JOB_B), step, recordingLogger())).rejects.toThrow(`the step failed for ltx-videos/${USER}/${JOB_B}.mp4`);
  });
});

describe('handleObjectEvents: an SQS batch (the LTX queue)', () => {
  it('runs every record, one at a time, and reports only the failed ones for redelivery', async () => {
    const { step, seen, maxRunning } = recordingStep();
    const logger = recordingLogger();
    const batch = {
      Records: [
        sqsRecord('m-1', imageCreatedEvent(USER, JOB_A)),
        sqsRecord('m-2', imageCreatedEvent(USER, JOB_B)),
        sqsRecord('m-3', imageCreatedEvent(USER, JOB_C)),
      ],
    };
    expect(await handleObjectEvents(batch, step, logger)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(seen.map((o) => ('jobId' in o ? o.jobId : o.key))).toEqual([JOB_A, JOB_B, JOB_C]);
    expect(maxRunning()).toBe(1);
    expect(logger.lines).toContainEqual({ level: 'warn', message: 'record failed, will be redelivered', fields: { messageId: 'm-2', error: `the step failed for images/${USER}/${JOB_B}.jpg` } });
  });

  it('drops a malformed record (not JSON, not an S3 event) as done: it could never succeed', async () => {
    const { step, seen } = recordingStep();
    const logger = recordingLogger();
    const batch = { Records: [sqsRecord('bad-json', '{"source": '), sqsRecord('not-s3', { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' }), sqsRecord('ok', imageCreatedEvent(USER, JOB_A))] };
    expect(await handleObjectEvents(batch, step, logger)).toEqual({ batchItemFailures: [] });
    expect(seen).toHaveLength(1);
    expect(logger.lines.filter((l) => l.message === 'malformed event dropped').map((l) => l.fields.error)).toEqual([
      'event must be an object, received "{\\"source\\": "',
      'source must be "aws.s3", received "aws.ec2"',
    ]);
  });

  it('lists every record when all fail, instead of failing the invocation', async () => {
    const { step } = recordingStep();
    const batch = { Records: [sqsRecord('m-1', ltxVideoCreatedEvent(USER, JOB_B)), sqsRecord('m-2', ltxVideoCreatedEvent(USER, JOB_B))] };
    expect(await handleObjectEvents(batch, step, recordingLogger())).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
  });

  it('answers an empty batch with no failures', async () => {
    const { step, seen } = recordingStep();
    expect(await handleObjectEvents({ Records: [] }, step, recordingLogger())).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([]);
  });
});
