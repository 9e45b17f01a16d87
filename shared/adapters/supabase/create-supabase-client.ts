import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { Database } from './database.types';

/** supabase-js typed by the migrations' generated `Database` (database.types.ts). */
export type PipelineSupabaseClient = SupabaseClient<Database>;

/**
 * supabase-js for server-side use: no session persistence or refresh (a key, not a user), and the
 * `ws` WebSocket for Realtime, since Node.js 20 has no global WebSocket and supabase-js refuses to
 * construct without one.
 */
export function createSupabaseClient(url: string, key: string): PipelineSupabaseClient {
  return createClient<Database>(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}
