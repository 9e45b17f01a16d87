import type { VideoJob } from '../shared/domain/video-job';
import type { FormatFailure, FormatVideo } from '../web/client/job-outputs';
import { describeJobCost, formatUsd, jobCostUsd } from '../shared/domain/job-cost';
import { JobNotFoundError, replayJob } from '../shared/pipeline/replay-job';
import { JobStateError } from '../shared/domain/errors';
import type { CliContext } from './cli-context';
import { dropPhotos, prepareDrops, type DropOptions } from './drop-photos';
import { EXIT } from './exit-codes';
import { followJobs, type JobOutcome } from './follow-jobs';
import { countByStatus, jobWithVideos, recentJobs } from './job-queries';
import { ProgressDisplay } from './progress-display';
import { listDeadLetters, redriveDeadLetters } from './dead-letters';
import { ValidationError } from '../shared/domain/errors';

export interface CommandOptions {
  json: boolean;
  wait: boolean;
  timeoutMs: number;
  limit: number;
  status: string | undefined;
  drop: DropOptions;
  /** `dlq`: which queue's dead letters (ltx by default), and whether to redrive them all. */
  queue: string | undefined;
  all: boolean;
}

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);
const printJson = (value: unknown) => out(JSON.stringify(value, null, 2));

/** Runs one command; returns the exit code. */
export async function runCommand(ctx: CliContext, command: string, args: string[], opts: CommandOptions): Promise<number> {
  switch (command) {
    case 'drop':
      return drop(ctx, args, opts);
    case 'status':
      return args[0] ? statusOf(ctx, args[0], opts) : summary(ctx, opts);
    case 'watch':
      return follow(ctx, [{ jobId: args[0]!, label: args[0]!.slice(0, 8) }], opts, (outcomes) => outcomes[0]);
    case 'list':
      return list(ctx, opts);
    case 'replay':
      return replay(ctx, args[0]!, opts);
    case 'dlq':
      return deadLetters(ctx, args, opts);
    default:
      throw new Error(`unknown command ${command}`);
  }
}

async function drop(ctx: CliContext, files: string[], opts: CommandOptions): Promise<number> {
  const prepared = await prepareDrops(files, opts.drop, ctx.config);
  const dropped = await dropPhotos(ctx.clients.store, prepared);
  if (!opts.json) for (const d of dropped) err(`dropped ${d.file} → s3://${ctx.config.bucket}/${d.key}  job ${d.jobId}`);
  if (!opts.wait) {
    if (opts.json) printJson(dropped);
    return EXIT.ok;
  }
  const labels = new Map(dropped.map((d) => [d.jobId, d]));
  return follow(
    ctx,
    dropped.map((d) => ({ jobId: d.jobId, label: d.file.slice(-40) })),
    opts,
    (outcomes) => outcomes.map((o) => ({ file: labels.get(o.jobId)!.file, key: labels.get(o.jobId)!.key, ...o })),
  );
}

/** Waits for the jobs, prints the outcome (JSON, or a line per job), and turns it into an exit code. */
async function follow(ctx: CliContext, jobs: Array<{ jobId: string; label: string }>, opts: CommandOptions, shape: (o: JobOutcome[]) => unknown): Promise<number> {
  const display = new ProgressDisplay(process.stderr, true);
  const outcomes = await followJobs(ctx.realtime, jobs, display, opts.timeoutMs);
  for (const o of outcomes) {
    if (o.status === 'failed') err(`job ${o.jobId} failed: ${o.error}`);
    if (o.status === 'timed_out') err(`job ${o.jobId}: ${o.error}`);
    for (const f of o.failures) err(`job ${o.jobId}: no ${f.format} video: ${f.reason}`);
  }
  if (opts.json) printJson(shape(outcomes));
  // One URL a line, in the canonical format order: what a script reads (a one-format job prints one, as before).
  else for (const o of outcomes) for (const v of o.videos) out(v.video_url);
  // A job that made only some of its formats did not do what was asked: it counts as failed here.
  if (outcomes.some((o) => o.status === 'failed' || o.failures.length > 0)) return EXIT.jobFailed;
  if (outcomes.some((o) => o.status === 'timed_out')) return EXIT.unavailable;
  return EXIT.ok;
}

