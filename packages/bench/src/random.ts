/** mulberry32: a small, fast, seeded generator, so every benchmark input is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  hex(len: number): string;
}

export function rng(seed: number): Rng {
  const next = seeded(seed);
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    hex: (len) => {
      let s = '';
      while (s.length < len) s += Math.floor(next() * 0x100000000).toString(16).padStart(8, '0');
      return s.slice(0, len);
    },
  };
}
