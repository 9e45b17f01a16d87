import { parseError } from './postgrest-error';

/** One step of a JSON path: `->key`, `->>key`, `->0`. */
export interface JsonStep {
  arrow: '->' | '->>';
  key: string;
  /** An array index (`->0`, `->-1`) rather than an object key. */
  index: boolean;
}

/** A column (or computed field) with an optional JSON path, as PostgREST's `pField` reads it. */
export interface FieldRef {
  name: string;
  jsonPath: JsonStep[];
}

/**
 * A cursor over one query-parameter value. The grammar follows PostgREST's parser: names are
 * `[A-Za-z0-9_ $]` runs joined by `-` (not `->`) or a double-quoted string with backslash escapes.
 */
export class Cursor {
  pos = 0;
  constructor(readonly text: string, readonly what: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }
  eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }
  skipSpaces(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }
  fail(expected: string): never {
    const found = this.done ? 'end of input' : `"${this.text[this.pos]}"`;
    throw parseError(`${this.what} (${this.text})`, `unexpected ${found} at position ${this.pos + 1}, expecting ${expected}`);
  }

  quoted(): string | undefined {
    if (!this.peek('"')) return undefined;
    let out = '';
    let i = this.pos + 1;
    for (; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '\\' && i + 1 < this.text.length) out += this.text[++i];
      else if (c === '"') break;
      else out += c;
    }
    if (i >= this.text.length) this.fail('closing double quote');
    this.pos = i + 1;
    return out;
  }

  /** A field name, or undefined when none starts here. */
  name(): string | undefined {
    const q = this.quoted();
    if (q !== undefined) return q;
    const start = this.pos;
    while (!this.done) {
      const c = this.text[this.pos] ?? '';
      if (/[\p{L}\p{N}_ $]/u.test(c)) this.pos++;
      else if (c === '-' && this.text[this.pos + 1] !== '>' && /[\p{L}\p{N}_ $]/u.test(this.text[this.pos + 1] ?? '')) this.pos++;
      else break;
    }
    const n = this.text.slice(start, this.pos).trim();
    return n === '' ? undefined : n;
  }

  /** `->key`, `->>1`... */
  jsonPath(): JsonStep[] {
    const steps: JsonStep[] = [];
    for (;;) {
      const arrow = this.eat('->>') ? '->>' : this.eat('->') ? '->' : undefined;
      if (!arrow) return steps;
      const idx = /^-?\d+(?=->|::|\.|,|\)|$)/.exec(this.text.slice(this.pos));
      if (idx) {
        this.pos += idx[0].length;
        steps.push({ arrow, key: idx[0], index: true });
        continue;
      }
      let key = this.quoted();
      if (key === undefined) {
        const m = /^[^(\-:.,>)]+(?:-(?!>)[^(\-:.,>)]+)*/.exec(this.text.slice(this.pos));
        if (!m) this.fail('a JSON key after ' + arrow);
        this.pos += m[0].length;
        key = m[0].trim();
      }
      steps.push({ arrow, key, index: false });
    }
  }

  field(): FieldRef {
    const name = this.name();
    if (name === undefined) this.fail('field name (* or [a..z0..9_$])');
    return { name, jsonPath: this.jsonPath() };
  }

  /** `::type`: a type name as written, looked up in the catalog later. */
  cast(): string | undefined {
    if (!this.peek('::')) return undefined;
    this.pos += 2;
    const m = /^[A-Za-z_][A-Za-z0-9_ ]*(\[\])?/.exec(this.text.slice(this.pos));
    if (!m) this.fail('a type name after "::"');
    this.pos += m[0].length;
    return m[0].trim();
  }
}

/** The JSON key a field answers under: the last JSON key, else the column name. */
export function fieldOutputName(f: FieldRef): string {
  const last = f.jsonPath[f.jsonPath.length - 1];
  return last ? last.key : f.name;
}
