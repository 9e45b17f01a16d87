import { describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { SupabaseJobStore } from '../../../shared/adapters/supabase-job-store';

describe('SupabaseJobStore.updateWhere', () => {
  // No request may be sent for a move the state machine forbids: the client is never touched.
  const store = new SupabaseJobStore({} as SupabaseClient);
  const id = '0b8f3f3c-1111-4a2b-8c3d-123456789abc';

  it('refuses a status move the state machine does not allow, before any request', async () => {
    await expect(store.updateWhere(id, ['completed'], { status: 'queued' })).rejects.toThrow('a job may not move from completed to queued');
    await expect(store.updateWhere(id, ['queued', 'failed'], { status: 'rendering' })).rejects.toThrow('a job may not move from queued to rendering');
  });
});
