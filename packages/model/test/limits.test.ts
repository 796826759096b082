import { describe, expect, it } from 'vitest';
import { append, noItems } from '../src/index.js';

describe('list helpers', () => {
  it('append takes more items than a call can have arguments', () => {
    const items = Array.from({ length: 300_000 }, (_, i) => i);
    const out = append([-1], items);
    expect(out).toHaveLength(300_001);
    expect(out[300_000]).toBe(299_999);
  });

  it('noItems is one shared empty list that refuses additions', () => {
    const a = noItems<string>();
    const b = noItems<number>();
    expect(a).toHaveLength(0);
    expect(a as unknown).toBe(b);
    expect(() => a.push('x')).toThrow(TypeError);
    expect(a).toHaveLength(0);
  });
});
