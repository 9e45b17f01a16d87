/**
 * Builds a handler's dependencies once per cold start (SSM reads, clients), on first use rather than
 * at import, so importing a handler module in tests or the local stack has no side effect. A failed
 * build is not cached: the next invocation tries again.
 */
export function lazyHandler<E, R>(build: () => Promise<(event: E) => Promise<R>>): (event: E) => Promise<R> {
  let pending: Promise<(event: E) => Promise<R>> | undefined;
  return async (event: E) => {
    pending ??= build().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return (await pending)(event);
  };
}
