import { Cursor, type FieldRef } from './postgrest-field';

export type AggregateName = 'count' | 'sum' | 'avg' | 'min' | 'max';

export interface SelectField {
  type: 'field';
  alias?: string;
  /** `*` for every column; name '' with aggregate count for `count()`. */
  field: FieldRef;
  cast?: string;
  aggregate?: AggregateName;
  aggregateCast?: string;
}

export interface SelectEmbed {
  type: 'embed';
  alias?: string;
  name: string;
  hint?: string;
  joinType?: 'inner' | 'left';
  spread: boolean;
  children: SelectItem[];
}

export type SelectItem = SelectField | SelectEmbed;

const AGGREGATES: AggregateName[] = ['sum', 'avg', 'count', 'max', 'min'];

/** Parses PostgREST's `select` parameter into a tree (fields, embedded resources, spreads, aggregates). */
export function parseSelect(raw: string | null): SelectItem[] {
  const text = raw === null || raw.trim() === '' ? '*' : raw;
  const c = new Cursor(text, 'select');
  const items = forest(c);
  if (!c.done) c.fail('",", ")" or end of input');
  return items;
}

function forest(c: Cursor): SelectItem[] {
  const items: SelectItem[] = [];
  for (;;) {
    c.skipSpaces();
    if (c.peek(')') || c.done) {
      // An empty forest is allowed inside an embed: `users()`.
      return items;
    }
    items.push(item(c));
    c.skipSpaces();
    if (!c.eat(',')) return items;
  }
}

function embedParams(c: Cursor): { hint?: string; joinType?: 'inner' | 'left' } {
  const out: { hint?: string; joinType?: 'inner' | 'left' } = {};
  for (let i = 0; i < 2 && c.eat('!'); i++) {
    if (c.eat('inner')) out.joinType = 'inner';
    else if (c.eat('left')) out.joinType = 'left';
    else out.hint = c.name() ?? c.fail('a hint or join type after "!"');
  }
  return out;
}

function children(c: Cursor): SelectItem[] {
  if (!c.eat('(')) c.fail('"("');
  const kids = forest(c);
  c.skipSpaces();
  if (!c.eat(')')) c.fail('")"');
  return kids;
}

function item(c: Cursor): SelectItem {
  if (c.eat('...')) {
    const name = c.name() ?? c.fail('a relation name after "..."');
    const params = embedParams(c);
    return { type: 'embed', name, ...params, spread: true, children: children(c) };
  }
  if (c.eat('*')) return { type: 'field', field: { name: '*', jsonPath: [] } };
  const start = c.pos;
  let alias: string | undefined;
  const first = c.name();
  if (first !== undefined && c.peek(':') && !c.peek('::')) {
    c.pos++;
    alias = first;
  } else c.pos = start;
  if (c.eat('count()')) {
    return { type: 'field', alias, field: { name: '', jsonPath: [] }, aggregate: 'count', aggregateCast: c.cast() };
  }
  const afterAlias = c.pos;
  const name = c.name();
  if (name !== undefined && name !== 'count' && (c.peek('(') || c.peek('!'))) {
    const params = embedParams(c);
    return { type: 'embed', alias, name, ...params, spread: false, children: children(c) };
  }
  c.pos = afterAlias;
  const field = c.field();
  const cast = c.cast();
  let aggregate: AggregateName | undefined;
  if (c.peek('.')) {
    const m = /^\.(sum|avg|count|max|min)\(\)/.exec(c.text.slice(c.pos));
    if (!m) c.fail(`an aggregate (${AGGREGATES.join('(), ')}()) after "."`);
    c.pos += m[0].length;
    aggregate = m[1] as AggregateName;
  }
  const aggregateCast = aggregate ? c.cast() : undefined;
  return { type: 'field', alias, field, cast, aggregate, aggregateCast };
}
