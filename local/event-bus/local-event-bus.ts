import { describeError } from '../../shared/domain/errors';
import { compileEventPattern, type CompiledEventPattern } from './event-pattern-match';

/**
 * An in-process EventBridge bus that delivers to its rules' targets as EventBridge does
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html):
 * - `putEvent` returns at once; each matching rule's target gets its own copy of the event;
 * - each target runs at most `maxConcurrency` deliveries at a time, the rest wait in a FIFO queue;
 * - a failed delivery is retried `retryAttempts` times (EventBridge's retry policy allows 0 to 185;
 *   the pipeline's targets use the topology's TARGET_RETRY), after a backoff scaled down to 1 s and
 *   2 s so a laptop run stays quick;
 * - an event older than `maximumEventAgeMs` is not attempted again;
 * - an event that still fails is kept with its error and attempt count, like a target's dead-letter
 *   queue, logged, and reported to `onFailure` listeners.
 * Every error counts as a failure.
 */

export interface BusTarget {
  name: string;
  invoke: (event: unknown) => Promise<unknown>;
  /** Invocations running at once for this target (default 10). */
  maxConcurrency?: number;
  /** Retries after the first failed attempt (default 2; EventBridge allows 0 to 185). */
  retryAttempts?: number;
  /** Wait before each retry (default [1000, 2000]; EventBridge backs off exponentially over minutes). */
  backoffMs?: number[];
  /** An event older than this is not attempted again (default: no limit; EventBridge: up to 24 h). */
  maximumEventAgeMs?: number;
}

export interface BusRule {
  name: string;
  pattern: unknown;
  target: BusTarget;
}

export interface FailedInvocation {
  rule: string;
  target: string;
  event: unknown;
  error: string;
  attempts: number;
  reason: 'retries_exhausted' | 'event_too_old';
  receivedAt: string;
  failedAt: string;
}

export interface TargetStats {
  invoked: number;
  succeeded: number;
  failed: number;
  retried: number;
  maxConcurrentSeen: number;
  running: number;
  queued: number;
  waitingForRetry: number;
}

export interface LocalEventBusOptions {
  /** Where failures and dropped events are reported (default: stderr). */
  log?: (line: string) => void;
}

interface Invocation {
  rule: string;
  event: unknown;
  attempts: number;
  receivedAt: number;
  lastError: string;
}

interface TargetState {
  config: Required<Omit<BusTarget, 'maximumEventAgeMs'>> & { maximumEventAgeMs: number | undefined };
  queue: Invocation[];
  running: number;
  retryTimers: Set<NodeJS.Timeout>;
  pumpScheduled: boolean;
  stats: Omit<TargetStats, 'running' | 'queued' | 'waitingForRetry'>;
}

const DEFAULT_BACKOFF_MS = [1000, 2000];

function targetConfig(target: BusTarget): TargetState['config'] {
  const maxConcurrency = target.maxConcurrency ?? 10;
  const retryAttempts = target.retryAttempts ?? 2;
  const backoffMs = target.backoffMs ?? DEFAULT_BACKOFF_MS;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) throw new Error(`target ${target.name}: maxConcurrency must be an integer of at least 1, received ${maxConcurrency}`);
  if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 185) throw new Error(`target ${target.name}: retryAttempts must be 0 to 185 (as EventBridge's retry policy), received ${retryAttempts}`);
  if (backoffMs.length === 0 || backoffMs.some((ms) => !(ms >= 0))) throw new Error(`target ${target.name}: backoffMs must be a non-empty list of non-negative numbers, received ${JSON.stringify(backoffMs)}`);
  if (target.maximumEventAgeMs !== undefined && !(target.maximumEventAgeMs > 0)) throw new Error(`target ${target.name}: maximumEventAgeMs must be positive, received ${target.maximumEventAgeMs}`);
  return { name: target.name, invoke: target.invoke, maxConcurrency, retryAttempts, backoffMs, maximumEventAgeMs: target.maximumEventAgeMs };
}

export class LocalEventBus {
  private readonly rules = new Map<string, { match: CompiledEventPattern; target: string }>();
  private readonly targets = new Map<string, TargetState>();
  private readonly failed: FailedInvocation[] = [];
  private readonly failureListeners = new Set<(failure: FailedInvocation) => void>();
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private readonly log: (line: string) => void;

  constructor(options: LocalEventBusOptions = {}) {
    this.log = options.log ?? ((line) => process.stderr.write(`[event-bus] ${line}\n`));
  }

  /** Adds a rule; the pattern is validated here (an invalid pattern throws ValidationError). */
  addRule(rule: BusRule): void {
    if (this.rules.has(rule.name)) throw new Error(`a rule named ${rule.name} already exists`);
    const match = compileEventPattern(rule.pattern);
    const existing = this.targets.get(rule.target.name);
    if (existing && existing.config.invoke !== rule.target.invoke) {
      throw new Error(`target ${rule.target.name} is already registered with another invoke function`);
    }
    if (!existing) {
      this.targets.set(rule.target.name, {
        config: targetConfig(rule.target),
        queue: [],
        running: 0,
        retryTimers: new Set(),
        pumpScheduled: false,
        stats: { invoked: 0, succeeded: 0, failed: 0, retried: 0, maxConcurrentSeen: 0 },
      });
    }
    this.rules.set(rule.name, { match, target: rule.target.name });
  }

