import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { probeMedia } from '../remotion/probe-media';

export interface SavedVideo {
  path: string;
  bytes: number;
  width: number;
  height: number;
  durationSeconds: number;
  hasAudio: boolean;
}

/**
 * Downloads a finished video to `dir/name` and measures it with the ffprobe inside Remotion's
 * compositor: what the demo prints is the file as delivered, not what the row claims.
 */
export async function saveAndProbe(url: string, dir: string, name: string): Promise<SavedVideo> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} answered HTTP ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, bytes);
  const probed = await probeMedia(path);
  const video = probed.streams.find((s) => s.codec_type === 'video');
  return {
    path,
    bytes: bytes.length,
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    durationSeconds: probed.durationSeconds,
    hasAudio: probed.streams.some((s) => s.codec_type === 'audio'),
  };
}
