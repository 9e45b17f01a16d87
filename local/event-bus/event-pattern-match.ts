import { ValidationError } from '../../shared/domain/errors';
import { showValue as show } from '../../shared/domain/show-value';

/**
 * EventBridge event-pattern matching, as the event bus applies it to rules.
 *
 * Semantics follow the EventBridge user guide ("Content filtering in Amazon EventBridge event
 * patterns", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html)
 * and AWS's reference matcher aws/event-ruler (README and JsonRuleCompiler):
 * - fields in a pattern are ANDed, values in a field's array are ORed; `$or` ORs whole sub-patterns;
 * - when the event holds an array, a field matches if any element matches (arrays of objects are
 *   matched element by element, so two fields cannot be satisfied by different elements);
 * - exact strings, numbers (numerically: 300 matches 3.0e2), booleans and null;
 * - prefix / suffix (optionally `{"equals-ignore-case": ...}`), equals-ignore-case, wildcard (`*`,
 *   with `\*` and `\\` as escapes), numeric ranges, exists, cidr;
 * - anything-but with a value, a list (all strings or all numbers), or `{prefix|suffix|wildcard|
 *   equals-ignore-case: string | string[]}`. anything-but never matches a missing field.
 * - exists works on leaves only: a field holding an object counts as absent.
 */

type Leaf = string | number | boolean | null;
type ValueMatcher = { matches(value: Leaf): boolean; matchesMissing: boolean };
type ObjectMatcher = (node: Record<string, unknown>) => boolean;
export type CompiledEventPattern = (event: unknown) => boolean;

/** Numeric matching is limited to this range, as in EventBridge (event-ruler uses ±5.0e9). */
const NUMERIC_LIMIT = 5e9;
const NUMERIC_OPS = new Set(['=', '<', '<=', '>', '>=']);

const compiledCache = new WeakMap<object, CompiledEventPattern>();

