import { buildObjectCreatedEvent } from '../../shared/domain/object-created-event';
import type { LocalObjectStore } from '../s3/start-object-store';
import type { LocalEventBus } from './local-event-bus';

export interface ObjectEventsBridgeOptions {
  account?: string;
  region?: string;
}

/**
 * The local equivalent of a bucket's `eventbridge = true`: every object-created notification of the
 * store becomes an EventBridge `Object Created` event, in S3's exact shape (key URL-encoded as S3
 * does), put on the bus. Returns a function that disconnects the two.
 */
export function bridgeObjectEvents(
  store: Pick<LocalObjectStore, 'onObjectCreated' | 'region'>,
  bus: Pick<LocalEventBus, 'putEvent'>,
  options: ObjectEventsBridgeOptions = {},
): () => void {
  return store.onObjectCreated((created) => {
    bus.putEvent(
      buildObjectCreatedEvent({
        bucket: created.bucket,
        key: created.key,
        size: created.size,
        etag: created.etag,
        sequencer: created.sequencer,
        reason: created.reason,
        region: options.region ?? store.region,
        ...(options.account === undefined ? {} : { account: options.account }),
      }),
    );
  });
}
