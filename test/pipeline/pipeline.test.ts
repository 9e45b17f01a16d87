import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import type { GeneratedVideo } from '../../shared/domain/video-job';
import { signInUser, startTestStack, uploadPhoto, waitForJobEnd } from '../helpers/local-stack';

let stack: LocalStack;
let photo: Buffer;

beforeAll(async () => {
  ({ stack } = await startTestStack());
  photo = await readFile('remotion/public/sample/villa-small.jpg');
});
afterAll(async () => {
  await stack?.stop();
});

/**
 * One job through everything real: the browser's presigned PUT to S3, the Object Created event, the
 * LTX stand-in, a real Remotion render (at test size), the row over Realtime, the media route. What
 * the steps decide (dropped photos, duplicates, bad photos, large photos, retries) is tested in
 * process (test/shared/pipeline/); faults and duplicates across the stack in test/faults/.
 */
describe('the pipeline on the local stack', () => {
  it('turns a presigned upload into a generated_videos row heard over Realtime', async () => {
    const user = await signInUser(stack);
    const heard: GeneratedVideo[] = [];
    const statuses: string[] = [];
    const subscribed = new Promise<void>((resolve) => {
      user.client
        .channel('videos')
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'generated_videos' }, (p) => heard.push(p.new as GeneratedVideo))
        .on('postgres_changes', { event: 'UPDATE', schema: 'public', table: 'video_jobs' }, (p) => statuses.push((p.new as { status: string }).status))
        .subscribe((status) => status === 'SUBSCRIBED' && resolve());
    });
    await subscribed;

    const { jobId } = await uploadPhoto(stack, user.accessToken, photo, { title: 'Villa Été', subtitle: 'Bali', cameraMotion: 'jib_up', musicFile: 'ocean-breeze.mp3' });
    const job = await waitForJobEnd(stack, jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('completed');
    await expect.poll(() => heard.length, { timeout: 10_000 }).toBe(1);

    const row = heard[0]!;
    expect(row).toMatchObject({
      id: jobId,
      user_id: user.userId,
      title: 'Villa Été',
      subtitle: 'Bali',
      resolution: '320x180',
      music_file: 'ocean-breeze.mp3',
      status: 'completed',
      duration_seconds: 6,
      filename: `${jobId}.mp4`,
    });
    expect(row.file_size_mb).toBeGreaterThan(0);
    expect(row.generation_time_seconds).toBeGreaterThan(0);
    expect(row.camera_prompt.length).toBeGreaterThan(0);
    // The row is written before the job completes (a format's row as soon as its render ends): the
    // completion's UPDATE may be heard a moment after the INSERT.
    await expect.poll(() => statuses, { timeout: 10_000 }).toEqual(expect.arrayContaining(['generating', 'rendering', 'completed']));
    // The stored URLs serve the deliverables.
    const video = await fetch(row.video_url);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    const bytes = new Uint8Array(await video.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('ftyp');
    expect(Math.abs(bytes.length / 1048576 - Number(row.file_size_mb))).toBeLessThan(0.01);
    const poster = await fetch(row.thumbnail_url);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    await user.client.removeAllChannels();
  });
});
