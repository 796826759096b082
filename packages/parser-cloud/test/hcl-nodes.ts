import type { Node } from '../src/terraform/hcl.js';

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
