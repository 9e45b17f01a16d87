-- Every shape the type generator renders, in a schema of its own (the project's tables are in supabase/migrations).
create schema fixture;
create type fixture.mood as enum ('calm', 'stormy', 'sunny');
create type fixture.address as (street text, mood fixture.mood);
create domain fixture.positive_int as integer not null check (value > 0);

create table fixture.villas (
  id bigint generated always as identity primary key,
  name text not null,
  tags text[] not null default '{}',
  rooms fixture.positive_int,
  mood fixture.mood,
  address fixture.address,
  doubled bigint generated always as (id * 2) stored
);

create table fixture.villa_details (
  villa_id bigint primary key references fixture.villas (id),
  notes jsonb
);

create table fixture.bookings (
  id uuid primary key default gen_random_uuid(),
  villa_id bigint not null references fixture.villas (id),
  nights integer
);

create view fixture.villa_names as select id, name from fixture.villas;
create view fixture.villa_counts as select mood, count(*) as n from fixture.villas group by mood;

create function fixture.villa_label(fixture.villas) returns text language sql stable as $$ select $1.name $$;
create function fixture.find_villas(p_mood fixture.mood, p_limit integer default 10) returns setof fixture.villas language sql stable as $$ select * from fixture.villas where mood = p_mood limit p_limit $$;
create function fixture.villa_stats() returns table (villa_id bigint, total integer) language sql stable as $$ select id, 0 from fixture.villas $$;
create function fixture.echo(p text) returns text language sql immutable as $$ select p $$;
create function fixture.echo(p integer) returns text language sql immutable as $$ select p::text $$;
create function fixture.touch_villa() returns trigger language plpgsql as $$ begin return new; end $$;
