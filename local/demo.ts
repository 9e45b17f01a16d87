import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createSupabaseClient } from '../shared/adapters/supabase/create-supabase-client';
import { loadLocalStackSettings } from './local-stack-settings';
import type { GeneratedVideo } from '../shared/domain/video-job';
import { submitPhoto } from '../web/client/submit-photo';
import { watchJob } from '../web/client/watch-job';
import { createReadableLogger } from '../shared/adapters/readable-logger';
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
    ports: settings.ports,
    staticDir: resolve('web/public'),
    logger: createReadableLogger({ level: settings.verbose ? 'debug' : 'info' }),
  });
  info = started.info;
}

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
try {
  const supabase = createSupabaseClient(info.supabaseUrl, info.supabaseAnonKey);
  const { data: auth, error: authError } = await supabase.auth.signInAnonymously();
  if (authError || !auth.session) throw new Error(`anonymous sign-in failed: ${authError?.message}`);
  const photo = new Blob([await readFile(SAMPLE)], { type: 'image/jpeg' });
  const stageStarted = new Map<string, number>();
  let last = '';
  let watching: Promise<GeneratedVideo> | undefined;
  // The same client the web app uses: the server's checks, POST /uploads, the presigned PUT, then
  // Realtime on the job (re-reading its row on every (re)subscription, so the end is never missed).
  const jobId = await submitPhoto(
    { supabase, uploadsUrl: info.uploadsUrl },
    Object.assign(photo, { name: 'villa.jpg' }),
    { title: 'Villa Serena', subtitle: 'Your private sanctuary by the sea', cameraMotion: 'dolly_in', duration: 6, musicFile: 'golden-hour.mp3' },
    {
      onJobCreated: (id) => {
        stageStarted.set('pending_upload', Date.now());
        say(`${elapsed()}  job ${id} created; uploading ${photo.size} bytes`);
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
  const row = await watching!;
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
  process.stdout.write(`${JSON.stringify({ jobId, videoUrl: row.video_url, thumbnailUrl: row.thumbnail_url, row })}\n`);
} catch (err) {
  say(`demo failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await started?.stop();
}
process.exit(process.exitCode ?? 0);
