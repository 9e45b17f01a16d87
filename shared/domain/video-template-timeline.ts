/**
 * The template's timing, in frames, as pure functions: the composition animates by them and the
 * renderers (local and Lambda) pick the poster frame by them, so the two can never disagree.
 * Every span is capped in seconds and as a share of the clip, so a 1 s test clip and a 20 s clip
 * both get a complete entrance, hold and exit.
 */

export const DEFAULT_FPS = 25;

export function durationInFramesFor(clipDurationSeconds: number, fps: number): number {
  return Math.max(1, Math.round(clipDurationSeconds * fps));
}

export interface TitleTimeline {
  /** Title starts to appear. */
  enterStart: number;
  /** Title fully visible from here... */
  enterEnd: number;
  /** ...until here, then leaves. */
  exitStart: number;
  exitEnd: number;
  /** The subtitle follows the title by this many frames. */
  subtitleDelay: number;
}

const spanFrames = (maxSeconds: number, share: number, fps: number, duration: number) =>
  Math.max(1, Math.round(Math.min(maxSeconds * fps, share * duration)));

export function titleTimeline(durationInFrames: number, fps: number): TitleTimeline {
  const d = durationInFrames;
  const enterStart = Math.round(Math.min(0.35 * fps, 0.06 * d));
  const enterEnd = enterStart + spanFrames(1.3, 0.28, fps, d);
  const exitEnd = d - Math.round(Math.min(0.25 * fps, 0.04 * d));
  const exitStart = Math.max(enterEnd + 1, exitEnd - spanFrames(0.9, 0.18, fps, d));
  return { enterStart, enterEnd, exitStart, exitEnd, subtitleDelay: spanFrames(0.3, 0.06, fps, d) };
}

/** Music fades, in frames from the start and before the end. */
export function musicFades(durationInFrames: number, fps: number): { fadeIn: number; fadeOut: number } {
  return { fadeIn: spanFrames(1, 0.15, fps, durationInFrames), fadeOut: spanFrames(1.5, 0.25, fps, durationInFrames) };
}

/**
 * The frame used as the poster: title and subtitle fully on screen (after the subtitle's entrance,
 * well before the exit), late enough for the camera move to have started.
 */
export function posterFrame(durationInFrames: number, fps: number): number {
  const t = titleTimeline(durationInFrames, fps);
  const settled = t.enterEnd + t.subtitleDelay;
  const preferred = settled + Math.round(0.8 * fps);
  const latest = t.exitStart - 1;
  return Math.max(0, Math.min(durationInFrames - 1, settled <= latest ? Math.min(preferred, latest) : Math.floor((t.enterEnd + t.exitStart) / 2)));
}
