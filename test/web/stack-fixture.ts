import { resolve } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { createReadableLogger } from '../../shared/adapters/readable-logger';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { TEST_STACK_SETTINGS } from '../helpers/local-stack';

// Node 20 has no global WebSocket and supabase-js needs one as soon as a client is created (the
// stack's own service-role client included).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

/** The whole local stack on free ports, in memory, rendering 320x180: what the web and CLI suites run against. */
export function startTestStack(options: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  return startLocalStack({
    ...TEST_STACK_SETTINGS,
    staticDir: resolve('web/public'),
    sweepIntervalMs: 3_600_000,
    // Warnings and errors only: a failing test shows what the pipeline said.
    logger: createReadableLogger({ level: 'warn', fields: { stack: 'test' }, write: (line) => process.stderr.write(`${line.slice(0, 600)}\n`) }),
    ...options,
  });
}

/** A supabase-js client as a browser would hold it, signed in anonymously (a new user each call). */
export async function signedInUser(stack: LocalStack): Promise<{ supabase: SupabaseClient; userId: string }> {
  const supabase = createClient(stack.info.supabaseUrl, stack.info.supabaseAnonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never, reconnectAfterMs: () => 200 },
  });
  const { data, error } = await supabase.auth.signInAnonymously();
  if (error || !data.user) throw new Error(`anonymous sign-in failed: ${error?.message}`);
  return { supabase, userId: data.user.id };
}

export const SAMPLE_PHOTO = resolve('remotion/public/sample/villa-small.jpg');
