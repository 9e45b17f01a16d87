/** Collects bound values and hands out `$n` placeholders: request values only ever travel this way. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A placeholder cast to a catalog type (`format_type` output), e.g. `$3::uuid`. */
  typed(value: unknown, type: string): string {
    return `${this.add(value)}::${type}`;
  }
}

/** Quotes an identifier that came from the catalog; request text is looked up before it gets here. */
export function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
