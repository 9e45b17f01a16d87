import type { SupabaseClient } from '@supabase/supabase-js';
import { RequestError } from './client-errors';

export interface ReplayDeps {
  supabase: SupabaseClient;
  /** Base URL of the API that serves `POST /jobs/{jobId}/replay` (the page's origin locally). */
  apiBaseUrl: string;
  fetch?: typeof fetch;
}

/** Asks for a failed job to run again from its photo; resolves once it is queued (watch it again). */
export async function requestReplay(deps: ReplayDeps, jobId: string): Promise<void> {
  const { data } = await deps.supabase.auth.getSession();
  const token = data.session?.access_token;
  if (!token) throw new RequestError('unauthorized', 'You are not signed in: sign in and try again.', 401);
  const url = `${deps.apiBaseUrl.replace(/\/+$/, '')}/jobs/${encodeURIComponent(jobId)}/replay`;
  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  } catch (err) {
    throw new RequestError('network', `The service could not be reached: ${(err as Error).message}`, 0, { cause: err });
  }
  if (res.ok) return;
  const answer = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  throw new RequestError(answer?.error?.code ?? 'replay_refused', answer?.error?.message ?? `The replay was refused (HTTP ${res.status}).`, res.status);
}
