/**
 * The child side of startSupabaseProcess: starts the local Supabase with the parent's options, says
 * when it is ready, and obeys `unavailable` and `stop`. It exits when the parent goes away (the IPC
 * channel closes), so a crashed test run leaves no server behind.
 */
import { startSupabaseLocal, type SupabaseLocal } from './start-supabase-local';
import type { SupabaseChildMessage, SupabaseParentMessage } from './supabase-process-messages';

const tell = (message: SupabaseChildMessage) => {
  if (process.connected) process.send?.(message);
};
let supabase: SupabaseLocal | undefined;

process.on('disconnect', () => {
  void (supabase?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});

process.on('message', (message: SupabaseParentMessage) => {
  if (message.type === 'start') {
    startSupabaseLocal({ ...message.options, log: (line) => tell({ type: 'log', line }) }).then(
      (started) => {
        supabase = started;
        const { url, anonKey, serviceRoleKey, jwtSecret, jwksUrl } = started;
        tell({ type: 'ready', url, anonKey, serviceRoleKey, jwtSecret, jwksUrl });
      },
      (err: unknown) => {
        tell({ type: 'failed', error: (err as Error).stack ?? String(err) });
        process.exit(1);
      },
    );
  } else if (message.type === 'unavailable') {
    supabase?.setUnavailable(message.on);
  } else if (message.type === 'stop') {
    void (supabase?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
  }
});
