import { named, unescapeQuoted, type Node } from '../src/terraform/hcl.js';

/** Every node of `type` under `root` (itself included), whatever lies between: for tests that check each one. */
export function nodesOfType(root: Node, type: string): Node[] {
  const out: Node[] = [];
  const todo: Node[] = [root];
  while (todo.length > 0) {
    const n = todo.pop()!;
    if (n.type === type) out.push(n);
    for (const c of n.children) if (c !== null) todo.push(c);
  }
  return out;
}

/**
 * A block's type, labels and body as its nodes say, read without the module's code: each child by
 * its type, a quoted label as the text between its quote nodes. What blockParts must give.
 */
export function nodeParts(block: Node): { type: string; labels: string[]; body: Node | undefined } {
  let type = '';
  const labels: string[] = [];
  let body: Node | undefined;
  let header = true;
  for (const c of named(block)) {
    if (c.type === 'body' && !header) {
      body = c;
      break;
    }
    if (!header) continue;
    if (c.type === 'identifier' && type === '') type = c.text;
    else if (c.type === 'string_lit') labels.push(unescapeQuoted(c.text.slice(c.child(0)!.endIndex - c.startIndex, c.child(c.childCount - 1)!.startIndex - c.startIndex)));
    else if (c.type === 'identifier') labels.push(c.text);
    else if (c.type === 'block_start') header = false;
  }
  return { type, labels, body };
}
