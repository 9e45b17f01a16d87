import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createSupabaseClient } from '../shared/adapters/supabase/create-supabase-client';
import { VIDEO_FORMAT_SPECS } from '../shared/domain/video-formats';
import { loadLocalStackSettings } from './local-stack-settings';
import type { JobOutputs } from '../web/client/job-outputs';
import { submitPhoto } from '../web/client/submit-photo';
import { watchJob } from '../web/client/watch-job';
import { FORMATS_OPTION_USAGE, formatsArgsOrExit } from './formats-args';
import { runningOrNewStack } from './running-or-new-stack';
import { saveAndProbe } from './save-and-probe';

/**
 * `npm run demo [-- --formats 16:9,9:16,4:5]`: one sample photo through the pipeline, as the web app
 * would send it (anonymous sign-in, POST /uploads with the formats, presigned PUT, Realtime), on the
 * running stack or on one it starts. Progress goes to stderr, then each video (format, saved file
 * under $LOCAL_DATA_DIR/demo/ or --out, URL, size, duration measured by ffprobe); the last line on stdout is
 * `{jobId, videoUrl, thumbnailUrl, row, videos, failures}` (videoUrl/row: the first format's).
 */
const SAMPLE = resolve('remotion/public/sample/villa.jpg');
const settings = loadLocalStackSettings();
const say = (line: string) => process.stderr.write(`${line}\n`);
const DEMO_USAGE = `Usage: npm run demo -- [--formats 16:9,9:16,4:5,1:1]

${FORMATS_OPTION_USAGE}
                   (default: the deployment's DEFAULT_FORMATS, 16:9 unless set)
  --out DIR        where the videos are saved (default: $LOCAL_DATA_DIR/demo)
  --help           this text`;

const options = formatsArgsOrExit(process.argv.slice(2), DEMO_USAGE, say);

const stack = await runningOrNewStack(settings, say);
const info = stack.info;
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
try {
  const supabase = createSupabaseClient(info.supabaseUrl, info.supabaseAnonKey);
  const { data: auth, error: authError } = await supabase.auth.signInAnonymously();
  if (authError || !auth.session) throw new Error(`anonymous sign-in failed: ${authError?.message}`);
  const photo = new Blob([await readFile(SAMPLE)], { type: 'image/jpeg' });
  const stageStarted = new Map<string, number>();
  let last = '';
  let watching: Promise<JobOutputs> | undefined;
  // The same client the web app uses: the server's checks, POST /uploads, the presigned PUT, then
  // Realtime on the job (re-reading its row on every (re)subscription, so the end is never missed).
  const jobId = await submitPhoto(
    { supabase, uploadsUrl: info.uploadsUrl },
    Object.assign(photo, { name: 'villa.jpg' }),
    { title: 'Villa Serena', subtitle: 'Your private sanctuary by the sea', cameraMotion: 'dolly_in', duration: 6, musicFile: 'golden-hour.mp3', formats: options.formats },
    {
      onJobCreated: (id) => {
        stageStarted.set('pending_upload', Date.now());
        say(`${elapsed()}  job ${id} created (${options.formats?.join(', ') ?? "the deployment's default formats"}); uploading ${photo.size} bytes`);
        watching = watchJob(supabase, id, {
          onChange: (job) => {
            if (!stageStarted.has(job.status)) stageStarted.set(job.status, Date.now());
            const line = `${job.status} ${job.progress}%`;
            if (line !== last) say(`${elapsed()}  ${line}`);
            last = line;
          },
        });
        // Awaited below once the upload is done; until then a failure must not count as unhandled.
        watching.catch(() => undefined);
      },
    },
  );
  say(`${elapsed()}  photo uploaded`);
  if (!watching) throw new Error('the upload endpoint created no job');
  const done = await watching;
  stageStarted.set('completed', Date.now());
  const stages = ['pending_upload', 'queued', 'generating', 'rendering', 'completed'].filter((s) => stageStarted.has(s));
  say('');
  say('stage timings:');
  for (let i = 0; i < stages.length - 1; i++) {
    say(`  ${stages[i]!.padEnd(15)} ${((stageStarted.get(stages[i + 1]!)! - stageStarted.get(stages[i]!)!) / 1000).toFixed(1)} s`);
  }
  say(`  total           ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  say('');
  say(`videos (${done.videos.length}):`);
  const saved = [];
  for (const v of done.videos) {
    const slug = v.format ? VIDEO_FORMAT_SPECS[v.format].slug : v.resolution;
    const file = await saveAndProbe(v.video_url, resolve(options.out ?? resolve(settings.dataDir, 'demo')), `${jobId}-${slug}.mp4`);
    saved.push({ format: v.format, url: v.video_url, ...file });
    say(`  ${(v.format ?? '?').padEnd(5)} ${file.width}x${file.height}  ${file.durationSeconds.toFixed(2)} s  ${(file.bytes / 1048576).toFixed(2)} MB${file.hasAudio ? '' : '  (no audio!)'}`);
    say(`        ${file.path}`);
    say(`        ${v.video_url}`);
  }
  for (const f of done.failures) say(`  ${f.format.padEnd(5)} not made: ${f.reason}`);
  await supabase.removeAllChannels();
  process.stdout.write(`${JSON.stringify({ jobId, videoUrl: done.video.video_url, thumbnailUrl: done.video.thumbnail_url, row: done.video, videos: saved, failures: done.failures })}\n`);
  if (done.failures.length > 0) process.exitCode = 1;
} catch (err) {
  say(`demo failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(process.exitCode ?? 0);
