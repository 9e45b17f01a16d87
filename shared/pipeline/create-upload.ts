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
  userId: string | null;
  limit: number;
  /** Decided again after the insert only when the count before it was at least this (see below). */
  recheckFrom: number;
  refuse(used: number): QuotaExceededError;
}

/**
 * Requests passing the service-wide count together can overshoot it only by how many are in flight
 * at once, which the API's reserved concurrency bounds (50 by default). Below `limit - this` at count
 * time no burst can reach the limit, so the re-listing of every user's jobs is skipped there.
 */
const GLOBAL_RECHECK_MARGIN = 100;

/**
 * The limits a new job of `user` must fit, each over the last 24 hours: the user's own (a smaller one
 * for an anonymous guest, who costs nothing to create) and the service's across all users, which is
 * the ceiling on what LTX can bill in a day. An anonymous guest is refused outright when guests get none.
 */
function dailyQuotas(user: SignedInUser, config: CreateUploadDeps['config']): DailyQuota[] {
  const quotas: DailyQuota[] = [];
  if (user.isAnonymous) {
    const limit = config.anonymousJobsPerDay;
    if (limit === 0) {
      throw new ForbiddenError('anonymous_not_allowed', 'Guests cannot start videos on this service. Sign in with an email account to make one.');
    }
    quotas.push({
      userId: user.userId,
      limit,
      recheckFrom: 0,
      refuse: (used) =>
        new QuotaExceededError(`As a guest you may start ${limit} ${limit === 1 ? 'video' : 'videos'} in 24 hours and have started ${used}. Sign in with an email account to make more, or try again tomorrow.`, {
          used,
          limit,
        }),
    });
  } else if (config.maxJobsPerDay > 0) {
    const limit = config.maxJobsPerDay;
    quotas.push({
      userId: user.userId,
      limit,
      recheckFrom: 0,
      refuse: (used) => new QuotaExceededError(`You have started ${used} videos in the last 24 hours; the limit is ${limit}. Try again tomorrow.`, { used, limit }),
    });
  }
  if (config.maxJobsPerDayTotal > 0) {
    const limit = config.maxJobsPerDayTotal;
    quotas.push({
      userId: null,
      limit,
      recheckFrom: limit - GLOBAL_RECHECK_MARGIN,
      refuse: () =>
        new QuotaExceededError(`The service has reached its limit of ${limit} new videos in 24 hours for all users together. Try again later.`, { limit }, 'service_daily_limit'),
    });
  }
  return quotas;
}

/**
 * Records a `pending_upload` job and signs a PUT for exactly the announced file. Nothing else
 * happens until the photo lands in the bucket and its Object Created event starts the pipeline.
 */
export async function createUpload(deps: CreateUploadDeps, user: SignedInUser, request: UploadRequest): Promise<UploadTicket> {
  const now = deps.now?.() ?? new Date();
  const since = new Date(now.getTime() - 24 * 3600 * 1000);
  const quotas = dailyQuotas(user, deps.config);
  const recheck: DailyQuota[] = [];
  for (const quota of quotas) {
    const fetch = () => deps.jobs.countCreatedSince(quota.userId, since);
    const used = quota.userId === null && deps.serviceCount ? await deps.serviceCount.count(now.getTime(), quota.recheckFrom, fetch) : await fetch();
    if (used >= quota.limit) throw quota.refuse(used);
    if (used >= quota.recheckFrom) recheck.push(quota);
  }
  const jobId = deps.newId?.() ?? randomUUID();
  const key = imageKey(user.userId, jobId, IMAGE_EXTENSIONS[request.contentType]);
  const options = resolveJobOptions(request.options, deps.config.jobDefaults);
  await deps.jobs.createIfAbsent({ id: jobId, user_id: user.userId, status: 'pending_upload', options, origin: 'upload', source_key: key });
  // The count and the insert are separate requests: a burst of uploads can all pass the count.
  // Decided again with our row in: the window's first `limit` jobs keep their place.
  for (const quota of recheck) {
    const first = await deps.jobs.listCreatedSince(quota.userId, since, quota.limit);
    if (!first.includes(jobId)) {
      await deps.jobs.deletePending(jobId);
      throw quota.refuse(Math.max(quota.limit, first.length));
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
