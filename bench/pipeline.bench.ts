/**
 * `npm run bench`: the pipeline's figures on this machine, side by side in one run. Not a test:
 * prints a short table and writes everything to `.local/bench.json`.
 *
 * 1. One 6 s 1920x1080 job end to end (POST /uploads, PUT, LTX stand-in at full size, Remotion at
 *    1080p), per stage as heard over Realtime, with the LTX generation and the render timed inside
 *    (wrapped generator and renderer): the rest is the pipeline's own overhead.
 * 2. The render settings side by side on that job's clip (bench/render/compare-settings.ts): the
 *    product's (shared/domain/render-settings.ts, @remotion/media <Video>) against today's before the
 *    render-speed work (<OffthreadVideo>, Remotion's defaults) and against plain FFmpeg making the same
 *    video (Debian's ffmpeg, installed by the bench when missing), with SSIM/PSNR of the two renders;
 *    the product's `renderMedia` against the pipeline's render; the expected Remotion Lambda time and
 *    cost of every length and frame rate (shared/domain/lambda-render-plan.ts).
 * 3. S3 PUT start -> handler start (an extra rule on the stack's bus, same path as the real handlers).
 * 4. Database INSERT -> Realtime callback (bench/realtime.bench.ts, one subscriber and 50).
 * 5. POST /uploads with 50 concurrent clients.
 * 6. A burst of 20 small jobs (320x180): wall time against the sum of their stage times.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { bundleTemplate, LocalRemotionRenderer } from '../remotion/render-local';
import { durationInFramesFor } from '../shared/domain/video-template-timeline';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../local/stack';
import { FREE_PORTS } from '../local/local-ports';
import { createSupabaseClient } from '../shared/adapters/supabase/create-supabase-client';
import { silentLogger } from '../shared/adapters/silent-logger';
import { type Renderer } from '../shared/ports/renderer';
import type { VideoGenerator } from '../shared/ports/video-generator';
import { runRealtimeBench } from './realtime.bench';
import { compareRenderSettings, type SettingsComparison } from './render/compare-settings';
import { lambdaEstimates } from './render/lambda-estimates';
import { ensureSystemFfmpeg, systemFfmpegVersion } from './render/system-ffmpeg';
import { describeJobCost, formatUsd, jobCostUsd } from '../shared/domain/job-cost';

const PHOTO = 'remotion/public/sample/villa.jpg';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const r1 = (n: number) => Math.round(n * 10) / 10;

interface Timed {
  ltx: Map<string, number>;
  render: Map<string, number>;
}

/** A stack whose LTX generations and renders are timed per job. */
async function timedStack(overrides: Partial<LocalStackOptions>): Promise<{ stack: LocalStack; timed: Timed; close: () => Promise<void> }> {
  const timed: Timed = { ltx: new Map(), render: new Map() };
  let remotion: LocalRemotionRenderer | undefined;
  let ltxSeq = 0;
  const stack = await startLocalStack({
    dataDir: null,
    ports: FREE_PORTS,
    logger: silentLogger,
    env: { MAX_JOBS_PER_DAY: '0' },
    // 50 users sign in from 127.0.0.1 at once: past GoTrue's 30 anonymous sign-ins an hour per IP.
    authRateLimits: { anonymousUsers: 1000 },
    wrapGenerator: (inner): VideoGenerator => ({
      generate: async (input) => {
        const t = performance.now();
        const clip = await inner.generate(input);
        // The generator knows no job id: the prompt's title is unique per bench job.
        timed.ltx.set(`${input.options.title}#${ltxSeq++}`, performance.now() - t);
        return clip;
      },
    }),
    renderer: ({ store }): Renderer => {
      remotion = new LocalRemotionRenderer({ store });
      return {
        render: async (request) => {
          const t = performance.now();
          const result = await remotion!.render(request);
          timed.render.set(request.jobId, performance.now() - t);
          return result;
        },
      };
    },
    ...overrides,
  });
  return { stack, timed, close: async () => { await stack.stop(); await remotion?.close(); } };
}

