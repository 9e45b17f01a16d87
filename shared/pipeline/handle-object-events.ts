import { ValidationError, describeError } from '../domain/errors';
import type { Logger } from '../ports/logger';
import { parsePipelineObject, type PipelineObject } from '../domain/pipeline-object';
import type { StepOutcome } from './step-outcome';

/** What Lambda reads back from an SQS-triggered function (ReportBatchItemFailures). */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

interface SqsRecord {
  messageId: string;
  body: string;
}

function isSqsEvent(event: unknown): event is { Records: SqsRecord[] } {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.every((r) => typeof (r as SqsRecord)?.messageId === 'string' && typeof (r as SqsRecord)?.body === 'string');
}

/**
 * Runs a pipeline step for an Object Created event however it arrives: straight from an EventBridge
 * rule (asynchronous invocation: throwing makes Lambda retry), or as an SQS batch of such events
 * (the LTX queue: a failed record is reported in `batchItemFailures` and comes back after the
 * visibility timeout). An event that cannot be parsed can never succeed: logged and dropped.
 */
export async function handleObjectEvents(
  event: unknown,
  step: (object: PipelineObject) => Promise<StepOutcome>,
  logger: Logger,
): Promise<SqsBatchResponse | StepOutcome | undefined> {
  if (!isSqsEvent(event)) return runOne(event, step, logger);
  const failures: { itemIdentifier: string }[] = [];
  // One at a time: the queue's maximum concurrency is what bounds parallel LTX calls. A batch whose
  // every record failed is answered like any other (each listed), not thrown: the same redelivery.
  for (const record of event.Records) {
    try {
      await runOne(parseJson(record.body), step, logger);
    } catch (err) {
      logger.log('warn', 'record failed, will be redelivered', { messageId: record.messageId, error: describeError(err) });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

async function runOne(raw: unknown, step: (object: PipelineObject) => Promise<StepOutcome>, logger: Logger): Promise<StepOutcome | undefined> {
  let object: PipelineObject;
  try {
    object = parsePipelineObject(raw);
  } catch (err) {
    if (err instanceof ValidationError) {
      logger.log('error', 'malformed event dropped', { error: err.message });
      return undefined;
    }
    throw err;
  }
  const outcome = await step(object);
  logger.log(outcome.outcome === 'failed' ? 'warn' : 'info', `step ${outcome.outcome}`, { key: object.key, ...outcome });
  return outcome;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
