import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from './system-ffmpeg';

export interface PictureDiff {
  /** Mean SSIM over all frames (1 = identical). */
  ssim: number;
  /** The worst frame's SSIM: a single broken frame hides in a mean. */
  minSsim: number;
  /** Mean PSNR in dB (`Infinity` when identical). */
  psnr: number;
  frames: number;
}

/** Frame-by-frame SSIM and PSNR of `candidate` against `reference` (same size and frame count), by FFmpeg. */
export async function comparePictures(ffmpeg: string, candidate: string, reference: string): Promise<PictureDiff> {
  const dir = await mkdtemp(join(tmpdir(), 'picture-diff-'));
  try {
    const stats = join(dir, 'ssim.log');
    const stderr = await runFfmpeg(ffmpeg, [
      '-i', candidate, '-i', reference,
      '-lavfi', `[0:v]split[a0][a1];[1:v]split[b0][b1];[a0][b0]ssim=stats_file=${stats};[a1][b1]psnr`,
      '-f', 'null', '-',
    ]);
    const perFrame = (await readFile(stats, 'utf8')).split('\n').map((line) => /All:([\d.]+)/.exec(line)?.[1]).filter((v): v is string => v !== undefined).map(Number);
    const ssim = Number(/SSIM .*All:([\d.]+)/.exec(stderr)?.[1] ?? NaN);
    const psnrText = /PSNR .*average:(\S+)/.exec(stderr)?.[1] ?? 'nan';
    return { ssim, minSsim: Math.min(...perFrame), psnr: psnrText === 'inf' ? Infinity : Number(psnrText), frames: perFrame.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
