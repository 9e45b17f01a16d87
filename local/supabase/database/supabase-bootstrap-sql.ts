/**
 * What a Supabase project has before any migration runs: the API roles, the `auth` schema with
 * its users/sessions/refresh tokens, the `auth.uid()`/`auth.role()`/`auth.email()`/`auth.jwt()`
 * helpers exactly as Supabase defines them, and Supabase's grants on schema `public`.
 *
 * Every statement is guarded so it is harmless to run again (a persisted PGlite directory, or a
 * real Postgres that already has some of it).
 */

/**
 * The cluster-wide part (roles are shared by every database of a Postgres server): the API roles,
 * and the statement timeouts Supabase gives them (anon 3 s, authenticated 8 s, and 8 s for the
 * authenticator that PostgREST logs in as, which service_role inherits), set only where the role
 * has none yet, so an operator's `ALTER ROLE … SET statement_timeout` wins. Safe to run from
 * several processes at once: a role created meanwhile by another is not an error.
 */
export const SUPABASE_ROLES_SQL = String.raw`
do $bootstrap$
declare
  spec text[];
begin
  foreach spec slice 1 in array array[
    ['anon', 'nologin noinherit'],
    ['authenticated', 'nologin noinherit'],
    ['service_role', 'nologin noinherit bypassrls'],
    ['authenticator', 'noinherit login']
  ] loop
    if not exists (select 1 from pg_roles where rolname = spec[1]) then
      begin
        execute format('create role %I %s', spec[1], spec[2]);
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
  foreach spec slice 1 in array array[['anon', '3s'], ['authenticated', '8s'], ['authenticator', '8s']] loop
    if not exists (
      select 1 from pg_db_role_setting s cross join lateral unnest(s.setconfig) c
      where s.setrole = (select oid from pg_roles where rolname = spec[1]) and c like 'statement_timeout=%'
    ) then
      execute format('alter role %I set statement_timeout = %L', spec[1], spec[2]);
    end if;
  end loop;
  if not (pg_has_role('authenticator', 'anon', 'member') and pg_has_role('authenticator', 'authenticated', 'member')
          and pg_has_role('authenticator', 'service_role', 'member')) then
    begin
      grant anon, authenticated, service_role to authenticator;
    exception when unique_violation then
      null;
    end;
  end if;
end
$bootstrap$;
`;

/** The per-database part: schema `auth`, its tables and helpers, grants. */
const SUPABASE_DATABASE_SQL = String.raw`
create schema if not exists auth;
create schema if not exists extensions;

create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  instance_id uuid,
  aud varchar(255) default 'authenticated',
  role varchar(255) default 'authenticated',
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb not null default '{}'::jsonb,
  raw_user_meta_data jsonb not null default '{}'::jsonb,
  is_anonymous boolean not null default false,
  phone text,
  banned_until timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index if not exists users_email_key on auth.users (lower(email)) where email is not null;

create table if not exists auth.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists auth.refresh_tokens (
  id bigserial primary key,
  token varchar(255) not null unique,
  user_id uuid not null references auth.users (id) on delete cascade,
  session_id uuid not null references auth.sessions (id) on delete cascade,
  parent varchar(255),
  revoked boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

do $helpers$
begin
  if to_regprocedure('auth.uid()') is null then
    execute $f$
      create function auth.uid() returns uuid language sql stable as $body$
        select coalesce(
          nullif(current_setting('request.jwt.claim.sub', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
        )::uuid
      $body$
    $f$;
  end if;
  if to_regprocedure('auth.role()') is null then
    execute $f$
      create function auth.role() returns text language sql stable as $body$
        select coalesce(
          nullif(current_setting('request.jwt.claim.role', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
        )::text
      $body$
    $f$;
  end if;
  if to_regprocedure('auth.email()') is null then
    execute $f$
      create function auth.email() returns text language sql stable as $body$
        select coalesce(
          nullif(current_setting('request.jwt.claim.email', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
        )::text
      $body$
    $f$;
  end if;
  if to_regprocedure('auth.jwt()') is null then
    execute $f$
      create function auth.jwt() returns jsonb language sql stable as $body$
        select coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $body$
    $f$;
  end if;
end
$helpers$;

grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema extensions to anon, authenticated, service_role;
grant all on all tables in schema auth to service_role;

grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to postgres, anon, authenticated, service_role;
`;

export const SUPABASE_BOOTSTRAP_SQL = SUPABASE_ROLES_SQL + SUPABASE_DATABASE_SQL;