function ltxMsFor(timed: Timed, title: string): number {
  let total = 0;
  for (const [k, v] of timed.ltx) if (k.startsWith(`${title}#`)) total += v;
  return total;
}

async function signIn(stack: LocalStack) {
  const client = createSupabaseClient(stack.info.supabaseUrl, stack.info.supabaseAnonKey);
  const { data, error } = await client.auth.signInAnonymously();
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  return { client, token: data.session.access_token };
}

/** Uploads like the web app and follows the job over Realtime; returns when each status was heard. */
async function runJob(stack: LocalStack, user: Awaited<ReturnType<typeof signIn>>, photo: Buffer, title: string, options: Record<string, unknown> = {}) {
  const marks: Record<string, number> = {};
  const t0 = performance.now();
  const res = await fetch(stack.info.uploadsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: photo.length, title, ...options }),
  });
  const ticket = (await res.json()) as { jobId: string; uploadUrl: string; headers: Record<string, string> };
  if (res.status !== 201) throw new Error(`POST /uploads answered ${res.status}`);
  marks.ticket = performance.now() - t0;
  const done = new Promise<void>((resolveDone, reject) => {
    const channel = user.client.channel(`job-${ticket.jobId}`);
    channel
      .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'video_jobs', filter: `id=eq.${ticket.jobId}` }, (p) => {
        const status = (p.new as { status: string }).status;
        marks[status] ??= performance.now() - t0;
        if (status === 'completed') void channel.unsubscribe().then(() => resolveDone());
        if (status === 'failed') reject(new Error(`job ${ticket.jobId} failed: ${(p.new as { error: string }).error}`));
      })
      .subscribe();
  });
  // Subscribed before the photo lands, as the web app does.
  await new Promise((r) => setTimeout(r, 200));
  const tPut = performance.now();
  const put = await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: new Uint8Array(photo) });
  if (!put.ok) throw new Error(`PUT answered ${put.status}`);
  marks.uploaded = performance.now() - t0;
  await done;
  return { jobId: ticket.jobId, marks, fromPutMs: performance.now() - tPut };
}

async function benchFullJob(photo: Buffer) {
  const { stack, timed, close } = await timedStack({});
  try {
    await bundleTemplate();
    const user = await signIn(stack);
    const { jobId, marks, fromPutMs } = await runJob(stack, user, photo, 'Villa Serena 1080p', { duration: 6 });
    const ltxMs = ltxMsFor(timed, 'Villa Serena 1080p');
    const renderMs = timed.render.get(jobId)!;
      const totalMs = marks.ticket! + fromPutMs;
    const overheadMs = totalMs - ltxMs - renderMs;
    const job = (await stack.clients.jobs.get(jobId))!;
    const video = await stack.clients.store.head(job.video_key!);
    // The render settings side by side on this job's clip, props and size (and the product's renderMedia against the pipeline's render).
    const outDir = resolve('.local/bench-render-full');
    await mkdir(outDir, { recursive: true });
    const clipUrl = await stack.clients.store.presignGet(job.ltx_key!, 3600);
    const clipFile = join(outDir, 'clip.mp4');
    await writeFile(clipFile, new Uint8Array(await (await fetch(clipUrl)).arrayBuffer()));
    const settings = await compareRenderSettings({
      ffmpeg,
      clipFile,
      clipUrl,
      width: 1920,
      height: 1080,
      fps: job.options.fps,
      seconds: job.options.duration,
      outDir,
      title: job.options.title,
      subtitle: job.options.subtitle,
      musicFile: job.options.musicFile,
      log: (line) => console.log(`  ${line}`),
    });
    const frames = durationInFramesFor(job.options.duration, job.options.fps);
    return {
      jobId,
      stagesMs: {
        postUploads: r1(marks.ticket!),
        putToGenerating: r1(marks.generating! - marks.uploaded!),
        generating: r1(marks.rendering! - marks.generating!),
        rendering: r1(marks.completed! - marks.rendering!),
      },
      totalMs: r1(totalMs),
      ltxGenerationMs: r1(ltxMs),
      remotionRenderMs: r1(renderMs),
      overheadMs: r1(overheadMs),
      overheadShare: Number((overheadMs / totalMs).toFixed(4)),
      videoBytes: video?.size,
      /** What the job recorded on video_jobs: LTX at the configured price (the stand-in is free), the render as reported (locally $0). */
      cost: { ltxUsd: job.ltx_cost_usd, renderUsd: job.render_cost_usd, totalUsd: jobCostUsd(job), text: describeJobCost(job) },
      render: {
        frames,
        pipelineFps: r1(frames / (renderMs / 1000)),
        renderMediaFps: r1(settings.chosen.fps),
        renderMediaMs: r1(settings.chosen.seconds * 1000),
        pipelineVsRenderMedia: Number((renderMs / (settings.chosen.seconds * 1000)).toFixed(3)),
      },
      settings,
    };
  } finally {
    await close();
  }
}

