import { parseError } from './postgrest-error';
import { Cursor, type FieldRef } from './postgrest-field';

export type SimpleOperator = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'match' | 'imatch' | 'cs' | 'cd' | 'ov' | 'sl' | 'sr' | 'nxr' | 'nxl' | 'adj';
export type FtsOperator = 'fts' | 'plfts' | 'phfts' | 'wfts';

export type Operation =
  | { op: 'simple'; operator: SimpleOperator; quantifier?: 'any' | 'all'; value: string }
  | { op: 'in'; list: string[] }
  | { op: 'is'; value: 'null' | 'not_null' | 'true' | 'false' | 'unknown' }
  | { op: 'isdistinct'; value: string }
  | { op: 'fts'; operator: FtsOperator; language?: string; value: string };

export interface Condition {
  kind: 'cond';
  field: FieldRef;
  negate: boolean;
  operation: Operation;
}

export interface LogicTree {
  kind: 'logic';
  op: 'and' | 'or';
  negate: boolean;
  children: Filter[];
}

export type Filter = Condition | LogicTree;

const SIMPLE = new Set(['neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj']);
const QUANTIFIABLE = new Set(['eq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch']);
const IS_VALUES = ['null', 'not_null', 'true', 'false', 'unknown'] as const;

/** `[not.]op.value` (the value of `col=...`, or the rest of a logic-tree item). */
export function parseOperation(expr: string, what: string, inLogic: boolean): { negate: boolean; operation: Operation } {
  let rest = expr;
  const negate = rest.startsWith('not.');
  if (negate) rest = rest.slice(4);
  const fail = (): never => {
    throw parseError(`${what} (${expr})`, `unexpected "${rest.slice(0, 1)}" expecting ${negate ? '' : '"not" or '}operator (eq, gt, ...)`);
  };
  const m = /^([a-z]+)(?:\(([^)]*)\))?\./.exec(rest);
  if (!m) return fail();
  const name = m[1] ?? '';
  const arg = m[2];
  let value = rest.slice(m[0].length);
  if (inLogic && value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
  if (name === 'in' && arg === undefined) return { negate, operation: { op: 'in', list: parseList(value, expr, what) } };
  if (name === 'is' && arg === undefined) {
    const v = IS_VALUES.find((x) => x === value.toLowerCase());
    if (!v) throw parseError(`${what} (${expr})`, `unexpected "${value}" expecting isVal: (null, not_null, true, false, unknown)`);
    return { negate, operation: { op: 'is', value: v } };
  }
  if (name === 'isdistinct' && arg === undefined) return { negate, operation: { op: 'isdistinct', value } };
  if ((name === 'fts' || name === 'plfts' || name === 'phfts' || name === 'wfts')) {
    if (arg !== undefined && !/^[\p{L}\p{N}_ $]+$/u.test(arg)) return fail();
    return { negate, operation: { op: 'fts', operator: name, language: arg?.trim(), value } };
  }
  if (SIMPLE.has(name) && arg === undefined) return { negate, operation: { op: 'simple', operator: name as SimpleOperator, value } };
  if (QUANTIFIABLE.has(name)) {
    if (arg !== undefined && arg !== 'any' && arg !== 'all') return fail();
    return { negate, operation: { op: 'simple', operator: name as SimpleOperator, quantifier: arg as 'any' | 'all' | undefined, value } };
  }
  return fail();
}

/** `(a,"b,c",d)`: comma-separated, double quotes protect reserved characters, backslash escapes. */
export function parseList(value: string, expr: string, what: string): string[] {
  if (!value.startsWith('(') || !value.endsWith(')')) throw parseError(`${what} (${expr})`, `unexpected "${value.slice(0, 1)}" expecting "("`);
  const body = value.slice(1, -1);
  return splitTopLevel(body, expr, what).map((item) => (item.length >= 2 && item.startsWith('"') && item.endsWith('"') ? item.slice(1, -1).replace(/\\(.)/g, '$1') : item));
}

/** Splits on commas outside quotes and parentheses. */
export function splitTopLevel(s: string, expr: string, what: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth < 0) throw parseError(`${what} (${expr})`, `unexpected ")" at position ${i + 1}`);
    } else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted || depth !== 0) throw parseError(`${what} (${expr})`, quoted ? 'unexpected end of input expecting closing double quote' : 'unexpected end of input expecting ")"');
  parts.push(s.slice(start));
  return parts;
}

/** `or=(a.eq.1,and(b.gt.2,c.lt.3))` for the value of a logic key (`op` from the key). */
export function parseLogicTree(op: 'and' | 'or', negate: boolean, value: string): LogicTree {
  const what = 'logic tree';
  if (!value.startsWith('(') || !value.endsWith(')')) throw parseError(`${what} (${value})`, `unexpected "${value.slice(0, 1)}" expecting "("`);
  return { kind: 'logic', op, negate, children: logicItems(value.slice(1, -1), value) };
}

function logicItems(body: string, expr: string): Filter[] {
  if (body.trim() === '') throw parseError(`logic tree (${expr})`, 'unexpected ")" expecting a condition');
  return splitTopLevel(body, expr, 'logic tree').map((raw) => {
    const item = raw.trim();
    const nested = /^(not\.)?(and|or)\((.*)\)$/s.exec(item);
    if (nested) return { kind: 'logic', op: nested[2] as 'and' | 'or', negate: nested[1] !== undefined, children: logicItems(nested[3] ?? '', expr) };
    const c = new Cursor(item, 'logic tree');
    const field = c.field();
    if (!c.eat('.')) c.fail('"." after the field');
    const { negate, operation } = parseOperation(item.slice(c.pos), 'logic tree', true);
    return { kind: 'cond', field, negate, operation };
  });
}
