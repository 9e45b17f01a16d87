import { randomUUID } from 'node:crypto';
import type { PipelineConfig } from '../config';
import { QuotaExceededError } from '../domain/errors';
import { resolveJobOptions } from '../domain/job-options';
import type { JobStore } from '../ports/job-store';
import { IMAGE_EXTENSIONS, imageKey } from '../domain/keys';
import type { ObjectStore } from '../ports/object-store';
import { optionsToMetadata } from '../domain/job-metadata';
import type { SignedInUser } from '../ports/access-token-verifier';
import type { UploadRequest, UploadTicket } from '../domain/upload-request';

export interface CreateUploadDeps {
  store: ObjectStore;
  jobs: JobStore;
  config: Pick<PipelineConfig, 'jobDefaults' | 'maxJobsPerDay' | 'uploadUrlTtlSeconds'>;
  newId?: () => string;
  now?: () => Date;
}

/**
 * Records a `pending_upload` job and signs a PUT for exactly the announced file. Nothing else
 * happens until the photo lands in the bucket and its Object Created event starts the pipeline.
 */
export async function createUpload(deps: CreateUploadDeps, user: SignedInUser, request: UploadRequest): Promise<UploadTicket> {
  const now = deps.now?.() ?? new Date();
  const { maxJobsPerDay } = deps.config;
  const since = new Date(now.getTime() - 24 * 3600 * 1000);
  const refuse = (used: number) =>
    new QuotaExceededError(`You have started ${used} videos in the last 24 hours; the limit is ${maxJobsPerDay}. Try again tomorrow.`, { used, limit: maxJobsPerDay });
  if (maxJobsPerDay > 0) {
    const used = await deps.jobs.countCreatedSince(user.userId, since);
    if (used >= maxJobsPerDay) throw refuse(used);
  }
  const jobId = deps.newId?.() ?? randomUUID();
  const key = imageKey(user.userId, jobId, IMAGE_EXTENSIONS[request.contentType]);
  const options = resolveJobOptions(request.options, deps.config.jobDefaults);
  await deps.jobs.createIfAbsent({ id: jobId, user_id: user.userId, status: 'pending_upload', options, origin: 'upload', source_key: key });
  if (maxJobsPerDay > 0) {
    // The count and the insert are separate requests: a burst of one user's uploads can all pass the
    // count. Decided again with our row in: the window's first `maxJobsPerDay` jobs keep their place.
    const first = await deps.jobs.listCreatedSince(user.userId, since, maxJobsPerDay);
    if (!first.includes(jobId)) {
      await deps.jobs.deletePending(jobId);
      throw refuse(Math.max(maxJobsPerDay, first.length));
    }
  }
  const ttl = deps.config.uploadUrlTtlSeconds;
  const { url, headers } = await deps.store.presignPut(key, {
    contentType: request.contentType,
    contentLength: request.size,
    metadata: { 'job-id': jobId, 'user-id': user.userId, 'original-filename': request.filename, ...optionsToMetadata(options) },
    expiresInSeconds: ttl,
  });
  return { jobId, key, uploadUrl: url, method: 'PUT', headers, expiresAt: new Date(now.getTime() + ttl * 1000).toISOString() };
}