async function benchMicro(photo: Buffer) {
  const { stack, close } = await timedStack({ renderScale: 1 / 6, ltxClipSize: { width: 320, height: 180 } });
  try {
    // S3 PUT start -> handler start, through the same bridge and bus as the pipeline's rules.
    const started = new Map<string, number>();
    stack.bus.addRule({
      name: 'bench-probe',
      pattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [stack.info.bucket] }, object: { key: [{ prefix: 'bench-probe/' }] } } },
      target: { name: 'bench-probe', maxConcurrency: 10, invoke: async (event) => void started.set((event as { detail: { object: { key: string } } }).detail.object.key, performance.now()) },
    });
    const s3Latencies: number[] = [];
    for (let i = 0; i < 60; i++) {
      const key = `bench-probe/${i}.jpg`;
      const t = performance.now();
      await stack.clients.s3.send(new PutObjectCommand({ Bucket: stack.info.bucket, Key: key, Body: photo.subarray(0, 20_000), ContentType: 'image/jpeg' }));
      while (!started.has(key)) await new Promise((r) => setTimeout(r, 1));
      s3Latencies.push(started.get(key)! - t);
    }

    // POST /uploads, 50 concurrent clients, 10 requests each.
    const users = await Promise.all(Array.from({ length: 50 }, () => signIn(stack)));
    const uploadLatencies: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      users.map(async (user) => {
        for (let i = 0; i < 10; i++) {
          const t = performance.now();
          const res = await fetch(stack.info.uploadsUrl, { method: 'POST', headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ filename: 'v.jpg', contentType: 'image/jpeg', size: 2048 }) });
          await res.arrayBuffer();
          if (res.status !== 201) throw new Error(`POST /uploads answered ${res.status}`);
          uploadLatencies.push(performance.now() - t);
        }
      }),
    );
    const uploadsWallMs = performance.now() - t0;
    return {
      s3ToHandler: { samples: s3Latencies.length, p50Ms: r1(percentile(s3Latencies, 50)), p95Ms: r1(percentile(s3Latencies, 95)) },
      postUploads50: { requests: uploadLatencies.length, p50Ms: r1(percentile(uploadLatencies, 50)), p95Ms: r1(percentile(uploadLatencies, 95)), perSecond: r1(uploadLatencies.length / (uploadsWallMs / 1000)) },
    };
  } finally {
    await close();
  }
}

