/**
 * The wait before retry number `attempt` (1 = after the first failure): exponential from `baseDelayMs`,
 * capped at `maxDelayMs`, with "equal jitter" (between half and all of it) so that a burst of
 * workers that failed together does not come back together.
 */
export function backoffDelayMs(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
