import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Debian's `ffmpeg` package: the bench's yardstick (what plain FFmpeg takes for the same video) and
 * its judge (SSIM and PSNR between two renders; Remotion's own FFmpeg is built without those
 * filters). Installed by the bench itself when missing, never shipped with the project.
 */
const SYSTEM_FFMPEG = '/usr/bin/ffmpeg';

export function ensureSystemFfmpeg(log: (line: string) => void = console.log): string {
  if (existsSync(SYSTEM_FFMPEG)) return SYSTEM_FFMPEG;
  if (!existsSync('/usr/bin/apt-get')) {
    throw new Error(`the bench needs a system FFmpeg at ${SYSTEM_FFMPEG}: install your distribution's ffmpeg package`);
  }
  log('bench set-up: installing Debian\'s ffmpeg package (apt-get install -y ffmpeg)');
  const install = () => execFileSync('apt-get', ['install', '-y', '-qq', 'ffmpeg'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    install();
  } catch {
    // A fresh machine may have no package lists yet.
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    install();
  }
  if (!existsSync(SYSTEM_FFMPEG)) throw new Error(`apt-get install ffmpeg did not leave ${SYSTEM_FFMPEG}`);
  return SYSTEM_FFMPEG;
}

export function systemFfmpegVersion(ffmpeg: string): string {
  return execFileSync(ffmpeg, ['-version'], { encoding: 'utf8' }).split('\n')[0]!.replace(/ Copyright.*/, '');
}

/** Runs FFmpeg, resolving with its stderr (where it reports), rejecting with the tail of it. */
export function runFfmpeg(ffmpeg: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ['-hide_banner', '-nostats', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`ffmpeg ${args.join(' ').slice(0, 200)} failed (exit ${code}): ${stderr.trim().slice(-600)}`))));
  });
}
