import { describe, expect, it } from 'vitest';
import { FilterParseError, parsePostgresFilter } from '../../../../local/supabase/realtime/parse-postgres-filter';
import { RateCounter } from '../../../../local/supabase/realtime/realtime-limits';

// The examples of Supabase's own parse_subscription_params documentation, and its error texts.
describe('postgres_changes filter, parsed as Supabase Realtime parses it', () => {
  it('reads operators, not., in lists and quoted values', () => {
    expect(parsePostgresFilter('subject=eq.hey')).toEqual([{ column: 'subject', op: 'eq', value: 'hey', negate: false }]);
    expect(parsePostgresFilter('subject=in.(hidee,ho)')).toEqual([{ column: 'subject', op: 'in', value: '{hidee,ho}', negate: false }]);
    expect(parsePostgresFilter('subject=not.like.hey%')).toEqual([{ column: 'subject', op: 'like', value: 'hey%', negate: true }]);
    expect(parsePostgresFilter('id=gt.0,id=lt.100')).toEqual([
      { column: 'id', op: 'gt', value: '0', negate: false },
      { column: 'id', op: 'lt', value: '100', negate: false },
    ]);
    expect(parsePostgresFilter('name=in.("a,b",c),note=eq."x,\\"y\\""')).toEqual([
      { column: 'name', op: 'in', value: '{"a,b",c}', negate: false },
      { column: 'note', op: 'eq', value: 'x,"y"', negate: false },
    ]);
    expect(parsePostgresFilter('   ')).toEqual([]);
    expect(parsePostgresFilter(undefined)).toEqual([]);
  });

  it('refuses what Supabase refuses, in its words', () => {
    const reason = (f: string): string => {
      try {
        parsePostgresFilter(f);
      } catch (err) {
        if (err instanceof FilterParseError) return err.message;
        throw err;
      }
      throw new Error(`accepted ${f}`);
    };
    expect(reason('subject=foo.hey')).toBe('["foo", "hey"]');
    expect(reason('undefined')).toBe('["undefined"]');
    expect(reason('id=eq.1,,id=eq.2')).toBe('filter must not contain empty segments (check for extra commas)');
    expect(reason('id=in.1,2')).toBe('`in` filter value must be wrapped by parentheses');
  });
});

describe("Supabase's rate counter", () => {
  it('averages the completed 5-second buckets of the last minute', () => {
    let now = 1_000_000;
    const c = new RateCounter(() => now);
    c.add(400);
    expect(c.perSecond()).toBe(0); // no bucket completed yet
    now += 5_000;
    expect(c.perSecond()).toBe(80);
    now += 5_000;
    expect(c.perSecond()).toBe(40);
    now += 60_000;
    expect(c.perSecond()).toBe(0);
  });
});