function fail(path: string, message: string): never {
  throw new ValidationError(`eventPattern${path}`, `Invalid event pattern at ${path || '(root)'}: ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws a ValidationError naming the offending path when `pattern` is not a valid EventBridge pattern. */
export function validateEventPattern(pattern: unknown): void {
  compileEventPattern(pattern);
}

/** Compiles (and validates) a pattern once; the result tests events cheaply. */
export function compileEventPattern(pattern: unknown): CompiledEventPattern {
  if (isPlainObject(pattern)) {
    const cached = compiledCache.get(pattern);
    if (cached) return cached;
  }
  if (!isPlainObject(pattern)) fail('', `a pattern must be a JSON object, received ${show(pattern)}`);
  const matchObject = compileObject(pattern, '');
  const compiled: CompiledEventPattern = (event) => isPlainObject(event) && matchObject(event);
  compiledCache.set(pattern, compiled);
  return compiled;
}

/** Whether `event` matches `pattern` (validated first: an invalid pattern throws rather than matching nothing). */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}

function compileObject(pattern: Record<string, unknown>, path: string): ObjectMatcher {
  const keys = Object.keys(pattern);
  if (keys.length === 0) fail(path, 'empty objects are not allowed');
  const parts: ObjectMatcher[] = keys.map((key) => {
    const value = pattern[key];
    const childPath = `${path}.${key}`;
    if (key === '$or' && Array.isArray(value)) return compileOr(value, childPath);
    if (Array.isArray(value)) return compileField(key, value, childPath);
    if (isPlainObject(value)) {
      const child = compileObject(value, childPath);
      return (node) => matchNested(child, node[key]);
    }
    return fail(childPath, `a field must hold an array of values or a nested object, received ${show(value)}`);
  });
  return (node) => parts.every((part) => part(node));
}

function compileOr(alternatives: unknown[], path: string): ObjectMatcher {
  if (alternatives.length < 2) fail(path, `"$or" needs at least 2 objects, received ${alternatives.length}`);
  const compiled = alternatives.map((alternative, index) => {
    if (!isPlainObject(alternative)) fail(`${path}[${index}]`, `only objects are allowed in "$or", received ${show(alternative)}`);
    return compileObject(alternative, `${path}[${index}]`);
  });
  return (node) => compiled.some((matcher) => matcher(node));
}

/** A nested pattern applies to an object, to any object in an array, or (absent) to nothing at all. */
function matchNested(child: ObjectMatcher, value: unknown): boolean {
  if (isPlainObject(value)) return child(value);
  if (Array.isArray(value)) {
    const objects = value.flat(Infinity).filter(isPlainObject);
    if (objects.length > 0) return objects.some((element) => child(element));
  }
  // Missing (or a scalar where an object was expected): only `exists: false` style leaves can match.
  return child({});
}

function compileField(key: string, values: unknown[], path: string): ObjectMatcher {
  if (values.length === 0) fail(path, 'empty arrays are not allowed');
  const matchers = values.map((value, index) => compileValue(value, `${path}[${index}]`));
  const matchesMissing = matchers.some((matcher) => matcher.matchesMissing);
  return (node) => {
    const leaves = leavesOf(node[key]);
    if (leaves.length === 0) return matchesMissing;
    return leaves.some((leaf) => matchers.some((matcher) => matcher.matches(leaf)));
  };
}

/** The scalar values an event field holds: itself, or its array's scalars (objects are not leaves). */
function leavesOf(value: unknown): Leaf[] {
  if (value === undefined || isPlainObject(value)) return [];
  if (Array.isArray(value)) return value.flat(Infinity).filter((element): element is Leaf => !isPlainObject(element) && element !== undefined);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return [value];
  return [];
}

const present = (test: (value: Leaf) => boolean): ValueMatcher => ({ matches: test, matchesMissing: false });

function compileValue(value: unknown, path: string): ValueMatcher {
  if (typeof value === 'string') return present((v) => v === value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(path, `numbers must be finite, received ${show(value)}`);
    return present((v) => v === value);
  }
  if (typeof value === 'boolean' || value === null) return present((v) => v === value);
  if (!isPlainObject(value)) fail(path, `a match value must be a string, number, boolean, null or a match object, received ${show(value)}`);
  const keys = Object.keys(value);
  if (keys.length !== 1) fail(path, `a match object takes exactly one operator, received ${show(value)}`);
  const op = keys[0] as string;
  const arg = value[op];
  const opPath = `${path}.${op}`;
  switch (op) {
    case 'prefix': {
      const { text, ignoreCase } = stringOrIgnoreCase(arg, opPath);
      return present((v) => typeof v === 'string' && startsWith(v, text, ignoreCase));
    }
    case 'suffix': {
      const { text, ignoreCase } = stringOrIgnoreCase(arg, opPath);
      return present((v) => typeof v === 'string' && endsWith(v, text, ignoreCase));
    }
    case 'equals-ignore-case': {
      const text = requireString(arg, opPath);
      return present((v) => typeof v === 'string' && equalsIgnoreCase(v, text));
    }
    case 'wildcard': {
      const regex = compileWildcard(requireString(arg, opPath), opPath);
      return present((v) => typeof v === 'string' && regex.test(v));
    }
    case 'anything-but':
      return compileAnythingBut(arg, opPath);
    case 'numeric': {
      const test = compileNumeric(arg, opPath);
      return present((v) => typeof v === 'number' && test(v));
    }
    case 'exists':
      if (typeof arg !== 'boolean') fail(opPath, `"exists" takes true or false, received ${show(arg)}`);
      return arg ? present(() => true) : { matches: () => false, matchesMissing: true };
    case 'cidr': {
      const test = compileCidr(requireString(arg, opPath), opPath);
      return present((v) => typeof v === 'string' && test(v));
    }
    default:
      return fail(path, `unrecognized match type ${show(op)}`);
  }
}

function requireString(arg: unknown, path: string): string {
  if (typeof arg !== 'string') fail(path, `must be a string, received ${show(arg)}`);
  return arg;
}

function stringOrIgnoreCase(arg: unknown, path: string): { text: string; ignoreCase: boolean } {
  if (typeof arg === 'string') return { text: arg, ignoreCase: false };
  if (isPlainObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
    return { text: arg['equals-ignore-case'], ignoreCase: true };
  }
  return fail(path, `must be a string or {"equals-ignore-case": string}, received ${show(arg)}`);
}

const fold = (text: string): string => text.toLowerCase();
const startsWith = (v: string, p: string, ignoreCase: boolean): boolean => (ignoreCase ? fold(v).startsWith(fold(p)) : v.startsWith(p));
const endsWith = (v: string, s: string, ignoreCase: boolean): boolean => (ignoreCase ? fold(v).endsWith(fold(s)) : v.endsWith(s));
const equalsIgnoreCase = (a: string, b: string): boolean => fold(a) === fold(b);

function compileAnythingBut(arg: unknown, path: string): ValueMatcher {
  // anything-but matches any present value that is not excluded, whatever its type; never a missing field.
  if (typeof arg === 'string' || typeof arg === 'number') return present((v) => v !== arg);
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail(path, 'the anything-but list must not be empty');
    const allStrings = arg.every((item) => typeof item === 'string');
    const allNumbers = arg.every((item) => typeof item === 'number' && Number.isFinite(item));
    if (!allStrings && !allNumbers) fail(path, `the anything-but list must hold only strings or only numbers, received ${show(arg)}`);
    const excluded = new Set<unknown>(arg);
    return present((v) => !excluded.has(v));
  }
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1) fail(path, `anything-but takes one of prefix, suffix, wildcard, equals-ignore-case, received ${show(arg)}`);
    const op = keys[0] as string;
    const opPath = `${path}.${op}`;
    const raw = arg[op];
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0) fail(opPath, 'the list must not be empty');
    const texts = list.map((item, index) => requireString(item, Array.isArray(raw) ? `${opPath}[${index}]` : opPath));
    let excludedBy: (v: string) => boolean;
    switch (op) {
      case 'prefix':
        if (texts.some((t) => t === '')) fail(opPath, 'an empty prefix is not allowed');
        excludedBy = (v) => texts.some((t) => v.startsWith(t));
        break;
      case 'suffix':
        if (texts.some((t) => t === '')) fail(opPath, 'an empty suffix is not allowed');
        excludedBy = (v) => texts.some((t) => v.endsWith(t));
        break;
      case 'equals-ignore-case':
        excludedBy = (v) => texts.some((t) => equalsIgnoreCase(v, t));
        break;
      case 'wildcard': {
        const regexes = texts.map((t) => compileWildcard(t, opPath));
        excludedBy = (v) => regexes.some((r) => r.test(v));
        break;
      }
      default:
        return fail(path, `unsupported anything-but operator ${show(op)}`);
    }
    return present((v) => typeof v !== 'string' || !excludedBy(v));
  }
  return fail(path, `anything-but takes a string, a number, a list or an operator object, received ${show(arg)}`);
}

function compileWildcard(pattern: string, path: string): RegExp {
  let source = '';
  let previousWasStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') fail(path, `a backslash may only escape "*" or "\\", in ${show(pattern)}`);
      source += `\\${next}`;
      i++;
      previousWasStar = false;
    } else if (ch === '*') {
      if (previousWasStar) fail(path, `consecutive wildcard characters are not allowed, in ${show(pattern)}`);
      source += '.*';
      previousWasStar = true;
    } else {
      source += ch.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
      previousWasStar = false;
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function compileNumeric(arg: unknown, path: string): (value: number) => boolean {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) {
    fail(path, `must be an array of operator/number pairs, e.g. [">", 0, "<=", 5], received ${show(arg)}`);
  }
  const tests: Array<(v: number) => boolean> = [];
  let lower: number | undefined;
  let upper: number | undefined;
  let equals = false;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const bound = arg[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPS.has(op)) fail(`${path}[${i}]`, `unknown numeric operator ${show(op)}`);
    if (typeof bound !== 'number' || !Number.isFinite(bound)) fail(`${path}[${i + 1}]`, `must be a number, received ${show(bound)}`);
    if (bound < -NUMERIC_LIMIT || bound > NUMERIC_LIMIT) fail(`${path}[${i + 1}]`, `must be between -5e9 and 5e9, received ${bound}`);
    if (op === '=') {
      if (arg.length !== 2) fail(path, `"=" cannot be combined with other operators, received ${show(arg)}`);
      equals = true;
      tests.push((v) => v === bound);
    } else if (op === '>' || op === '>=') {
      if (lower !== undefined) fail(path, `only one lower bound is allowed, received ${show(arg)}`);
      lower = bound;
      tests.push(op === '>' ? (v) => v > bound : (v) => v >= bound);
    } else {
      if (upper !== undefined) fail(path, `only one upper bound is allowed, received ${show(arg)}`);
      upper = bound;
      tests.push(op === '<' ? (v) => v < bound : (v) => v <= bound);
    }
  }
  if (!equals && lower !== undefined && upper !== undefined && lower >= upper) {
    fail(path, `the lower bound must be below the upper bound, received ${show(arg)}`);
  }
  return (v) => tests.every((test) => test(v));
}

function compileCidr(cidr: string, path: string): (value: string) => boolean {
  const [address, bitsText, extra] = cidr.split('/');
  const parsed = address === undefined ? null : parseIp(address);
  const bits = Number(bitsText);
  if (extra !== undefined || !parsed || !Number.isInteger(bits) || bits < 0 || bits > parsed.width) {
    fail(path, `must be an IPv4 or IPv6 CIDR block such as "10.0.0.0/24", received ${show(cidr)}`);
  }
  const shift = BigInt(parsed.width - bits);
  const network = parsed.value >> shift;
  return (value) => {
    const ip = parseIp(value);
    return ip !== null && ip.width === parsed.width && ip.value >> shift === network;
  };
}

function parseIp(text: string): { value: bigint; width: 32 | 128 } | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return null;
    return { value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), width: 32 };
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || !text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return null;
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n), width: 128 };
}
