import { describe, expect, it } from 'vitest';
import { describeJobCost, formatUsd, jobCostUsd } from '../../../shared/domain/job-cost';
import { BUILTIN_JOB_DEFAULTS } from '../../../shared/domain/job-options';
import { LTX_PRICES_USD_PER_SECOND, ltxClipCostUsd, ltxCostAddedPerFormat, ltxJobCost } from '../../../shared/domain/ltx/ltx-prices';

describe('a job’s cost', () => {
  it('prices an LTX clip by seconds of output, model and resolution, without float noise', () => {
    expect(ltxClipCostUsd({ model: 'ltx-2-fast', resolution: '1920x1080', duration: 6 }, LTX_PRICES_USD_PER_SECOND)).toBe(0.24);
    expect(ltxClipCostUsd({ model: 'ltx-2-pro', resolution: '2560x1440', duration: 8 }, LTX_PRICES_USD_PER_SECOND)).toBe(0.96);
    expect(ltxClipCostUsd({ model: 'ltx-2-pro', resolution: '3840x2160', duration: 10 }, LTX_PRICES_USD_PER_SECOND)).toBe(2.4);
  });

  it('prices the LTX-2.3 models in both orientations', () => {
    expect(ltxClipCostUsd({ model: 'ltx-2-3-fast', resolution: '1080x1920', duration: 6 }, LTX_PRICES_USD_PER_SECOND)).toBe(0.36);
    expect(ltxClipCostUsd({ model: 'ltx-2-3-pro', resolution: '1080x1920', duration: 10 }, LTX_PRICES_USD_PER_SECOND)).toBe(0.8);
    expect(ltxClipCostUsd({ model: 'ltx-2-3-pro', resolution: '3840x2160', duration: 8 }, LTX_PRICES_USD_PER_SECOND)).toBe(2.56);
    expect(() => ltxClipCostUsd({ model: 'ltx-2-fast', resolution: '1080x1920', duration: 6 }, LTX_PRICES_USD_PER_SECOND)).toThrow('no LTX price for ltx-2-fast at 1080x1920');
  });

  it('prices a job’s LTX clips: one per orientation, whatever the number of formats cut from it', () => {
    const all = { ...BUILTIN_JOB_DEFAULTS, duration: 8 as const, formats: ['16:9', '9:16', '4:5', '1:1'] as const };
    const cost = ltxJobCost({ ...all, formats: [...all.formats] }, LTX_PRICES_USD_PER_SECOND);
    expect(cost).toEqual({
      seconds: 16,
      usd: 0.8,
      clips: [
        { orientation: 'landscape', model: 'ltx-2-fast', resolution: '1920x1080', seconds: 8, usd: 0.32 },
        { orientation: 'portrait', model: 'ltx-2-3-fast', resolution: '1080x1920', seconds: 8, usd: 0.48 },
      ],
    });
    expect(ltxCostAddedPerFormat({ ...all, formats: [...all.formats] }, LTX_PRICES_USD_PER_SECOND)).toEqual([
      { format: '16:9', seconds: 8, usd: 0.32 },
      { format: '9:16', seconds: 8, usd: 0.48 },
      { format: '4:5', seconds: 0, usd: 0 },
      { format: '1:1', seconds: 0, usd: 0 },
    ]);
    expect(ltxJobCost({ ...BUILTIN_JOB_DEFAULTS, formats: ['1:1'] }, LTX_PRICES_USD_PER_SECOND)).toMatchObject({ seconds: 6, usd: 0.36 });
  });

  it('adds what is recorded, and is unknown while nothing is', () => {
    expect(jobCostUsd({ ltx_cost_usd: null, render_cost_usd: null })).toBeNull();
    expect(jobCostUsd({ ltx_cost_usd: 0.24, render_cost_usd: null })).toBe(0.24);
    expect(jobCostUsd({ ltx_cost_usd: 0.1, render_cost_usd: 0.2 })).toBe(0.3);
  });

  it('reads as dollars and cents, with the fractions of a cent a render costs', () => {
    expect([0.32, 0.021, 2, 0.0001, null].map(formatUsd)).toEqual(['$0.32', '$0.021', '$2.00', '$0.0001', '—']);
    expect(describeJobCost({ ltx_cost_usd: 0.24, render_cost_usd: 0.0185 })).toBe('$0.2585 (LTX $0.24, render $0.0185)');
    expect(describeJobCost({ ltx_cost_usd: 0.24, render_cost_usd: null })).toBe('$0.24 (LTX $0.24, render —)');
    expect(describeJobCost({ ltx_cost_usd: null, render_cost_usd: null })).toBe('—');
  });
});
