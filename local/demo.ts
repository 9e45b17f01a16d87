import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createSupabaseClient } from '../shared/create-supabase-client';
import { loadLocalStackSettings } from '../shared/config';
import type { GeneratedVideo, VideoJob } from '../shared/job-store';
import { createLogger } from '../shared/logger';
import { prettyLogSink } from './pretty-log-sink';
import { startLocalStack, type LocalStack } from './stack';

/**
 * `npm run demo`: one sample photo through the pipeline, as the web app would send it (anonymous
 * sign-in, POST /uploads, presigned PUT, Realtime), on the running stack or on one it starts.
 * Progress goes to stderr; the last line on stdout is `{jobId, videoUrl, thumbnailUrl, row}`.
 */
const SAMPLE = resolve('remotion/public/sample/villa.jpg');
const settings = loadLocalStackSettings();
const say = (line: string) => process.stderr.write(`${line}\n`);

interface StackInfo {
  supabaseUrl: string;
  supabaseAnonKey: string;
  uploadsUrl: string;
  webUrl: string;
}

async function runningStack(): Promise<StackInfo | null> {
  try {
    const info = JSON.parse(await readFile(resolve(settings.dataDir, 'stack.json'), 'utf8')) as StackInfo;
    const res = await fetch(`${info.webUrl}/config.json`, { signal: AbortSignal.timeout(1500) });
    return res.ok ? info : null;
  } catch {
    return null;
  }
}

let started: LocalStack | undefined;
let info = await runningStack();
if (info) {
  say(`Using the running stack at ${info.webUrl}`);
} else {
  say('Starting the local stack (first start takes a little longer)…');
  started = await startLocalStack({
    dataDir: resolve(settings.dataDir),
    realLtx: settings.realLtx,
    env: settings.env,
    staticDir: resolve('web/public'),
    logger: createLogger({}, prettyLogSink(settings.verbose)),
  });
  info = started.info;
}

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
try {
  const supabase = createSupabaseClient(info.supabaseUrl, info.supabaseAnonKey);
  const { data: auth, error: authError } = await supabase.auth.signInAnonymously();
  if (authError || !auth.session) throw new Error(`anonymous sign-in failed: ${authError?.message}`);
  const photo = await readFile(SAMPLE);
  const ask = await fetch(info.uploadsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${auth.session.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      filename: 'villa.jpg',
      contentType: 'image/jpeg',
      size: photo.length,
      title: 'Villa Serena',
      subtitle: 'Your private sanctuary by the sea',
      cameraMotion: 'dolly_in',
      duration: 6,
      musicFile: 'golden-hour.mp3',
    }),
  });
  const ticket = (await ask.json()) as { jobId: string; uploadUrl: string; headers: Record<string, string>; error?: { message: string } };
  if (!ask.ok) throw new Error(`POST /uploads answered ${ask.status}: ${ticket.error?.message}`);
  say(`${elapsed()}  job ${ticket.jobId} created; uploading ${photo.length} bytes`);

  const stageStarted = new Map<string, number>([['pending_upload', Date.now()]]);
  let last = '';
  let poll: NodeJS.Timeout | undefined;
  const finished = new Promise<GeneratedVideo>((resolveDone, rejectDone) => {
    const onJob = (job: Pick<VideoJob, 'status' | 'progress' | 'error'>) => {
      if (!stageStarted.has(job.status)) stageStarted.set(job.status, Date.now());
      const line = `${job.status} ${job.progress}%`;
      if (line !== last) say(`${elapsed()}  ${line}`);
      last = line;
      if (job.status === 'failed') rejectDone(new Error(`the job failed: ${job.error}`));
    };
    supabase
      .channel(`demo-${ticket.jobId}`)
      .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'video_jobs', filter: `id=eq.${ticket.jobId}` }, (p) => onJob(p.new as VideoJob))
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'generated_videos', filter: `id=eq.${ticket.jobId}` }, (p) =>
        resolveDone(p.new as GeneratedVideo),
      )
      .subscribe();
    // Realtime is the fast path; reading the row now and then makes sure the end is never missed.
    poll = setInterval(async () => {
      const { data } = await supabase.from('video_jobs').select('status, progress, error').eq('id', ticket.jobId).maybeSingle();
      if (data) onJob(data as VideoJob);
      if (data?.status === 'completed') {
        const { data: row } = await supabase.from('generated_videos').select('*').eq('id', ticket.jobId).maybeSingle();
        if (row) resolveDone(row as GeneratedVideo);
      }
    }, 5000);
    poll.unref();
  });
  // Subscribe first, then upload: the pipeline starts the moment the photo lands.
  await new Promise((r) => setTimeout(r, 300));
  const put = await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: photo });
  if (!put.ok) throw new Error(`the presigned PUT answered ${put.status}: ${await put.text()}`);
  say(`${elapsed()}  photo uploaded`);

  const row = await finished.finally(() => clearInterval(poll));
  stageStarted.set('completed', Date.now());
  const stages = ['pending_upload', 'queued', 'generating', 'rendering', 'completed'].filter((s) => stageStarted.has(s));
  say('');
  say('stage timings:');
  for (let i = 0; i < stages.length - 1; i++) {
    say(`  ${stages[i]!.padEnd(15)} ${((stageStarted.get(stages[i + 1]!)! - stageStarted.get(stages[i]!)!) / 1000).toFixed(1)} s`);
  }
  say(`  total           ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  say(`video: ${row.video_url}`);
  await supabase.removeAllChannels();
  process.stdout.write(`${JSON.stringify({ jobId: ticket.jobId, videoUrl: row.video_url, thumbnailUrl: row.thumbnail_url, row })}\n`);
} catch (err) {
  say(`demo failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await started?.stop();
}
process.exit(process.exitCode ?? 0);
