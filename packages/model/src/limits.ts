/**
 * How deep a JSON-like text nests (`[` and `{` outside strings), counted up to `limit + 1`: readers
 * that recurse (jsonc-parser, js-yaml, a model builder) check it first, so a 100,000-deep document
 * gets a diagnostic instead of a stack overflow. Quotes are followed as JSON has them (`"`, with
 * backslash escapes); YAML's single-quoted strings are followed too when `singleQuotes` is set.
 */
export function nestingDepth(text: string, limit: number, singleQuotes = false): number {
  let depth = 0;
  let max = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92 /* \ */ && quote === 34) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 34 /* " */ || (singleQuotes && c === 39) /* ' */) quote = c;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if ((c === 93 /* ] */ || c === 125) /* } */ && depth > 0) depth--;
  }
  return max;
}

/** The deepest nesting the readers accept; real configurations stay far below it. */
export const MAX_NESTING = 500;

/**
 * Appends `items` to `target` one by one. `target.push(...items)` passes every item as an argument
 * and overflows the stack past about 100,000 of them: a file with that many diagnostics, sockets or
 * suppressions would crash the reader.
 */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

const NO_ITEMS: readonly never[] = Object.freeze([]);

/**
 * The empty list that readers give every model object with nothing in a list field (a rule without
 * symbolic references, a cloud device without forwards): one list, since a large estate has hundreds
 * of thousands of such objects. Frozen, so that code adding to it fails loudly; a reader that may
 * add to a list compares it with this one first and makes its own.
 */
export function noItems<T>(): T[] {
  return NO_ITEMS as unknown as T[];
}

/**
 * How many values a parsed document holds when every alias is counted where it is used (YAML's
 * `*name` shares one value by reference: ten levels of ten aliases — a "billion laughs" — are a few
 * dozen objects that a reader walking them visits 10^10 times). Counted through each shared value
 * once, stopping past `limit`; a document nested deeper than MAX_NESTING counts as past it.
 */
export function expandedSize(value: unknown, limit: number): number {
  const sizes = new Map<object, number>();
  const visit = (v: unknown, depth: number): number => {
    if (typeof v !== 'object' || v === null) return 1;
    const known = sizes.get(v);
    if (known !== undefined) return known;
    if (depth > MAX_NESTING) return limit + 1;
    sizes.set(v, limit + 1); // a value that contains itself never ends
    let n = 1;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      n += visit(child, depth + 1);
      if (n > limit) break;
    }
    sizes.set(v, n);
    return n;
  };
  return visit(value, 0);
}

/** The most values a YAML document may expand to through its aliases. */
export const MAX_YAML_VALUES = 1_000_000;
