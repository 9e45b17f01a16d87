import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, S3Client, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupabaseClient } from '../../shared/adapters/supabase/create-supabase-client';
import type { VideoJob } from '../../shared/domain/video-job';
import type { JobStatus } from '../../shared/domain/job-status';
import { pickPorts, startStackChild, type StackChild, type StackInfo } from './stack-child';

/**
 * "Killing the local stack in the middle of a job and starting it again ends that job completed or
 * failed with a reason, never stuck." The stack runs in a process of its own on a data directory in
 * a temp folder; the test SIGKILLs its whole process group (Node, Chromium, FFmpeg: nothing gets to
 * clean up) while one job is `generating` (its LTX call in flight) and another is `rendering`, then
 * starts it on the same directory and ports and follows both jobs to their end.
 */

let dataDir: string;
let ports: Awaited<ReturnType<typeof pickPorts>>;
let child: StackChild | undefined;
let photo: Buffer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'villa-crash-'));
  ports = await pickPorts();
  photo = await readFile('remotion/public/sample/villa-small.jpg');
});
afterAll(async () => {
  await child?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function service(info: StackInfo): SupabaseClient {
  return createSupabaseClient(info.supabaseUrl, info.supabaseServiceRoleKey);
}

async function readJob(info: StackInfo, jobId: string): Promise<VideoJob | null> {
  const { data, error } = await service(info).from('video_jobs').select('*').eq('id', jobId).maybeSingle();
  if (error) throw new Error(error.message);
  return data as VideoJob | null;
}

async function waitForStatus(running: StackChild, jobId: string, wanted: readonly JobStatus[], timeoutMs: number): Promise<VideoJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await readJob(running.info, jobId);
    if (job && wanted.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is ${job?.status ?? 'missing'}, not ${wanted.join('/')}, after ${timeoutMs} ms\n${running.log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function upload(info: StackInfo): Promise<string> {
  const user = createSupabaseClient(info.supabaseUrl, info.supabaseAnonKey);
  const { data, error } = await user.auth.signInAnonymously();
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  const res = await fetch(info.uploadsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${data.session.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: photo.length }),
  });
  const ticket = (await res.json()) as { jobId: string; uploadUrl: string; headers: Record<string, string> };
  expect(res.status).toBe(201);
  const put = await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: new Uint8Array(photo) });
  expect(put.status).toBe(200);
  return ticket.jobId;
}

async function rowsFor(info: StackInfo, jobId: string): Promise<unknown[]> {
  const { data, error } = await service(info).from('generated_videos').select('id').eq('id', jobId);
  if (error) throw new Error(error.message);
  return data ?? [];
}

async function headObject(info: StackInfo, key: string): Promise<HeadObjectCommandOutput | null> {
  const s3 = new S3Client({ region: info.region, endpoint: info.s3Endpoint, forcePathStyle: true, credentials: { accessKeyId: info.s3AccessKeyId, secretAccessKey: info.s3SecretAccessKey } });
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: info.bucket, Key: key }));
  } catch {
    return null;
  } finally {
    s3.destroy();
  }
}

describe('a local stack killed mid-job and started again', () => {
  it('finishes both the job that was generating and the job that was rendering when the process died', async () => {
    child = await startStackChild({ dataDir, ports });
    // One job gets as far as its render...
    const renderingJob = await upload(child.info);
    const rendering = await waitForStatus(child, renderingJob, ['rendering'], 60_000);
    const clipBefore = await headObject(child.info, rendering.ltx_key!);
    expect(clipBefore?.Metadata?.['ltx-request-id']).toEqual(expect.any(String));
    // ...while another waits on LTX, which now holds its answers for 30 s.
    await child.setLtxFault({ kind: 'hang', ms: 30_000 });
    const generatingJob = await upload(child.info);
    const generating = await waitForStatus(child, generatingJob, ['generating'], 30_000);
    expect(generating.attempts).toBe(1);
    expect((await readJob(child.info, renderingJob))?.status).toBe('rendering');
    await child.crash();

    child = await startStackChild({ dataDir, ports });
    // PGlite's files survived the SIGKILL: both rows are there, as they were left.
    expect((await readJob(child.info, renderingJob))?.status).toEqual(expect.stringMatching(/^(rendering|generating|completed)$/));
    expect(await readJob(child.info, generatingJob)).not.toBeNull();

    const [rendered, generated] = await Promise.all([
      waitForStatus(child, renderingJob, ['completed', 'failed'], 120_000),
      waitForStatus(child, generatingJob, ['completed', 'failed'], 120_000),
    ]);
    expect(rendered).toMatchObject({ status: 'completed', error: null });
    expect(generated).toMatchObject({ status: 'completed', error: null });
    // The start-up sweep took each from its last durable artefact.
    expect(child.log()).toContain('stuck job redriven from its clip');
    expect(child.log()).toContain('stuck job redriven from its photo');
    // The job whose clip was made before the crash was not sent to LTX again: same clip, same request id.
    const clipAfter = await headObject(child.info, rendering.ltx_key!);
    expect(clipAfter?.Metadata?.['ltx-request-id']).toBe(clipBefore?.Metadata?.['ltx-request-id']);
    for (const job of [rendered, generated]) {
      expect(await rowsFor(child.info, job.id)).toHaveLength(1);
      expect(await headObject(child.info, job.video_key!)).not.toBeNull();
    }
  });
});
