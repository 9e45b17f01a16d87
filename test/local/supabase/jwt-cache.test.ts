import { describe, expect, it } from 'vitest';
import type { JwtClaims } from '../../../local/supabase/database/database';
import { cachedJwtVerifier } from '../../../local/supabase/auth/jwt-cache';

describe('the JWT cache', () => {
  it('verifies a token once until its exp, then again (so an expired token is refused as before)', async () => {
    let now = 1_000_000;
    const calls: string[] = [];
    const verify = cachedJwtVerifier(
      async (token) => {
        calls.push(token);
        if (now >= 1_060_000) throw new Error('JWT expired');
        return { role: 'authenticated', sub: token, exp: 1_060 } as JwtClaims;
      },
      { now: () => now },
    );
    expect(await verify('a')).toMatchObject({ sub: 'a' });
    const first = await verify('a');
    first.role = 'service_role'; // a caller changing its copy changes nothing for the next
    expect(await verify('a')).toMatchObject({ role: 'authenticated' });
    expect(calls).toEqual(['a']);
    now = 1_060_000;
    await expect(verify('a')).rejects.toThrow('JWT expired');
    await expect(verify('a')).rejects.toThrow('JWT expired');
    expect(calls).toEqual(['a', 'a', 'a']);
  });

  it('never keeps a token that failed, nor one without exp, and holds at most maxEntries', async () => {
    const calls: string[] = [];
    const verify = cachedJwtVerifier(
      async (token) => {
        calls.push(token);
        if (token === 'forged') throw new Error('bad signature');
        return { role: 'anon', ...(token === 'no-exp' ? {} : { exp: 9_999_999_999 }) } as JwtClaims;
      },
      { maxEntries: 2 },
    );
    for (const t of ['forged', 'forged', 'no-exp', 'no-exp']) await verify(t).catch(() => undefined);
    for (const t of ['x', 'y', 'x', 'z', 'x', 'y']) await verify(t);
    // x stayed (recently used); y was dropped when z came, so it is verified again.
    expect(calls).toEqual(['forged', 'forged', 'no-exp', 'no-exp', 'x', 'y', 'z', 'y']);
  });
});
