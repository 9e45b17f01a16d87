import { buildObjectCreatedEvent, type BuildObjectCreatedInput, type S3ObjectCreatedEvent } from '../../shared/domain/object-created-event';
import { jobReplayRequestedDetailType, jobStatusChangedDetailType, PIPELINE_EVENT_SOURCE } from '../../shared/domain/event-patterns';

/**
 * Event builders shared by the tests: the EventBridge events the pipeline receives, in AWS's exact
 * shape. Fixed ids and times make redeliveries of "the same event" easy to express.
 */

export const TEST_BUCKET = 'villa-video-test';
export const TEST_ACCOUNT = '111122223333';

let counter = 0;
/** A sequencer that grows with each call, as S3's does for successive writes. */
export function nextSequencer(): string {
  counter += 1;
  return (0x617f08299329d189n + BigInt(counter)).toString(16).toUpperCase().padStart(18, '0');
}

/** An S3 `Object Created` event as EventBridge delivers it; `key` is the real key (encoded here as S3 does). */
export function objectCreatedEvent(overrides: Partial<BuildObjectCreatedInput> = {}): S3ObjectCreatedEvent {
  return buildObjectCreatedEvent({
    bucket: TEST_BUCKET,
    key: 'images/user-1/job-1.jpg',
    size: 123_456,
    etag: 'b1946ac92492d2347c6235b4d2611184',
    sequencer: nextSequencer(),
    reason: 'PutObject',
    account: TEST_ACCOUNT,
    region: 'us-east-1',
    time: '2025-01-01T12:00:00Z',
    ...overrides,
  });
}

/** A photo landing under images/ for a user and job. */
export function imageCreatedEvent(userId: string, jobId: string, overrides: Partial<BuildObjectCreatedInput> = {}): S3ObjectCreatedEvent {
  return objectCreatedEvent({ key: `images/${userId}/${jobId}.jpg`, ...overrides });
}

/** A base clip landing under ltx-videos/ for a user and job. */
export function ltxVideoCreatedEvent(userId: string, jobId: string, overrides: Partial<BuildObjectCreatedInput> = {}): S3ObjectCreatedEvent {
  return objectCreatedEvent({ key: `ltx-videos/${userId}/${jobId}.mp4`, size: 2_345_678, ...overrides });
}

/** A copy of an event with one field changed at a dotted path (`detail.object.size`), or removed when value is undefined. */
export function withField<T extends object>(event: T, path: string, value: unknown): T {
  const copy = structuredClone(event) as Record<string, unknown>;
  const parts = path.split('.');
  let node = copy;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts[parts.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy as T;
}

/** A domain event on the custom bus, as PutEvents turns an entry into an event. */
export function domainEvent(detailType: string, detail: Record<string, unknown>, overrides: { id?: string; time?: string } = {}) {
  return {
    version: '0' as const,
    id: overrides.id ?? `domain-${(counter += 1)}`,
    'detail-type': detailType,
    source: PIPELINE_EVENT_SOURCE,
    account: TEST_ACCOUNT,
    time: overrides.time ?? '2025-01-01T12:00:00Z',
    region: 'us-east-1',
    resources: [] as string[],
    detail,
  };
}

export function jobStatusChangedEvent(detail: { jobId: string; userId: string; status: string; error?: string }) {
  return domainEvent(jobStatusChangedDetailType, detail);
}

export function jobReplayRequestedEvent(detail: { jobId: string; userId: string }) {
  return domainEvent(jobReplayRequestedDetailType, detail);
}
