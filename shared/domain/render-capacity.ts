/**
 * How many Remotion renders may run at once. Each render fans out to Lambda functions (one per chunk
 * of frames, Remotion's default chunk is about 20 frames, plus the orchestrator and the poster's):
 * about 11 for a 6 s clip at 25 fps, about 28 for 20 s. They share the account's concurrency (1000 by
 * default, with our own functions), so renders are admitted while their worst-case fan-out fits in
 * what is left after a reserve for everything else.
 */
export const ACCOUNT_CONCURRENCY_DEFAULT = 1000;
export const LAMBDAS_PER_RENDER_WORST_CASE = 30;
export const CONCURRENCY_RESERVED_FOR_OTHERS = 100;

export function renderConcurrencyLimit(accountConcurrency = ACCOUNT_CONCURRENCY_DEFAULT, lambdasPerRender = LAMBDAS_PER_RENDER_WORST_CASE, reserved = CONCURRENCY_RESERVED_FOR_OTHERS): number {
  return Math.max(1, Math.floor((accountConcurrency - reserved) / lambdasPerRender));
}

/** Remotion Lambda gives up on a render after its function timeout (at most 900 s); older "in flight" rows are not counted. */
export const RENDER_IN_FLIGHT_WINDOW_MS = 20 * 60_000;
/** A render row left in `starting` this long belongs to a start that died inside the call: another may be started. */
export const RENDER_START_ABANDONED_MS = 5 * 60_000;