async function benchBurst(photo: Buffer) {
  const { stack, timed, close } = await timedStack({ renderScale: 1 / 6, ltxClipSize: { width: 320, height: 180 } });
  try {
    await bundleTemplate();
    const user = await signIn(stack);
    // One warm-up job: browser start and first-render costs are not the burst's.
    await runJob(stack, user, photo, 'warm-up');
    const t0 = performance.now();
    const jobs = await Promise.all(Array.from({ length: 20 }, (_, i) => runJob(stack, user, photo, `burst ${i}`)));
    const wallMs = performance.now() - t0;
    let ltxSum = 0;
    let renderSum = 0;
    let costUsd = 0;
    for (let i = 0; i < jobs.length; i++) {
      ltxSum += ltxMsFor(timed, `burst ${i}`);
      renderSum += timed.render.get(jobs[i]!.jobId) ?? 0;
      costUsd += jobCostUsd((await stack.clients.jobs.get(jobs[i]!.jobId))!) ?? 0;
    }
    return {
      jobs: jobs.length,
      wallMs: r1(wallMs),
      sumLtxMs: r1(ltxSum),
      sumRenderMs: r1(renderSum),
      sumStagesMs: r1(ltxSum + renderSum),
      /** Sum of stage times over wall time: how many stages ran at once on average. */
      parallelism: Number(((ltxSum + renderSum) / wallMs).toFixed(2)),
      renderBusyShare: Number((renderSum / wallMs).toFixed(3)),
      /** The 20 jobs' recorded costs added up (video_jobs). */
      recordedCostUsd: Number(costUsd.toFixed(4)),
    };
  } finally {
    await close();
  }
}

/** The figures: `render` in .local/bench.json, beside the others. */
function renderSummary(settings: SettingsComparison) {
  const cpuPerFrame = settings.chosen.cpuSeconds === null ? NaN : settings.chosen.cpuSeconds / settings.frames;
  return {
    seconds: r1(settings.chosen.seconds),
    fps: Number(settings.chosen.fps.toFixed(2)),
    ffmpegReferenceSeconds: r1(settings.ffmpegReferenceSeconds),
    ratioToFfmpeg: Number(settings.ratioToFfmpeg.toFixed(2)),
    ssim: Number(settings.picture.ssim.toFixed(5)),
    minSsim: Number(settings.picture.minSsim.toFixed(5)),
    psnr: Number(settings.picture.psnr.toFixed(2)),
    ffmpegReferenceCpuSeconds: settings.ffmpegReferenceCpuSeconds === null ? null : r1(settings.ffmpegReferenceCpuSeconds),
    cpuSeconds: settings.chosen.cpuSeconds === null ? null : r1(settings.chosen.cpuSeconds),
    cpuRatioToFfmpeg: settings.cpuRatioToFfmpeg === null ? null : Number(settings.cpuRatioToFfmpeg.toFixed(2)),
    today: {
      seconds: r1(settings.today.seconds),
      fps: Number(settings.today.fps.toFixed(2)),
      ratioToFfmpeg: Number(settings.todayRatioToFfmpeg.toFixed(2)),
      cpuSeconds: settings.today.cpuSeconds === null ? null : r1(settings.today.cpuSeconds),
      cpuRatioToFfmpeg: settings.todayCpuRatioToFfmpeg === null ? null : Number(settings.todayCpuRatioToFfmpeg.toFixed(2)),
    },
    speedupOverToday: Number(settings.speedup.toFixed(2)),
    cpuSecondsPerFrame: Number(cpuPerFrame.toFixed(3)),
    lambda: lambdaEstimates(cpuPerFrame),
  };
}

const ffmpeg = ensureSystemFfmpeg();
const photo = await readFile(resolve(PHOTO));
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform, ffmpeg: systemFfmpegVersion(ffmpeg) };
const loadAverageAtStart = loadavg().map((l) => r1(l));
console.log(`bench on ${machine.cores} x ${machine.cpu}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.ffmpeg}; load average ${loadAverageAtStart.join(' ')}`);
const full = await benchFullJob(photo);
const render = renderSummary(full.settings);
console.log('1080p job done');
const micro = await benchMicro(photo);
console.log('micro done');
const realtime = await runRealtimeBench();
const burst = await benchBurst(photo);

