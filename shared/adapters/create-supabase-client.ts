import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';

/**
 * supabase-js for server-side use: no session persistence or refresh (a key, not a user), and the
 * `ws` WebSocket for Realtime, since Node.js 20 has no global WebSocket and supabase-js refuses to
 * construct without one.
 */
export function createSupabaseClient(url: string, key: string): SupabaseClient {
  return createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
}
