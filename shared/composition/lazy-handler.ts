/**
 * Builds a handler's dependencies once per cold start (SSM reads, clients), on first use rather than
 * at import, so importing a handler module in tests or the local stack has no side effect. A failed
 * build is not cached: the next invocation tries again. Every argument (the event, Lambda's
 * context) reaches the built handler.
 */
export function lazyHandler<A extends unknown[], R>(build: () => Promise<(...args: A) => Promise<R>>): (...args: A) => Promise<R> {
  let pending: Promise<(...args: A) => Promise<R>> | undefined;
  return async (...args: A) => {
    pending ??= build().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return (await pending)(...args);
  };
}