async function statusOf(ctx: CliContext, jobId: string, opts: CommandOptions): Promise<number> {
  const { job, videos, failures } = await jobWithVideos(ctx.clients.supabase, jobId);
  // cost_usd: the total of the row's ltx_cost_usd and render_cost_usd, so a script need not add them.
  // video: the first format's row (what a one-format job always printed); videos: one per format.
  if (opts.json) printJson({ job, video: videos[0] ?? null, videos, failures, cost_usd: job && jobCostUsd(job) });
  if (!job) {
    err(`No job ${jobId} was found in ${ctx.describeTarget}.`);
    return EXIT.usage;
  }
  if (!opts.json) out(describeJob(job, videos, failures));
  if (job.status === 'failed') {
    if (opts.json) err(`job ${jobId} failed: ${job.error}`);
    return EXIT.jobFailed;
  }
  return EXIT.ok;
}

async function summary(ctx: CliContext, opts: CommandOptions): Promise<number> {
  const jobs = await recentJobs(ctx.clients.supabase, { limit: 1000 });
  const counts = countByStatus(jobs);
  if (opts.json) printJson({ target: ctx.describeTarget, recentJobs: jobs.length, counts });
  else {
    out(`${ctx.describeTarget}: ${jobs.length} recent jobs`);
    for (const [status, n] of Object.entries(counts)) out(`  ${status.padEnd(15)} ${n}`);
  }
  return EXIT.ok;
}

async function list(ctx: CliContext, opts: CommandOptions): Promise<number> {
  const jobs = await recentJobs(ctx.clients.supabase, { status: opts.status, limit: opts.limit });
  if (opts.json) {
    printJson(jobs.map((j) => ({ ...j, cost_usd: jobCostUsd(j) })));
    return EXIT.ok;
  }
  if (jobs.length === 0) out(opts.status ? `No ${opts.status} jobs.` : 'No jobs yet.');
  for (const j of jobs) {
    const when = j.created_at.slice(0, 19).replace('T', ' ');
    out(`${when}  ${j.id}  ${j.status.padEnd(14)} ${String(j.progress).padStart(3)}%  ${formatUsd(jobCostUsd(j)).padStart(8)}  ${describeFormats(j).padEnd(17)}  ${j.options.title}${j.error ? `  — ${j.error}` : ''}`);
  }
  return EXIT.ok;
}

async function replay(ctx: CliContext, jobId: string, opts: CommandOptions): Promise<number> {
  const deps = { jobs: ctx.clients.jobs, store: ctx.clients.store, events: ctx.clients.events, logger: ctx.logger };
  try {
    await replayJob(deps, jobId, { requestedBy: 'operator:cli' });
  } catch (e) {
    if (e instanceof JobNotFoundError || e instanceof JobStateError) {
      err(e.message);
      return EXIT.usage;
    }
    throw e;
  }
  if (!opts.json) err(`job ${jobId} queued again from its photo`);
  if (!opts.wait) {
    if (opts.json) printJson({ jobId, status: 'queued' });
    return EXIT.ok;
  }
  return follow(ctx, [{ jobId, label: jobId.slice(0, 8) }], opts, (outcomes) => outcomes[0]);
}

