import type { SupabaseLocalOptions } from './start-supabase-local';

/** What crosses the process boundary: options without functions (the log comes back as messages). */
export type SupabaseProcessOptions = Omit<SupabaseLocalOptions, 'log'>;

export type SupabaseParentMessage = { type: 'start'; options: SupabaseProcessOptions } | { type: 'unavailable'; on: boolean } | { type: 'stop' };

export type SupabaseChildMessage =
  | { type: 'ready'; url: string; anonKey: string; serviceRoleKey: string; jwtSecret: string; jwksUrl: string }
  | { type: 'failed'; error: string }
  | { type: 'log'; line: string };
