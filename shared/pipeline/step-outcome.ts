/** What a pipeline step did with one object event: the invocation logs it and decides nothing else from it. */
export type StepOutcome = { outcome: 'done'; jobId: string } | { outcome: 'skipped'; jobId?: string; reason: string } | { outcome: 'failed'; jobId: string; reason: string };
