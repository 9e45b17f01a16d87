import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { CopyClipRenderer } from '../helpers/copy-clip-renderer';
import { finishWithFormats, renderingJob } from '../web/finish-with-formats';
import { SAMPLE_PHOTO, signedInUser, startTestStack } from '../web/stack-fixture';

let stack: LocalStack;
let dir: string;

/** `npx video-pipeline …` as an operator runs it: the bin shim in a child process, pointed at this stack. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [resolve('bin/video-pipeline.js'), ...args, '--stack', join(dir, 'stack.json')], { timeout: 170_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  // The CLI is under test, not Remotion: the "render" copies the clip (real renders: test/pipeline, test/web/app).
  stack = await startTestStack({ renderer: ({ store }) => new CopyClipRenderer(store) });
  dir = await mkdtemp(join(tmpdir(), 'video-pipeline-cli-'));
  await writeFile(join(dir, 'stack.json'), JSON.stringify(stack.info));
  await copyFile(SAMPLE_PHOTO, join(dir, 'pool-terrace.jpg'));
  await copyFile(resolve('remotion/public/sample/villa.jpg'), join(dir, 'sea-view.jpg'));
  await copyFile(SAMPLE_PHOTO, join(dir, 'garden.jpg'));
  await writeFile(join(dir, 'notes.jpg'), 'not a photo');
});
afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('video-pipeline', () => {
  it('drop --wait --json prints both finished rows and exits 0', async () => {
    const run = await cli('drop', join(dir, 'pool-terrace.jpg'), join(dir, 'sea-view.jpg'), '--title', 'Villa Serena', '--duration', '6', '--wait', '--json');
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<{ key: string; jobId: string; status: string; job: { status: string; origin: string }; video: { id: string; title: string; video_url: string } }>;
    expect(rows.map((r) => r.key)).toEqual(['images/pool-terrace.jpg', 'images/sea-view.jpg']);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'completed', job: { status: 'completed', origin: 'operator' }, video: { id: row.jobId, title: 'Villa Serena' } });
      expect((await fetch(row.video.video_url, { method: 'HEAD' })).status).toBe(200);
    }

    const list = await cli('list', '--status', 'completed', '--json');
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as Array<{ id: string; ltx_cost_usd: number; render_cost_usd: number; cost_usd: number }>;
    expect(listed.map((j) => j.id).sort()).toEqual(rows.map((r) => r.jobId).sort());
    // What each job cost: 6 s of ltx-2-fast at 1080p ($0.04/s), plus what the renderer reported (nothing, locally).
    for (const j of listed) {
      expect(j).toMatchObject({ ltx_cost_usd: 0.24, render_cost_usd: expect.any(Number) });
      expect(j.cost_usd).toBeCloseTo(j.ltx_cost_usd + j.render_cost_usd, 4);
    }
    const listText = await cli('list', '--status', 'completed');
    expect(listText.stdout.split('\n').filter((l) => l.includes('completed') && l.includes('$0.24'))).toHaveLength(2);
    const status = await cli('status', rows[0]!.jobId);
    expect(status.stdout).toMatch(/^cost +\$0\.24\d* \(LTX \$0\.24, render \$\d+\.\d+\)$/m);
    const statusJson = JSON.parse((await cli('status', rows[0]!.jobId, '--json')).stdout) as { cost_usd: number; job: { ltx_cost_usd: number } };
    expect(statusJson).toMatchObject({ cost_usd: expect.any(Number), job: { ltx_cost_usd: 0.24 } });
  }, 240_000);

  it('replay brings a job failed by an LTX refusal back to completed, through the event bus', async () => {
    stack.ltx!.setFault({ kind: 'content_refusal', times: 1 });
    const failed = await cli('drop', join(dir, 'garden.jpg'), '--wait', '--json');
    expect(failed.code).toBe(1);
    const [row] = JSON.parse(failed.stdout) as Array<{ jobId: string; status: string; error: string }>;
    expect(row!.status).toBe('failed');
    expect(failed.stderr).toContain(`job ${row!.jobId} failed: ${row!.error}`);

    const status = await cli('status', row!.jobId, '--json');
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({ job: { id: row!.jobId, status: 'failed', error: row!.error }, video: null });

    const replay = await cli('replay', row!.jobId, '--wait', '--json');
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ jobId: row!.jobId, status: 'completed', job: { status: 'completed', error: null }, video: { id: row!.jobId } });

    const again = await cli('replay', row!.jobId);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`Job ${row!.jobId} is completed; only a failed job can be replayed.`);
  }, 240_000);

  it('refuses a file that is not a photo before uploading anything, and says why', async () => {
    const run = await cli('drop', join(dir, 'notes.jpg'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('notes.jpg: The file is not a JPEG, PNG or WebP image');
    expect(await stack.clients.store.head('images/notes.jpg')).toBeNull();

    const badFormat = await cli('drop', join(dir, 'garden.jpg'), '--formats', '16:9,3:2');
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('--formats: "3:2" is not one of 16:9, 9:16, 4:5, 1:1');
    expect(await stack.clients.store.head('images/garden.jpg')).toMatchObject({ metadata: expect.not.objectContaining({ formats: expect.anything() }) });
  });

  it('drop --formats asks for those videos, in the canonical order, through the photo’s metadata', async () => {
    await copyFile(SAMPLE_PHOTO, join(dir, 'terrace-formats.jpg'));
    const run = await cli('drop', join(dir, 'terrace-formats.jpg'), '--formats', '9:16, 16:9', '--json');
    expect(run.code, run.stderr).toBe(0);
    const [dropped] = JSON.parse(run.stdout) as Array<{ key: string; jobId: string }>;
    expect((await stack.clients.store.head(dropped!.key))?.metadata).toMatchObject({ formats: '16:9,9:16' });
  });

  it('status and list show each format a job made, and the one it did not with why', async () => {
    const { userId } = await signedInUser(stack);
    const job = await renderingJob(stack, userId, ['16:9', '9:16', '4:5'], 'Villa Tall');
    const { ids } = await finishWithFormats(stack, job.id, { made: ['16:9', '9:16'], failed: { '4:5': 'the render timed out twice.' } });

    const status = await cli('status', job.id);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^formats +16:9, 9:16, 4:5$/m);
    expect(status.stdout).toMatch(new RegExp(`^video +16:9 +\\S+/renders/\\S+/${job.id}\\.mp4 +\\(320x180, 6 s, 0\\.4 MB\\)$`, 'm'));
    expect(status.stdout).toMatch(new RegExp(`^video +9:16 +\\S+/${ids[1]}\\.mp4 +\\(180x320, 6 s, 0\\.4 MB\\)$`, 'm'));
    expect(status.stdout).toMatch(/^missing +4:5 +The 4:5 video could not be made: the render timed out twice\.$/m);

    const json = JSON.parse((await cli('status', job.id, '--json')).stdout) as { video: { id: string }; videos: Array<{ id: string; format: string }>; failures: unknown[] };
    expect(json.video.id).toBe(job.id);
    expect(json.videos.map((v) => [v.id, v.format])).toEqual([[job.id, '16:9'], [ids[1], '9:16']]);
    expect(json.failures).toEqual([{ format: '4:5', reason: 'The 4:5 video could not be made: the render timed out twice.' }]);

    const list = await cli('list', '--limit', '5');
    expect(list.stdout.split('\n').find((l) => l.includes(job.id))).toMatch(/ 16:9 9:16 4:5✗ +Villa Tall/);
  });
});
