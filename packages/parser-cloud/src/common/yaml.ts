import { load, YAMLException, type Schema, type State } from 'js-yaml';
import { MAX_YAML_VALUES, expandedSize } from '@portcullis/model';
import { LineIndex, Positions, type Document } from './document.js';
import type { Span } from './report.js';

/*
 * js-yaml drops positions; its parse listener still sees where every node opens and closes. We keep
 * a stack of open nodes and, as each closes, record its span, the spans of a mapping's keys and of a
 * sequence's items, beside the values (a WeakMap), never inside them.
 */

interface Frame {
  start: number;
  children: Closed[];
}

interface Closed {
  start: number;
  end: number;
  result: unknown;
}

export function loadYaml(text: string, schema: Schema): Document {
  const index = new LineIndex(text);
  const positions = new Positions();
  const stack: Frame[] = [];
  const span = (start: number, end: number): Span => index.span(start, end);
  const listener = (event: 'open' | 'close', state: State): void => {
    if (event === 'open') {
      stack.push({ start: state.position, children: [] });
      return;
    }
    const frame = stack.pop();
    if (!frame) return;
    const start = skipBlank(text, frame.start, state.position);
    const end = trimEnd(text, start, state.position);
    const result: unknown = state.result;
    const closed: Closed = { start, end, result };
    stack[stack.length - 1]?.children.push(closed);
    if (typeof result !== 'object' || result === null || end <= start) return;
    positions.setNode(result, span(start, end));
    if (state.kind === 'sequence' && Array.isArray(result) && frame.children.length === result.length) {
      positions.setItems(result, frame.children.map((c) => span(c.start, c.end)));
    } else if (state.kind === 'mapping' && !Array.isArray(result)) {
      pairKeys(result as Record<string, unknown>, frame.children, (key, from, to) => positions.setKey(result, key, span(from, to)));
    }
  };
  try {
    const value = load(text, { schema, listener, json: false });
    if (expandedSize(value, MAX_YAML_VALUES) > MAX_YAML_VALUES) {
      // Aliases shared by reference cost nothing to load; every reader after this would walk them all.
      return { value: undefined, positions, errors: [{ line: 1, column: 1, message: `YAML: the document's aliases expand to more than ${MAX_YAML_VALUES} values (an alias bomb); not read` }] };
    }
    return { value, positions, errors: [] };
  } catch (error) {
    if (error instanceof YAMLException) {
      return { value: undefined, positions, errors: [{ line: error.mark.line + 1, column: error.mark.column + 1, message: `YAML: ${error.reason}` }] };
    }
    // js-yaml recurses: a document nested thousands deep overflows the stack, caught here.
    const why = error instanceof RangeError ? `it is nested too deep (${error.message})` : String(error);
    return { value: undefined, positions, errors: [{ line: 1, column: 1, message: `the YAML could not be read: ${why}` }] };
  }
}

/**
 * A mapping's children are its keys and values in order. A key whose value is empty may have no
 * value node at all, so pairs are found by looking at the values, not by counting.
 */
function pairKeys(map: Record<string, unknown>, children: Closed[], set: (key: string, from: number, to: number) => void): void {
  let i = 0;
  while (i < children.length) {
    const key = children[i]!;
    i++;
    if (typeof key.result !== 'string' && typeof key.result !== 'number' && typeof key.result !== 'boolean') continue;
    const name = String(key.result);
    if (!(name in map) && name !== '<<') continue;
    const next = children[i];
    const value = map[name];
    if (next && (value !== null || next.result === null)) {
      set(name, key.start, Math.max(key.end, next.end));
      i++;
    } else {
      set(name, key.start, key.end);
    }
  }
}

/** From a node's opening position: past blanks, line breaks and comment lines to its first character. */
function skipBlank(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 35 /* # */) {
      while (i < limit && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    } else break;
  }
  return i < limit ? i : from;
}

/** Back from a node's closing position over blanks and whole comment lines. */
function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  for (;;) {
    while (e > start && /\s/.test(text[e - 1]!)) e--;
    const lineStart = lineStartBefore(text, e);
    if (lineStart <= start) return e;
    const line = text.slice(lineStart, e).trimStart();
    if (!line.startsWith('#')) return e;
    e = lineStart;
  }
}

/**
 * Where the line holding offset `e - 1` starts (after a `\n` or a `\r`). Looked for one character
 * at a time: `lastIndexOf('\r')` in a file without one reads back to its start, at every node.
 */
function lineStartBefore(text: string, e: number): number {
  let i = e - 1;
  while (i >= 0) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i--;
  }
  return i + 1;
}