function deadLetterQueueUrl(ctx: CliContext, queue: string): string {
  const url = queue === 'ltx' ? ctx.config.queues.ltxDeadLetterUrl : queue === 'render' ? ctx.config.queues.renderDeadLetterUrl : undefined;
  if (queue !== 'ltx' && queue !== 'render') throw new ValidationError('queue', `--queue must be ltx or render, got ${JSON.stringify(queue)}`);
  const variable = queue === 'ltx' ? 'LTX_DEAD_LETTER_QUEUE_URL' : 'RENDER_DEAD_LETTER_QUEUE_URL';
  if (!url) throw new ValidationError('queue', `${ctx.describeTarget} names no ${queue} dead-letter queue: set ${variable} (terraform output ${variable.toLowerCase()})`);
  return url;
}

/** `dlq list` and `dlq redrive [--all | <messageId>]`: the events the pipeline gave up on. */
async function deadLetters(ctx: CliContext, args: string[], opts: CommandOptions): Promise<number> {
  const [action, messageId] = args;
  const queue = opts.queue ?? 'ltx';
  const url = deadLetterQueueUrl(ctx, queue);
  if (action === 'list') {
    const letters = await listDeadLetters(ctx.sqs(), url, opts.limit);
    if (opts.json) printJson(letters);
    else if (letters.length === 0) out(`No dead letters in the ${queue} queue.`);
    else for (const l of letters) out(`${l.messageId}  ${l.sentAt ?? '—'}  ${l.key ?? l.body.slice(0, 80)}`);
    return EXIT.ok;
  }
  if (action === 'redrive') {
    if (queue !== 'ltx') {
      err('Only the ltx queue is redriven: a failed render goes back through `video-pipeline replay <jobId>`.');
      return EXIT.usage;
    }
    if (!opts.all && !messageId) {
      err('dlq redrive needs --all or a message id (from `dlq list`).');
      return EXIT.usage;
    }
    const sourceQueueUrl = ctx.config.queues.ltxUrl;
    if (!sourceQueueUrl) throw new ValidationError('queue', `${ctx.describeTarget} names no ltx queue: set LTX_QUEUE_URL (terraform output ltx_queue_url)`);
    const moved = await redriveDeadLetters(ctx.sqs(), { deadLetterQueueUrl: url, sourceQueueUrl }, opts.all ? { all: true } : { messageId: messageId! });
    if (opts.json) printJson({ redriven: moved });
    else err(moved.length === 0 ? 'Nothing was redriven.' : `Redrove ${moved.length} message(s) to the ltx queue: ${moved.join(', ')}`);
    return !opts.all && moved.length === 0 ? EXIT.usage : EXIT.ok;
  }
  err(`dlq needs list or redrive, got ${JSON.stringify(action ?? null)}`);
  return EXIT.usage;
}

/** `16:9 9:16 4:5✗`: the formats a job asked for, a completed job's failed ones (named in its error) marked. */
function describeFormats(job: VideoJob): string {
  const failed = (f: string) => job.status === 'completed' && Boolean(job.error?.includes(`The ${f} video`));
  return job.options.formats.map((f) => (failed(f) ? `${f}✗` : f)).join(' ');
}

function describeJob(job: VideoJob, videos: FormatVideo[], failures: FormatFailure[]): string {
  const lines = [
    `job       ${job.id}`,
    `status    ${job.status} (${job.progress}%)`,
    `title     ${job.options.title}`,
    `formats   ${job.options.formats.join(', ')}`,
    `photo     ${job.source_key ?? '—'}`,
    `created   ${job.created_at}`,
    `updated   ${job.updated_at}`,
    `cost      ${describeJobCost(job)}`,
  ];
  if (job.error) lines.push(`${job.status === 'failed' ? 'reason' : 'note'}    ${job.error}`);
  for (const v of videos) {
    const format = (v.format ?? '?').padEnd(5);
    lines.push(`video     ${format} ${v.video_url}  (${v.resolution}, ${v.duration_seconds} s, ${v.file_size_mb.toFixed(1)} MB)`, `poster    ${format} ${v.thumbnail_url}`);
  }
  for (const f of failures) lines.push(`missing   ${f.format.padEnd(5)} ${f.reason}`);
  return lines.join('\n');
}