  removeRule(name: string): boolean {
    return this.rules.delete(name);
  }

  /** Routes the event to every matching rule's target and returns at once (asynchronous invocation). */
  putEvent(event: unknown): { matchedRules: string[] } {
    if (this.closed) throw new Error('the event bus is closed');
    const matchedRules: string[] = [];
    const receivedAt = Date.now();
    for (const [name, rule] of this.rules) {
      if (!rule.match(event)) continue;
      matchedRules.push(name);
      const target = this.targets.get(rule.target) as TargetState;
      // Each target gets its own copy, as each Lambda receives its own JSON payload.
      target.queue.push({ rule: name, event: structuredClone(event), attempts: 0, receivedAt, lastError: '' });
      this.schedulePump(target);
    }
    return { matchedRules };
  }

  failures(): FailedInvocation[] {
    return [...this.failed];
  }

  onFailure(listener: (failure: FailedInvocation) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  stats(): Record<string, TargetStats> {
    const result: Record<string, TargetStats> = {};
    for (const [name, target] of this.targets) {
      result[name] = { ...target.stats, running: target.running, queued: target.queue.length, waitingForRetry: target.retryTimers.size };
    }
    return result;
  }

  /** Resolves once nothing is queued, running or waiting for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops accepting events, drops queued ones and pending retries, and waits for running invocations. */
  async close(): Promise<void> {
    this.closed = true;
    for (const target of this.targets.values()) {
      for (const timer of target.retryTimers) clearTimeout(timer);
      target.retryTimers.clear();
      target.queue.length = 0;
    }
    this.settle();
    await this.idle();
  }

  private isIdle(): boolean {
    for (const target of this.targets.values()) {
      if (target.queue.length > 0 || target.running > 0 || target.retryTimers.size > 0) return false;
    }
    return true;
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Starts invocations after the caller's turn: an asynchronous invocation never runs inside putEvent. */
  private schedulePump(target: TargetState): void {
    if (target.pumpScheduled) return;
    target.pumpScheduled = true;
    queueMicrotask(() => {
      target.pumpScheduled = false;
      if (!this.closed) this.pump(target);
    });
  }

  private pump(target: TargetState): void {
    while (target.running < target.config.maxConcurrency && target.queue.length > 0) {
      const invocation = target.queue.shift() as Invocation;
      const age = Date.now() - invocation.receivedAt;
      if (invocation.attempts > 0 && target.config.maximumEventAgeMs !== undefined && age > target.config.maximumEventAgeMs) {
        this.recordFailure(target, invocation, 'event_too_old');
        continue;
      }
      void this.run(target, invocation);
    }
    this.settle();
  }

  private async run(target: TargetState, invocation: Invocation): Promise<void> {
    target.running++;
    target.stats.invoked++;
    target.stats.maxConcurrentSeen = Math.max(target.stats.maxConcurrentSeen, target.running);
    invocation.attempts++;
    try {
      await target.config.invoke(invocation.event);
      target.stats.succeeded++;
    } catch (err) {
      invocation.lastError = describeError(err);
      this.afterError(target, invocation);
    } finally {
      target.running--;
      if (!this.closed) this.pump(target);
      else this.settle();
    }
  }

  private afterError(target: TargetState, invocation: Invocation): void {
    const { retryAttempts, backoffMs, maximumEventAgeMs } = target.config;
    if (this.closed || invocation.attempts > retryAttempts) {
      this.recordFailure(target, invocation, 'retries_exhausted');
      return;
    }
    const delay = backoffMs[Math.min(invocation.attempts - 1, backoffMs.length - 1)] as number;
    if (maximumEventAgeMs !== undefined && Date.now() + delay - invocation.receivedAt > maximumEventAgeMs) {
      this.recordFailure(target, invocation, 'event_too_old');
      return;
    }
    target.stats.retried++;
    this.log(`${target.config.name}: attempt ${invocation.attempts} failed (${invocation.lastError}); retrying in ${delay} ms`);
    const timer = setTimeout(() => {
      target.retryTimers.delete(timer);
      // Lambda puts a retried event back on the function's queue.
      target.queue.push(invocation);
      this.pump(target);
    }, delay);
    target.retryTimers.add(timer);
  }

  private recordFailure(target: TargetState, invocation: Invocation, reason: FailedInvocation['reason']): void {
    target.stats.failed++;
    const failure: FailedInvocation = {
      rule: invocation.rule,
      target: target.config.name,
      event: invocation.event,
      error: invocation.lastError,
      attempts: invocation.attempts,
      reason,
      receivedAt: new Date(invocation.receivedAt).toISOString(),
      failedAt: new Date().toISOString(),
    };
    this.failed.push(failure);
    const id = (invocation.event as { id?: unknown } | null)?.id;
    this.log(`${failure.target}: event ${typeof id === 'string' ? id : '(no id)'} failed after ${failure.attempts} attempt(s) (${reason}): ${failure.error}`);
    for (const listener of this.failureListeners) {
      try {
        listener(failure);
      } catch (err) {
        this.log(`onFailure listener threw: ${describeError(err)}`);
      }
    }
  }
}
