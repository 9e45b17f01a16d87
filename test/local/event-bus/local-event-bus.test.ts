import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors';
import { imagesCreatedPattern, ltxVideosCreatedPattern } from '../../../shared/domain/event-patterns';
import { LocalEventBus } from '../../../local/event-bus/local-event-bus';
import { imageCreatedEvent, ltxVideoCreatedEvent, TEST_BUCKET } from '../../helpers/events';

const buses: LocalEventBus[] = [];
function newBus(): { bus: LocalEventBus; lines: string[] } {
  const lines: string[] = [];
  const bus = new LocalEventBus({ log: (line) => lines.push(line) });
  buses.push(bus);
  return { bus, lines };
}
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('LocalEventBus', () => {
  it('routes each event to the targets whose pattern matches, asynchronously', async () => {
    const { bus } = newBus();
    const ltx: unknown[] = [];
    const render: unknown[] = [];
    bus.addRule({ name: 'images', pattern: imagesCreatedPattern(TEST_BUCKET), target: { name: 'ltx', invoke: async (e) => void ltx.push(e) } });
    bus.addRule({ name: 'clips', pattern: ltxVideosCreatedPattern(TEST_BUCKET), target: { name: 'render', invoke: async (e) => void render.push(e) } });

    const image = imageCreatedEvent('u1', 'j1');
    expect(bus.putEvent(image)).toEqual({ matchedRules: ['images'] });
    expect(ltx).toHaveLength(0); // putEvent does not wait for the target
    expect(bus.putEvent(ltxVideoCreatedEvent('u1', 'j1')).matchedRules).toEqual(['clips']);
    expect(bus.putEvent(imageCreatedEvent('u1', 'j2', { bucket: 'other' })).matchedRules).toEqual([]);
    await bus.idle();

    expect(ltx).toEqual([image]);
    expect(ltx[0]).not.toBe(image); // each target gets its own copy
    expect(render).toHaveLength(1);
    expect(bus.stats().ltx).toMatchObject({ invoked: 1, succeeded: 1, failed: 0, retried: 0, queued: 0, running: 0 });
  });

  it('refuses an invalid pattern at addRule', () => {
    const { bus } = newBus();
    expect(() => bus.addRule({ name: 'bad', pattern: { source: 'aws.s3' }, target: { name: 't', invoke: async () => {} } })).toThrow(ValidationError);
  });

  it('keeps at most maxConcurrency invocations running under a burst of 30, the rest queued in order', async () => {
    const { bus } = newBus();
    const gate = deferred();
    const started: string[] = [];
    bus.addRule({
      name: 'images',
      pattern: imagesCreatedPattern(TEST_BUCKET),
      target: {
        name: 'ltx',
        maxConcurrency: 3,
        invoke: async (e) => {
          started.push((e as { detail: { object: { key: string } } }).detail.object.key);
          await gate.promise;
        },
      },
    });
    for (let i = 0; i < 30; i++) bus.putEvent(imageCreatedEvent('u1', `job${i}`));
    await new Promise((r) => setImmediate(r));
    expect(bus.stats().ltx).toMatchObject({ running: 3, queued: 27 });
    gate.resolve();
    await bus.idle();
    const stats = bus.stats().ltx;
    expect(stats?.maxConcurrentSeen).toBe(3);
    expect(stats).toMatchObject({ invoked: 30, succeeded: 30, running: 0, queued: 0 });
    expect(started).toEqual(Array.from({ length: 30 }, (_, i) => `images/u1/job${i}.jpg`));
  });

  it('retries a failing invocation after each backoff, then succeeds', async () => {
    const { bus, lines } = newBus();
    const attemptsAt: number[] = [];
    bus.addRule({
      name: 'images',
      pattern: imagesCreatedPattern(TEST_BUCKET),
      target: {
        name: 'ltx',
        backoffMs: [30, 60],
        invoke: async () => {
          attemptsAt.push(performance.now());
          if (attemptsAt.length < 3) throw new Error(`flaky ${attemptsAt.length}`);
        },
      },
    });
    bus.putEvent(imageCreatedEvent('u1', 'j1'));
    await bus.idle();
    expect(attemptsAt).toHaveLength(3);
    // Not a speed check: a retry must never come before its backoff.
    expect((attemptsAt[1] as number) - (attemptsAt[0] as number)).toBeGreaterThanOrEqual(29);
    expect((attemptsAt[2] as number) - (attemptsAt[1] as number)).toBeGreaterThanOrEqual(59);
    expect(bus.stats().ltx).toMatchObject({ invoked: 3, succeeded: 1, failed: 0, retried: 2 });
    expect(bus.failures()).toEqual([]);
    expect(lines.some((l) => l.includes('flaky 1') && l.includes('retrying in 30 ms'))).toBe(true);
  });

  it('keeps an event that still fails after two retries, with its error and attempts, and reports it', async () => {
    const { bus, lines } = newBus();
    const reported: unknown[] = [];
    bus.onFailure((f) => reported.push(f));
    let calls = 0;
    bus.addRule({
      name: 'images',
      pattern: imagesCreatedPattern(TEST_BUCKET),
      target: { name: 'ltx', backoffMs: [5, 5], invoke: async () => { calls++; throw new Error('LTX is down'); } },
    });
    const event = imageCreatedEvent('u1', 'j1', { id: 'evt-1' });
    bus.putEvent(event);
    await bus.idle();
    expect(calls).toBe(3);
    const failures = bus.failures();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ rule: 'images', target: 'ltx', error: 'LTX is down', attempts: 3, reason: 'retries_exhausted', event });
    expect(reported).toEqual(failures);
    expect(bus.stats().ltx).toMatchObject({ invoked: 3, failed: 1, retried: 2 });
    expect(lines.some((l) => l.includes('event evt-1 failed after 3 attempt(s)'))).toBe(true);
  });

  it('does not retry an event past its maximum age', async () => {
    const { bus } = newBus();
    let calls = 0;
    bus.addRule({
      name: 'images',
      pattern: imagesCreatedPattern(TEST_BUCKET),
      target: { name: 'ltx', backoffMs: [50], maximumEventAgeMs: 20, invoke: async () => { calls++; throw new Error('boom'); } },
    });
    bus.putEvent(imageCreatedEvent('u1', 'j1'));
    await bus.idle();
    expect(calls).toBe(1);
    expect(bus.failures()[0]).toMatchObject({ reason: 'event_too_old', attempts: 1, error: 'boom' });
  });

  it('shares one concurrency limit between rules that invoke the same target', async () => {
    const { bus } = newBus();
    const gate = deferred();
    const target = { name: 'worker', maxConcurrency: 2, invoke: () => gate.promise };
    bus.addRule({ name: 'a', pattern: imagesCreatedPattern(TEST_BUCKET), target });
    bus.addRule({ name: 'b', pattern: ltxVideosCreatedPattern(TEST_BUCKET), target });
    for (let i = 0; i < 3; i++) {
      bus.putEvent(imageCreatedEvent('u', `i${i}`));
      bus.putEvent(ltxVideoCreatedEvent('u', `c${i}`));
    }
    await new Promise((r) => setImmediate(r));
    expect(bus.stats().worker).toMatchObject({ running: 2, queued: 4 });
    gate.resolve();
    await bus.idle();
    expect(bus.stats().worker).toMatchObject({ invoked: 6, maxConcurrentSeen: 2 });
  });

  it('idle() resolves at once when nothing is pending, and close() refuses new events', async () => {
    const { bus } = newBus();
    await bus.idle();
    await bus.close();
    expect(() => bus.putEvent(imageCreatedEvent('u', 'j'))).toThrow(/closed/);
  });
});
