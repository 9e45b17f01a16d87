import { describe, expect, it } from 'vitest';
import { durationInFramesFor, musicFades, posterFrame, titleTimeline } from '../../../shared/domain/video-template-timeline';

describe('durationInFramesFor', () => {
  it('makes the video exactly as long as the clip, at least one frame', () => {
    expect(durationInFramesFor(6, 25)).toBe(150);
    expect(durationInFramesFor(10, 50)).toBe(500);
    expect(durationInFramesFor(1.02, 25)).toBe(26);
    expect(durationInFramesFor(0.001, 25)).toBe(1);
  });
});

describe('titleTimeline and posterFrame', () => {
  const cases: Array<[number, number]> = [[1, 25], [2, 25], [6, 25], [8, 50], [10, 25], [20, 25]];

  it.each(cases)('for a %i s clip at %i fps: enter, hold and exit in order, inside the video', (seconds, fps) => {
    const d = durationInFramesFor(seconds, fps);
    const t = titleTimeline(d, fps);
    expect(0 <= t.enterStart && t.enterStart < t.enterEnd && t.enterEnd < t.exitStart && t.exitStart < t.exitEnd && t.exitEnd <= d).toBe(true);
  });

  it.each(cases)('for a %i s clip at %i fps: the poster shows the title and subtitle fully', (seconds, fps) => {
    const d = durationInFramesFor(seconds, fps);
    const t = titleTimeline(d, fps);
    const frame = posterFrame(d, fps);
    expect(frame).toBeGreaterThanOrEqual(t.enterEnd + t.subtitleDelay);
    expect(frame).toBeLessThan(t.exitStart);
  });

  it('caps the entrance in seconds on long clips', () => {
    const t = titleTimeline(durationInFramesFor(20, 25), 25);
    expect(t.enterEnd - t.enterStart).toBe(Math.round(1.3 * 25));
    expect(posterFrame(500, 25)).toBe(t.enterEnd + t.subtitleDelay + 20);
  });
});

describe('musicFades', () => {
  it('fades in over 1 s and out over 1.5 s, shorter on short clips', () => {
    expect(musicFades(150, 25)).toEqual({ fadeIn: 23, fadeOut: 38 });
    expect(musicFades(500, 25)).toEqual({ fadeIn: 25, fadeOut: 38 });
    expect(musicFades(25, 25)).toEqual({ fadeIn: 4, fadeOut: 6 });
  });
});
