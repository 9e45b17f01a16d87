import { randomUUID } from 'node:crypto';
import type { PipelineConfig } from '../config';
import { ForbiddenError, QuotaExceededError } from '../domain/errors';
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
  config: Pick<PipelineConfig, 'jobDefaults' | 'maxJobsPerDay' | 'anonymousJobsPerDay' | 'maxJobsPerDayTotal' | 'uploadUrlTtlSeconds'>;
  newId?: () => string;
  now?: () => Date;
  /** Kept across requests by the API (one per process): spares most uploads the count of every user's jobs. */
  serviceCount?: ServiceCountCache;
}

/**
 * The count of every user's jobs, shared: a burst of uploads waits for one count instead of each
 * making its own, and the last count is reused for a moment while it is far below the cap. The count
 * scans the whole day's jobs; the cap only has to be exact near its limit, where uploads are decided
 * again after their insert.
 */
export class ServiceCountCache {
  private last: { used: number; atMs: number } | undefined;
  private pending: Promise<number> | undefined;
  constructor(private readonly maxAgeMs = 2_000) {}

  async count(nowMs: number, reuseBelow: number, fetch: () => Promise<number>): Promise<number> {
    const last = this.last;
    if (last && nowMs - last.atMs <= this.maxAgeMs && last.used < reuseBelow) return last.used;
    this.pending ??= fetch()
      .then((used) => {
        this.last = { used, atMs: nowMs };
        return used;
      })
      .finally(() => (this.pending = undefined));
    return this.pending;
  }
}

/** One daily limit on new jobs: whose jobs it counts (null: everyone's), how many, and the refusal. */
interface DailyQuota {
  limit: number;
  refuse(used: number): QuotaExceededError;
}

/** The service-wide limit also says from which count on it is decided again after the insert (see below). */
interface ServiceQuota extends DailyQuota {
  recheckFrom: number;
}

/**
 * Requests passing the service-wide count together can overshoot it only by how many are in flight
 * at once, which the API's reserved concurrency bounds (50 by default). Below `limit - this` at count
 * time no burst can reach the limit, so the re-listing of every user's jobs is skipped there.
 */
const GLOBAL_RECHECK_MARGIN = 100;

/**
 * The user's own limit on new jobs over the last 24 hours (a smaller one for an anonymous guest, who
 * costs nothing to create; null: unlimited). An anonymous guest is refused outright when guests get none.
 */
function userQuota(user: SignedInUser, config: CreateUploadDeps['config']): DailyQuota | null {
  if (user.isAnonymous) {
    const limit = config.anonymousJobsPerDay;
    if (limit === 0) {
      throw new ForbiddenError('anonymous_not_allowed', 'Guests cannot start videos on this service. Sign in with an email account to make one.');
    }
    return {
      limit,
      refuse: (used) =>
        new QuotaExceededError(`As a guest you may start ${limit} ${limit === 1 ? 'video' : 'videos'} in 24 hours and have started ${used}. Sign in with an email account to make more, or try again tomorrow.`, {
          used,
          limit,
        }),
    };
  }
  if (config.maxJobsPerDay === 0) return null;
  const limit = config.maxJobsPerDay;
  return { limit, refuse: (used) => new QuotaExceededError(`You have started ${used} videos in the last 24 hours; the limit is ${limit}. Try again tomorrow.`, { used, limit }) };
}

/** The service's limit across all users over the last 24 hours: the ceiling on what LTX can bill in a day (null: none). */
function serviceQuota(config: CreateUploadDeps['config']): ServiceQuota | null {
  if (config.maxJobsPerDayTotal === 0) return null;
  const limit = config.maxJobsPerDayTotal;
  return {
    limit,
    recheckFrom: limit - GLOBAL_RECHECK_MARGIN,
    refuse: () => new QuotaExceededError(`The service has reached its limit of ${limit} new videos in 24 hours for all users together. Try again later.`, { limit }, 'service_daily_limit'),
  };
}

/**
 * Records a `pending_upload` job and signs a PUT for exactly the announced file. Nothing else
 * happens until the photo lands in the bucket and its Object Created event starts the pipeline.
 * One database round trip in the usual case: the user's count and the insert are one call
 * (`create_upload_job`), and the service-wide count is shared between requests (ServiceCountCache).
 */
export async function createUpload(deps: CreateUploadDeps, user: SignedInUser, request: UploadRequest): Promise<UploadTicket> {
  const now = deps.now?.() ?? new Date();
  const since = new Date(now.getTime() - 24 * 3600 * 1000);
  const own = userQuota(user, deps.config);
  const service = serviceQuota(deps.config);
  let recheckService = false;
  if (service) {
    const fetch = () => deps.jobs.countCreatedSince(null, since);
    const used = deps.serviceCount ? await deps.serviceCount.count(now.getTime(), service.recheckFrom, fetch) : await fetch();
    if (used >= service.limit) throw service.refuse(used);
    recheckService = used >= service.recheckFrom;
  }
  const jobId = deps.newId?.() ?? randomUUID();
  const key = imageKey(user.userId, jobId, IMAGE_EXTENSIONS[request.contentType]);
  const options = resolveJobOptions(request.options, deps.config.jobDefaults);
  const created = await deps.jobs.createUpload({ id: jobId, user_id: user.userId, options, source_key: key }, since, own?.limit ?? null);
  if ('refused' in created) throw own!.refuse(created.used);
  // The service-wide count and the insert are separate requests: a burst of uploads can all pass the
  // count. Decided again with our row in: the window's first `limit` jobs keep their place.
  if (service && recheckService) {
    const first = await deps.jobs.listCreatedSince(null, since, service.limit);
    if (!first.includes(jobId)) {
      await deps.jobs.deletePending(jobId);
      throw service.refuse(Math.max(service.limit, first.length));
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
