import { randomUUID } from 'node:crypto';

/** How many items of the long array go into one piece. */
const ITEMS_PER_PIECE = 256;

/** A string no input can contain: where the long array goes while the rest of the document is written. */
export function placeholder(): string {
  return `portcullis-items-${randomUUID()}`;
}

/**
 * `JSON.stringify(doc, null, 2)` and a newline, in pieces: `doc` holds the string `marker` where a
 * long array goes, the array's items being `depth` levels into the document, and the items are made
 * by `item` and written a few hundred at a time. A report of a hundred thousand findings is hundreds
 * of megabytes: as one string it costs that much memory again, and past about 512 MB V8 cannot make
 * it at all.
 */
export function* jsonInPieces<T>(doc: unknown, marker: string, depth: number, items: readonly T[], item: (x: T) => unknown): Generator<string> {
  const text = JSON.stringify(doc, null, 2);
  const at = text.indexOf(`"${marker}"`);
  if (at < 0) throw new Error('the document does not hold the marker');
  yield `${text.slice(0, at)}[`;
  // Wrapped in depth − 1 more arrays, a run of items comes out indented as it is in the document:
  // the text between the wrappers' opening and closing lines is exactly those items' lines.
  const cut = depth * (depth + 1);
  for (let i = 0; i < items.length; i += ITEMS_PER_PIECE) {
    let wrapped: unknown = items.slice(i, i + ITEMS_PER_PIECE).map(item);
    for (let k = 1; k < depth; k++) wrapped = [wrapped];
    yield `${i === 0 ? '\n' : ',\n'}${JSON.stringify(wrapped, null, 2).slice(cut, -cut)}`;
  }
  yield items.length > 0 ? `\n${'  '.repeat(depth - 1)}]` : ']';
  yield `${text.slice(at + marker.length + 2)}\n`;
}
