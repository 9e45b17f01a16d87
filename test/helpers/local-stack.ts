import type { SupabaseClient } from '@supabase/supabase-js';
import { createSupabaseClient } from '../../shared/adapters/supabase/create-supabase-client';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { FREE_PORTS } from '../../local/local-ports';
import { recordingLogger } from './recording-logger';
import { generatedVideoId } from '../../shared/domain/derived-job-id';
import type { GeneratedVideo, VideoJob } from '../../shared/domain/video-job';
import { TEST_AUTH_RATE_LIMITS } from '../local/supabase/supabase-test-helpers';
import { backendOptions } from './test-database';

/** What every test stack shares: free ports, state in memory, small renders and clips. */
export const TEST_STACK_SETTINGS = {
  dataDir: null,
  ports: FREE_PORTS,
  // A failed LTX record comes back after 5 s (AWS: six times the function's timeout). It must
  // outlast any handler run in a test, as AWS requires it to outlast the function's timeout, or
  // SQS hands the same photo to a second invocation.
  queueVisibilityTimeoutSeconds: 5,
  renderScale: 1 / 6,
  renderFps: 10,
  ltxClipSize: { width: 320, height: 180 },
} satisfies Partial<LocalStackOptions>;

/**
 * A whole local stack for a test file: every server on a free port, state in memory, renders at
 * a sixth of each format's size (320x180 for 16:9) and LTX clips made small, quick retries, auth limits raised for the users tests sign in.
 * On the suite's PostgreSQL backend its Supabase API gets a fresh database, dropped by stop().
 * Log lines are kept for assertions (and printed when VERBOSE=1).
 */
export async function startTestStack(overrides: Partial<LocalStackOptions> = {}): Promise<{ stack: LocalStack; logs: string[] }> {
  const { logger, lines: logs } = recordingLogger({ echo: Boolean(process.env.VERBOSE) });
  const backend = await backendOptions();
  try {
    const stack = await startLocalStack({
      ...TEST_STACK_SETTINGS,
      authRateLimits: TEST_AUTH_RATE_LIMITS,
      databaseUrl: backend.databaseUrl,
      logger,
      ...overrides,
    });
    const stop = stack.stop;
    stack.stop = async () => {
      await stop();
      await backend.cleanup();
    };
    return { stack, logs };
  } catch (err) {
    await backend.cleanup();
    throw err;
  }
}

/** A signed-in user with an account (email and password) of the local Supabase API; guests sign in anonymously. */
export async function signInUser(stack: LocalStack): Promise<{ client: SupabaseClient; userId: string; accessToken: string }> {
  const client = createSupabaseClient(stack.info.supabaseUrl, stack.info.supabaseAnonKey);
  const { data, error } = await client.auth.signUp({ email: `user-${crypto.randomUUID()}@villa.test`, password: `pw-${crypto.randomUUID()}` });
  if (error || !data.session || !data.user) throw new Error(`sign-up failed: ${error?.message}`);
  return { client, userId: data.user.id, accessToken: data.session.access_token };
}

/** Polls the job row (as the service) until it ends or the deadline passes. */
export async function waitForJobEnd(stack: LocalStack, jobId: string, timeoutMs = 90_000): Promise<VideoJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await stack.clients.jobs.get(jobId);
    if (job && (job.status === 'completed' || job.status === 'failed')) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not end within ${timeoutMs} ms (status ${job?.status ?? 'missing'})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The job's `generated_videos` rows written so far, one per format made, in the job's (canonical) format order. */
export async function generatedVideos(stack: LocalStack, jobId: string): Promise<GeneratedVideo[]> {
  const formats = (await stack.clients.jobs.get(jobId))?.options.formats ?? ['16:9'];
  const ids = formats.map((f) => generatedVideoId(jobId, f, formats));
  const { data, error } = await stack.clients.supabase.from('generated_videos').select('*').in('id', ids);
  if (error) throw new Error(error.message);
  const rows = data as GeneratedVideo[];
  return ids.flatMap((id) => rows.filter((r) => r.id === id));
}

/** Asks for an upload and PUTs the bytes as a browser would. */
export async function uploadPhoto(
  stack: LocalStack,
  accessToken: string,
  bytes: Uint8Array,
  body: Record<string, unknown> = {},
): Promise<{ jobId: string; key: string }> {
  const res = await fetch(stack.info.uploadsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filename: 'villa.jpg', contentType: 'image/jpeg', size: bytes.length, ...body }),
  });
  const ticket = (await res.json()) as { jobId: string; key: string; uploadUrl: string; headers: Record<string, string> };
  if (res.status !== 201) throw new Error(`POST /uploads answered ${res.status}: ${JSON.stringify(ticket)}`);
  const put = await fetch(ticket.uploadUrl, { method: "PUT", headers: ticket.headers, body: new Uint8Array(bytes) });
  if (!put.ok) throw new Error(`PUT answered ${put.status}: ${await put.text()}`);
  return { jobId: ticket.jobId, key: ticket.key };
}
