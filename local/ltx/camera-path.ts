import type { CameraMotion } from '../../shared/domain/job-options';

/**
 * The camera's moves, as a window over the photo: the photo is fitted to the output size times
 * `headroom`, and at progress p (0..1) the window is 1/zoom of it, placed at (fx, fy) of the room left
 * (0 = left/top, 1 = right/bottom). `blur` (0..1) mixes in a defocused copy for focus_shift.
 */
export interface CameraState {
  zoom: number;
  fx: number;
  fy: number;
  blur: number;
}

export interface CameraPath {
  headroom: number;
  at(p: number): CameraState;
}

/** Slow in, slow out: a camera operator's move, not a robot's. */
export const easeInOutSine = (p: number): number => (1 - Math.cos(Math.PI * Math.min(1, Math.max(0, p)))) / 2;

const PUSH = 1.3; // dolly in/out: 30 % closer
const TRAVEL = 1.15; // pans and jibs: 15 % of the frame
const DRIFT = 1.04; // static and focus shift: barely moving, as a camera on a tripod breathes

const still = { fx: 0.5, fy: 0.5, blur: 0 };

export const CAMERA_PATHS: Record<CameraMotion, CameraPath> = {
  dolly_in: { headroom: PUSH, at: (p) => ({ ...still, zoom: 1 + (PUSH - 1) * easeInOutSine(p) }) },
  dolly_out: { headroom: PUSH, at: (p) => ({ ...still, zoom: PUSH - (PUSH - 1) * easeInOutSine(p) }) },
  // The camera moves left, so the window slides from the photo's right part to its left part.
  dolly_left: { headroom: TRAVEL, at: (p) => ({ ...still, zoom: TRAVEL, fx: 1 - easeInOutSine(p) }) },
  dolly_right: { headroom: TRAVEL, at: (p) => ({ ...still, zoom: TRAVEL, fx: easeInOutSine(p) }) },
  jib_up: { headroom: TRAVEL, at: (p) => ({ ...still, zoom: TRAVEL, fy: 1 - easeInOutSine(p) }) },
  jib_down: { headroom: TRAVEL, at: (p) => ({ ...still, zoom: TRAVEL, fy: easeInOutSine(p) }) },
  static: { headroom: DRIFT, at: (p) => ({ ...still, zoom: 1 + (DRIFT - 1) * easeInOutSine(p) }) },
  // Out of focus at the start, sharp by 60 % of the clip.
  focus_shift: {
    headroom: DRIFT,
    at: (p) => ({ ...still, zoom: 1 + (DRIFT - 1) * easeInOutSine(p), blur: 1 - easeInOutSine(Math.min(1, p / 0.6)) }),
  },
};

/** The working size for a path: the output times the headroom, rounded up to even numbers (4:2:0). */
export function workingSize(width: number, height: number, headroom: number): { width: number; height: number } {
  const even = (n: number) => Math.ceil(n / 2) * 2;
  return { width: even(width * headroom), height: even(height * headroom) };
}

/** The window (in working-image pixels) that fills the output at state `s`. */
export function windowAt(s: CameraState, work: { width: number; height: number }, headroom: number, out: { width: number; height: number }) {
  const scale = headroom / s.zoom; // working pixels per output pixel
  const w = out.width * scale;
  const h = out.height * scale;
  return { x: (work.width - w) * s.fx, y: (work.height - h) * s.fy, scale };
}
