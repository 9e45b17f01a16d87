import { closest } from './fuzzy-hint';
import { PostgrestError } from './postgrest-error';
import type { FunctionInfo } from './schema-types';

export type BodyKind = 'json' | 'text' | 'xml' | 'bytea';

const UNNAMED_TYPE: Record<BodyKind, string[]> = { json: ['json', 'jsonb'], text: ['text'], xml: ['xml'], bytea: ['bytea'] };

function matchesParams(f: FunctionInfo, keys: Set<string>, post: boolean, body: BodyKind): boolean {
  if (f.args.length === 0) return keys.size === 0 && !(post && body !== 'json');
  const required = f.args.filter((a) => !a.hasDefault).map((a) => a.name);
  const optional = new Set(f.args.filter((a) => a.hasDefault).map((a) => a.name));
  const rest = [...keys].filter((k) => !optional.has(k));
  return rest.length === required.length && required.every((r) => keys.has(r));
}

function singleUnnamed(f: FunctionInfo, post: boolean, body: BodyKind): boolean {
  const only = f.args.length === 1 ? f.args[0] : undefined;
  return post && only !== undefined && only.name === '' && UNNAMED_TYPE[body].includes(only.type);
}

const signature = (f: FunctionInfo): string => `${f.schema}.${f.name}(${f.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`;

/**
 * Picks the function a call means, as PostgREST's findProc: the overloads whose parameters the
 * argument keys match (required ones all given, the rest optional), else the one taking a single
 * unnamed json/text/xml/bytea body. None: 404 PGRST202; several: 300 PGRST203.
 */
export function pickFunction(schema: string, name: string, all: FunctionInfo[], keys: Set<string>, post: boolean, body: BodyKind, allNames: string[]): FunctionInfo {
  const fns = all.filter((f) => f.callable);
  const named = fns.filter((f) => matchesParams(f, keys, post, body));
  const fallback = fns.filter((f) => !matchesParams(f, keys, post, body) && singleUnnamed(f, post, body));
  // Candidates listed in the order PostgREST's schema cache yields them: functions without
  // arguments first, then the others newest first.
  const found = named.length > 0 ? named : fallback;
  const pick = [...found.filter((f) => f.args.length === 0), ...found.filter((f) => f.args.length > 0).reverse()];
  if (pick.length === 1 && pick[0]) return pick[0];
  if (pick.length > 1) {
    throw new PostgrestError(300, 'PGRST203', `Could not choose the best candidate function between: ${pick.map(signature).join(', ')}`, null, 'Try renaming the parameters or the function itself in the database so function overloading can be resolved');
  }
  const given = [...keys].sort();
  const onlySingle = post && body !== 'json';
  const withParams = given.length === 0 ? ' without parameters' : ` with parameter${given.length > 1 ? 's' : ''} ${given.join(', ')}`;
  const searched =
    post && body === 'text' ? ' with a single unnamed text parameter'
      : post && body === 'xml' ? ' with a single unnamed xml parameter'
        : post && body === 'bytea' ? ' with a single unnamed bytea parameter'
          : post ? `${withParams} or with a single unnamed json/jsonb parameter` : withParams;
  let hint: string | null = null;
  if (!onlySingle) {
    const asList = (names: string[]): string => `(${[...names].sort().join(', ')})`;
    if (fns.length > 0) {
      const close = closest(asList(given), fns.map((f) => asList(f.args.map((a) => a.name))), 0.33);
      if (close) hint = `Perhaps you meant to call the function ${schema}.${name}${close}`;
    } else {
      const close = closest(name, allNames);
      if (close) hint = `Perhaps you meant to call the function ${schema}.${close}`;
    }
  }
  throw new PostgrestError(
    404,
    'PGRST202',
    `Could not find the function ${schema}.${name}${onlySingle ? '' : given.length === 0 ? ' without parameters' : `(${given.join(', ')})`} in the schema cache`,
    `Searched for the function ${schema}.${name}${searched}, but no matches were found in the schema cache.`,
    hint,
  );
}
