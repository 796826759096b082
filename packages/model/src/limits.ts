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
