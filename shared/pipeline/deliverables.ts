import { renderKey, thumbnailKey } from '../domain/keys';
import type { VideoFormat } from '../domain/video-formats';
import type { VideoJob } from '../domain/video-job';
import type { ObjectHead, ObjectStore } from '../ports/object-store';

export interface Deliverables {
  video: ObjectHead;
  poster: ObjectHead;
}

/**
 * One format's rendered video and poster, when both are in the bucket. Their keys are unique to the
 * job and format and S3 writes are atomic, so both present means that format's render finished
 * (whatever its row says).
 */
export async function findDeliverables(store: Pick<ObjectStore, 'head'>, job: Pick<VideoJob, 'id' | 'user_id'>, format: VideoFormat): Promise<Deliverables | null> {
  const [video, poster] = await Promise.all([store.head(renderKey(job.user_id, job.id, format)), store.head(thumbnailKey(job.user_id, job.id, format))]);
  return video && poster ? { video, poster } : null;
}
