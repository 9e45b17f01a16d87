import { describe, expect, it } from 'vitest';
import { canTransition, isJobStatus, isTerminal, JOB_STATUSES } from '../../../shared/domain/job-status';

describe('job states', () => {
  it('moves forward through the pipeline', () => {
    expect(canTransition('pending_upload', 'queued')).toBe(true);
    expect(canTransition('queued', 'generating')).toBe(true);
    expect(canTransition('generating', 'rendering')).toBe(true);
    expect(canTransition('rendering', 'completed')).toBe(true);
  });

  it('never leaves completed, and leaves failed only by a replay', () => {
    for (const to of JOB_STATUSES) expect(canTransition('completed', to)).toBe(false);
    expect(JOB_STATUSES.filter((to) => canTransition('failed', to))).toEqual(['queued']);
  });

  it('can fail from every active state and skip nothing forward', () => {
    for (const from of ['pending_upload', 'queued', 'generating', 'rendering'] as const) expect(canTransition(from, 'failed')).toBe(true);
    expect(canTransition('queued', 'completed')).toBe(false);
    expect(canTransition('pending_upload', 'rendering')).toBe(false);
  });

  it('allows the moves that retries, sweeps and replays make', () => {
    expect(canTransition('generating', 'queued')).toBe(true); // LTX attempt failed, will retry
    expect(canTransition('rendering', 'generating')).toBe(true); // render failed or stalled, clip kept
    expect(canTransition('rendering', 'queued')).toBe(true); // stalled and the clip is gone
    expect(canTransition('queued', 'queued')).toBe(true); // the sweeper redrives a stalled photo
    expect(canTransition('failed', 'queued')).toBe(true); // replay
  });

  it('knows terminal states and its own vocabulary', () => {
    expect(isTerminal('completed')).toBe(true);
    expect(isTerminal('failed')).toBe(true);
    expect(isTerminal('rendering')).toBe(false);
    expect(isJobStatus('done')).toBe(false);
  });
});
