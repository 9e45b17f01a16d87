import { describe, expect, it } from 'vitest';
import { describeJobCost, formatUsd, jobCostUsd } from '../../../shared/domain/job-cost';
import { LTX_PRICES_USD_PER_SECOND, ltxClipCostUsd } from '../../../shared/domain/ltx/ltx-prices';

describe('a job’s cost', () => {
  it('prices an LTX clip by seconds of output, model and resolution, without float noise', () => {
    expect(ltxClipCostUsd({ model: 'ltx-2-fast', resolution: '1920x1080', duration: 6 }, LTX_PRICES_USD_PER_SECOND)).toBe(0.24);
    expect(ltxClipCostUsd({ model: 'ltx-2-pro', resolution: '2560x1440', duration: 8 }, LTX_PRICES_USD_PER_SECOND)).toBe(0.96);
    expect(ltxClipCostUsd({ model: 'ltx-2-pro', resolution: '3840x2160', duration: 10 }, LTX_PRICES_USD_PER_SECOND)).toBe(2.4);
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
