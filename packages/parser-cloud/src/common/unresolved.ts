/**
 * A value the reader could not work out statically: a variable without a default, an attribute only
 * known after apply, a function we do not evaluate. `text` is the expression as written, `reason`
 * says why, `refs` names the resources it refers to (`aws_security_group.web`), which is how a
 * separate rule finds the group it belongs to.
 */
export class Unresolved {
  constructor(
    readonly text: string,
    readonly reason: string,
    readonly refs: readonly string[] = [],
  ) {}
}

export type Maybe<T> = T | Unresolved;

export function isUnresolved(value: unknown): value is Unresolved {
  return value instanceof Unresolved;
}
