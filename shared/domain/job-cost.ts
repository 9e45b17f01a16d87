import { roundUsd } from './ltx/ltx-prices';
import type { VideoJob } from './video-job';

/** A job's recorded cost so far, in US dollars: the LTX clip plus the render; null while nothing is recorded. */
export function jobCostUsd(job: Pick<VideoJob, 'ltx_cost_usd' | 'render_cost_usd'>): number | null {
  if (job.ltx_cost_usd === null && job.render_cost_usd === null) return null;
  return roundUsd((job.ltx_cost_usd ?? 0) + (job.render_cost_usd ?? 0));
}

/** `$0.32`, `$0.021`, `$2.00`: cents always, and the fractions of a cent a render's cost has. */
export function formatUsd(value: number | null): string {
  if (value === null) return '—';
  const text = value.toFixed(4).replace(/0{1,2}$/, '');
  return `$${text}`;
}

/** One line for an operator: the total, then what it is made of. */
export function describeJobCost(job: Pick<VideoJob, 'ltx_cost_usd' | 'render_cost_usd'>): string {
  const total = jobCostUsd(job);
  if (total === null) return '—';
  return `${formatUsd(total)} (LTX ${formatUsd(job.ltx_cost_usd)}, render ${formatUsd(job.render_cost_usd)})`;
}