const realtimeOne = realtime.find((r) => r.subscribers === 1);
const table = [
  { figure: '6 s 1920x1080 job, PUT to completed', value: `${r1(full.totalMs / 1000)} s`, target: '' },
  { figure: '  LTX stand-in generation (inside)', value: `${r1(full.ltxGenerationMs / 1000)} s`, target: '' },
  { figure: '  Remotion render 1080p (inside)', value: `${r1(full.remotionRenderMs / 1000)} s`, target: '' },
  { figure: '  pipeline overhead', value: `${r1(full.overheadMs / 1000)} s (${r1(full.overheadShare * 100)} %)`, target: '< 5 %' },
  { figure: '  recorded cost (video_jobs)', value: full.cost.text, target: '' },
  { figure: '  stages heard over Realtime (ms)', value: JSON.stringify(full.stagesMs), target: '' },
  { figure: 'render fps: pipeline vs renderMedia', value: `${full.render.pipelineFps} vs ${full.render.renderMediaFps} (x${full.render.pipelineVsRenderMedia} time)`, target: 'within 10 %' },
  { figure: '6 s 1080p render, chosen settings', value: `${render.seconds} s, ${render.fps} fps, x${render.ratioToFfmpeg} FFmpeg (${render.ffmpegReferenceSeconds} s)`, target: '<= x5 FFmpeg' },
  { figure: '  in CPU seconds (less load-sensitive)', value: `${render.cpuSeconds} vs FFmpeg ${render.ffmpegReferenceCpuSeconds}: x${render.cpuRatioToFfmpeg}`, target: '' },
  { figure: '  today\'s settings, same run', value: `${render.today.seconds} s, ${render.today.fps} fps, x${render.today.ratioToFfmpeg} FFmpeg (CPU x${render.today.cpuRatioToFfmpeg}); chosen x${render.speedupOverToday} faster`, target: '' },
  { figure: '  chosen vs today, same clip', value: `SSIM ${render.ssim} (worst frame ${render.minSsim}), PSNR ${render.psnr} dB`, target: 'SSIM >= 0.98' },
  { figure: 'S3 PUT start -> handler start', value: `p50 ${micro.s3ToHandler.p50Ms} ms, p95 ${micro.s3ToHandler.p95Ms} ms`, target: 'p95 < 50 ms' },
  { figure: 'INSERT -> Realtime callback (1 sub)', value: `p50 ${r1(realtimeOne?.p50Ms ?? NaN)} ms, p95 ${r1(realtimeOne?.p95Ms ?? NaN)} ms`, target: 'p95 < 50 ms' },
  { figure: 'POST /uploads, 50 concurrent clients', value: `p50 ${micro.postUploads50.p50Ms} ms, p95 ${micro.postUploads50.p95Ms} ms, ${micro.postUploads50.perSecond}/s`, target: '' },
  { figure: 'burst of 20 jobs at 320x180', value: `wall ${r1(burst.wallMs / 1000)} s, stages ${r1(burst.sumStagesMs / 1000)} s, x${burst.parallelism}`, target: '' },
  { figure: '  recorded cost of the 20 jobs', value: formatUsd(burst.recordedCostUsd), target: '' },
];
console.log('\nPipeline benchmark (ratios are within this one run; absolute figures move with the machine\'s load)');
console.table(table);
console.log(`\nRemotion Lambda, expected (shared/domain/lambda-render-plan.ts; ${render.cpuSecondsPerFrame} CPU s per 1080p frame measured here = ${render.lambda.secondsPerFrameMeasured} s on a 3008 MB function)`);
console.table(render.lambda.rows);
await mkdir('.local', { recursive: true });
await writeFile('.local/bench.json', JSON.stringify({ at: new Date().toISOString(), machine, loadAverageAtStart, render, fullJob: full, micro, realtime, burst }, null, 2));
console.log('wrote .local/bench.json');
process.exit(0);
