import type { Span } from '../common/report.js';
import { Unresolved } from '../common/unresolved.js';
import type { Value } from './evaluate.js';

/*
 * A Terraform resource as the shared schema reads it, whatever it was read from: HCL (with its
 * expressions evaluated) or a plan's JSON values. Nested blocks (`ingress`, `security_rule`,
 * `allow`) are blocks in HCL, `dynamic` blocks expanded, and lists of objects in JSON.
 */

export interface TfAttribute {
  value: Value;
  span: Span;
}

export interface TfBlock {
  readonly file: string;
  readonly span: Span;
  /** Undefined when the attribute is absent or null. */
  attr(name: string): TfAttribute | undefined;
  blocks(type: string): TfBlock[];
  /** Set on a `dynamic` block whose `for_each` could not be expanded. */
  readonly unexpanded?: Unresolved;
}

export interface TfResource extends TfBlock {
  readonly type: string;
  /** `aws_security_group.web`, `aws_security_group.web[0]`, `module.net.aws_security_group.web`. */
  readonly address: string;
}

/** A nested block given as an object value (plan JSON, or attributes-as-blocks in HCL). */
export class ObjectBlock implements TfBlock {
  constructor(
    readonly file: string,
    readonly span: Span,
    private readonly object: Record<string, Value>,
    private readonly spans: (key: string) => Span | undefined = () => undefined,
    private readonly nested: (key: string, index: number) => Span | undefined = () => undefined,
  ) {}

  attr(name: string): TfAttribute | undefined {
    const value = this.object[name];
    if (value === undefined || value === null) return undefined;
    return { value, span: this.spans(name) ?? this.span };
  }

  blocks(type: string): TfBlock[] {
    const v = this.object[type];
    if (!Array.isArray(v)) return [];
    const out: TfBlock[] = [];
    v.forEach((item, i) => {
      if (typeof item === 'object' && item !== null && !Array.isArray(item) && !(item instanceof Unresolved)) {
        out.push(new ObjectBlock(this.file, this.nested(type, i) ?? this.span, item as Record<string, Value>));
      }
    });
    return out;
  }
}
