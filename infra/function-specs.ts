import { LTX_CLIENT_DEFAULTS } from '../shared/domain/ltx/ltx-limits';
import { CLIP_ORIENTATIONS } from '../shared/domain/video-formats';
import type { LambdaHandlerName } from './bundle';

export interface FunctionSpec {
  memorySize: number;
  timeout: number;
  description: string;
}

/** Room for S3 uploads, Supabase writes and event publishing around the slow call. */
/** AWS Lambda's longest timeout. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
const HEADROOM_SECONDS = 120;

/**
 * Memory and timeout per function, with the reason. Lambda gives CPU in proportion to memory, so
 * "memory" is also "how fast the JavaScript runs". The local stack's Function URL stand-in reads the
 * API's from here too, so its timeout is the deployed one.
 */
export const FUNCTION_SPECS: Record<LambdaHandlerName, FunctionSpec> = {
  api: {
    // The web API: verifies a JWT, then records a job and signs a URL, or replays one: a few hundred
    // ms. 512 MB keeps the cold start (bundle parse) short; 15 s covers a slow Supabase or JWKS fetch.
    memorySize: 512,
    timeout: 15,
    description: 'Web API: POST /uploads (job + presigned PUT for images/), POST /jobs/{jobId}/replay',
  },
  ltx: {
    // LTX answers in up to ~2 minutes; the client retries within a budget (LTX_CLIENT_DEFAULTS: 300 s
    // for all attempts, each up to 180 s), then the MP4 (tens of MB) is streamed to S3. 1024 MB for the
    // network throughput of that upload. A job makes up to one clip per orientation, one after the
    // other (issue 15): two clips' worst cases (2 x 480 s) exceed Lambda's 15-minute ceiling, so the
    // timeout is the ceiling. Typical is 2 x 30..120 s. Should both clips need their whole retry budget,
    // the function is stopped with the first clip stored; the stuck-job sweep requeues the job and the
    // retry asks LTX only for the missing clip (run-ltx-step.ts: a clip in the bucket is not paid twice).
    memorySize: 1024,
    timeout: Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, CLIP_ORIENTATIONS.length * Math.ceil((LTX_CLIENT_DEFAULTS.retry.budgetMs + LTX_CLIENT_DEFAULTS.requestTimeoutMs) / 1000) + HEADROOM_SECONDS),
    description: 'images/ -> LTX-2 image-to-video -> ltx-videos/',
  },
  render: {
    // Starts the Remotion render with a webhook and returns: it waits only for renderMediaOnLambda's
    // answer (a second or two) and the poster's renderStillOnLambda (one function, ~5-15 s), never
    // for the video. 90 s covers a cold Remotion function for the still; the webhook finishes the job.
    memorySize: 512,
    timeout: 90,
    description: 'ltx-videos/ -> starts the Remotion Lambda render (webhook to the API) and the poster',
  },
  sweep: {
    // One query for stuck jobs, a few HEADs, self-copies and updates every 5 minutes.
    memorySize: 256,
    timeout: 60,
    description: 'Every 5 minutes: redrives or fails jobs stuck for longer than STUCK_JOB_MINUTES',
  },
};
