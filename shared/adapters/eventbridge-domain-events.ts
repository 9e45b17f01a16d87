import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DomainEvents, JobStatusChanged } from '../ports/domain-events';
import type { Logger } from '../ports/logger';
import { PIPELINE_EVENT_SOURCE, jobReplayRequestedDetailType, jobStatusChangedDetailType } from '../domain/event-patterns';

export class EventBridgeDomainEvents implements DomainEvents {
  constructor(
    private readonly client: Pick<EventBridgeClient, 'send'>,
    private readonly busName: string,
    private readonly logger: Logger,
  ) {}

  jobStatusChanged(detail: JobStatusChanged): Promise<void> {
    return this.put(jobStatusChangedDetailType, detail, true);
  }

  replayRequested(detail: { jobId: string; userId: string; sourceKey: string; requestedBy: string }): Promise<void> {
    return this.put(jobReplayRequestedDetailType, detail, false);
  }

  /**
   * Status notifications are informational for subscribers (mail, billing, analytics): a failure to
   * publish is logged and does not fail the job. A replay request is an instruction, so its failure
   * reaches the caller.
   */
  private async put(detailType: string, detail: object, bestEffort: boolean): Promise<void> {
    try {
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: [{ Source: PIPELINE_EVENT_SOURCE, DetailType: detailType, Detail: JSON.stringify(detail), EventBusName: this.busName }],
        }),
      );
      if (out.FailedEntryCount) {
        const entry = out.Entries?.find((e) => e.ErrorCode);
        throw new Error(`PutEvents refused the entry: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
      }
    } catch (err) {
      if (!bestEffort) throw err;
      this.logger.log('warn', 'domain event not published', { detailType, error: (err as Error).message });
    }
  }
}
