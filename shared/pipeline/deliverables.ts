import { renderKey, thumbnailKey } from '../domain/keys';
import type { VideoJob } from '../domain/video-job';
import type { ObjectHead, ObjectStore } from '../ports/object-store';

export interface Deliverables {
  video: ObjectHead;
  poster: ObjectHead;
}

/**
 * The job's rendered video and poster, when both are in the bucket. Their keys are unique to the job
 * and S3 writes are atomic, so both present means a render finished (whatever the row says).
 */
export async function findDeliverables(store: Pick<ObjectStore, 'head'>, job: Pick<VideoJob, 'id' | 'user_id'>): Promise<Deliverables | null> {
  const [video, poster] = await Promise.all([store.head(renderKey(job.user_id, job.id)), store.head(thumbnailKey(job.user_id, job.id))]);
  return video && poster ? { video, poster } : null;
}
