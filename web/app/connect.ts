import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { createVideoClient, type VideoClient } from '../client';

export interface Session {
  supabase: SupabaseClient;
  client: VideoClient;
  userId: string;
  isAnonymous: boolean;
}

/**
 * Everything the page needs comes from its own origin: `/config.json` names the Supabase project
 * (URL and anon key), `/uploads` and `/jobs/{id}/replay` are served beside the page. A visitor
 * without a session is signed in anonymously (kept in localStorage, so a reload keeps their videos).
 */
export async function connect(): Promise<Session> {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`/config.json answered HTTP ${res.status}`);
  const config = (await res.json()) as { supabaseUrl?: unknown; supabaseAnonKey?: unknown };
  if (typeof config.supabaseUrl !== 'string' || typeof config.supabaseAnonKey !== 'string') {
    throw new Error('/config.json must name supabaseUrl and supabaseAnonKey');
  }
  const supabase = createClient(config.supabaseUrl, config.supabaseAnonKey, {
    auth: { persistSession: true, autoRefreshToken: true, storageKey: `villa-video:${new URL(config.supabaseUrl).host}` },
  });
  let { data } = await supabase.auth.getSession();
  if (!data.session) {
    const signIn = await supabase.auth.signInAnonymously();
    if (signIn.error || !signIn.data.session) throw new Error(`Signing in failed: ${signIn.error?.message ?? 'no session'}`);
    data = { session: signIn.data.session };
  }
  const user = data.session!.user;
  const client = createVideoClient({ supabase, uploadsUrl: new URL('/uploads', location.origin).href });
  return { supabase, client, userId: user.id, isAnonymous: user.is_anonymous ?? true };
}
