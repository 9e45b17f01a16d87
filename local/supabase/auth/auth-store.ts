import { randomBytes } from 'node:crypto';
import type { Database } from '../database/database';
import { GoTrueError } from './gotrue-error';

/** A user as GoTrue answers it (`GET /auth/v1/user`, `session.user`). */
export interface AuthUser {
  id: string;
  aud: string;
  role: string;
  email: string;
  phone: string;
  email_confirmed_at: string | null;
  confirmed_at: string | null;
  last_sign_in_at: string | null;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  identities: unknown[];
  created_at: string;
  updated_at: string;
  is_anonymous: boolean;
}

interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | string | null;
  last_sign_in_at: Date | string | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  is_anonymous: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

function toAuthUser(row: UserRow): AuthUser {
  return {
    id: row.id,
    aud: row.aud ?? 'authenticated',
    role: row.role ?? 'authenticated',
    email: row.email ?? '',
    phone: '',
    email_confirmed_at: iso(row.email_confirmed_at),
    confirmed_at: iso(row.email_confirmed_at),
    last_sign_in_at: iso(row.last_sign_in_at),
    app_metadata: row.raw_app_meta_data ?? {},
    user_metadata: row.raw_user_meta_data ?? {},
    identities: [],
    created_at: iso(row.created_at) ?? '',
    updated_at: iso(row.updated_at) ?? '',
    is_anonymous: row.is_anonymous,
  };
}

const USER_COLUMNS =
  'id, aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data, is_anonymous, created_at, updated_at';

/** auth.users, auth.sessions and auth.refresh_tokens, written as the database owner (not through RLS). */
export class AuthStore {
  constructor(private readonly db: Database) {}

  async createUser(input: { email?: string; passwordHash?: string; metadata: Record<string, unknown> }): Promise<AuthUser> {
    const anonymous = input.email === undefined;
    const provider = anonymous ? 'anonymous' : 'email';
    try {
      const r = await this.db.query<UserRow>(
        `insert into auth.users (email, encrypted_password, is_anonymous, raw_user_meta_data, raw_app_meta_data, email_confirmed_at, last_sign_in_at)
         values ($1::text, $2::text, $3::boolean, $4::jsonb, $5::jsonb, case when $1::text is null then null else now() end, now())
         returning ${USER_COLUMNS}`,
        [input.email ?? null, input.passwordHash ?? null, anonymous, JSON.stringify(input.metadata), JSON.stringify({ provider, providers: [provider] })],
      );
      return toAuthUser(r.rows[0] as UserRow);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new GoTrueError(422, 'user_already_exists', 'User already registered');
      throw err;
    }
  }

  /** The user and stored password hash for an email, if any. */
  async findByEmail(email: string): Promise<{ user: AuthUser; passwordHash: string | null } | undefined> {
    const r = await this.db.query<UserRow>(`select ${USER_COLUMNS} from auth.users where lower(email) = lower($1)`, [email]);
    const row = r.rows[0];
    return row ? { user: toAuthUser(row), passwordHash: row.encrypted_password } : undefined;
  }

  async findById(id: string): Promise<AuthUser | undefined> {
    const r = await this.db.query<UserRow>(`select ${USER_COLUMNS} from auth.users where id = $1::uuid`, [id]);
    const row = r.rows[0];
    return row ? toAuthUser(row) : undefined;
  }

  async touchSignIn(id: string): Promise<void> {
    await this.db.query('update auth.users set last_sign_in_at = now() where id = $1::uuid', [id]);
  }

  async createSession(userId: string): Promise<{ sessionId: string; refreshToken: string }> {
    return this.db.transaction(async (tx) => {
      const s = await tx.query<{ id: string }>('insert into auth.sessions (user_id) values ($1::uuid) returning id', [userId]);
      const sessionId = (s.rows[0] as { id: string }).id;
      const refreshToken = newRefreshToken();
      await tx.query('insert into auth.refresh_tokens (token, user_id, session_id) values ($1, $2::uuid, $3::uuid)', [refreshToken, userId, sessionId]);
      return { sessionId, refreshToken };
    });
  }

  async sessionExists(sessionId: string): Promise<boolean> {
    const r = await this.db.query('select 1 from auth.sessions where id = $1::uuid', [sessionId]);
    return r.rows.length > 0;
  }

  /** Spends a refresh token and issues its successor in the same session (tokens are single use). */
  async rotateRefreshToken(token: string): Promise<{ userId: string; sessionId: string; refreshToken: string }> {
    return this.db.transaction(async (tx) => {
      const spent = await tx.query<{ user_id: string; session_id: string }>(
        'update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1 and not revoked returning user_id, session_id',
        [token],
      );
      const row = spent.rows[0];
      if (!row) {
        const known = await tx.query('select 1 from auth.refresh_tokens where token = $1', [token]);
        if (known.rows.length > 0) throw new GoTrueError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
        throw new GoTrueError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      }
      const refreshToken = newRefreshToken();
      await tx.query('insert into auth.refresh_tokens (token, user_id, session_id, parent) values ($1, $2::uuid, $3::uuid, $4)', [
        refreshToken,
        row.user_id,
        row.session_id,
        token,
      ]);
      return { userId: row.user_id, sessionId: row.session_id, refreshToken };
    });
  }

  /** `local`: this session; `global`: every session of the user; `others`: all but this one. */
  async signOut(userId: string, sessionId: string, scope: 'local' | 'global' | 'others'): Promise<void> {
    if (scope === 'local') await this.db.query('delete from auth.sessions where id = $1::uuid', [sessionId]);
    else if (scope === 'global') await this.db.query('delete from auth.sessions where user_id = $1::uuid', [userId]);
    else await this.db.query('delete from auth.sessions where user_id = $1::uuid and id <> $2::uuid', [userId, sessionId]);
  }
}

function newRefreshToken(): string {
  return randomBytes(16).toString('base64url');
}
