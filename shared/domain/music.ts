/**
 * The music beds shipped with the template (files in `remotion/public/music/`). `background-music.mp3`
 * is the name the original frontend sends, so it stays the default.
 */
export const MUSIC_FILES = ['background-music.mp3', 'golden-hour.mp3', 'ocean-breeze.mp3'] as const;
export type MusicFile = (typeof MUSIC_FILES)[number];
export const DEFAULT_MUSIC_FILE: MusicFile = 'background-music.mp3';

export function isMusicFile(value: unknown): value is MusicFile {
  return typeof value === 'string' && (MUSIC_FILES as readonly string[]).includes(value);
}
