/**
 * Waits `ms`, or rejects as soon as `signal` aborts (with `reasonOf(signal)`, by default the
 * signal's own reason), so a cancelled retry loop stops waiting at once. Works in browsers too.
 */
export function abortableSleep(ms: number, signal?: AbortSignal, reasonOf: (signal: AbortSignal) => unknown = (s) => s.reason): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(reasonOf(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(reasonOf(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
