import { IntervalSet, numberDomain, type InterfaceMatch } from '@portcullis/model';

/**
 * Interface names become a finite dimension of the header space. Every exact name a device's rules
 * mention is an atom; every wildcard prefix (`eth+`) adds an atom for "some other interface whose name
 * starts with it"; one last atom stands for any interface nobody names. A match on names is then a set
 * of atoms, so `! -i lo` and `-i ppp+` are plain set operations.
 */
export class InterfaceAtoms {
  private readonly atoms: { name: string; wildcard: boolean }[] = [];
  private readonly index = new Map<string, number>();
  private readonly matches = new Map<string, IntervalSet<number>>();
  private everyInterface: IntervalSet<number> | undefined;
  readonly domain;

  /**
   * The atoms of a device whose rules name these interfaces. A device that names none but loopback
   * (a security group, most hosts) has the same atoms as every other such device: one object for
   * all of them, instead of its own maps for each of 50,000 groups.
   */
  static of(names: ReadonlySet<string>): InterfaceAtoms {
    if (names.size === 0 || (names.size === 1 && names.has('lo'))) return (UNNAMED ??= new InterfaceAtoms([]));
    return new InterfaceAtoms(names);
  }

  constructor(names: Iterable<string>) {
    const set = new Set<string>(['lo']);
    for (const n of names) set.add(n);
    for (const raw of [...set].sort()) {
      const wildcard = raw.endsWith('+') || raw.endsWith('*');
      const name = wildcard ? raw.slice(0, -1) : raw;
      const key = wildcard ? `${name}+` : name;
      if (!this.index.has(key)) {
        this.index.set(key, this.atoms.length);
        this.atoms.push({ name, wildcard });
      }
    }
    if (!this.index.has('+')) {
      this.index.set('+', this.atoms.length);
      this.atoms.push({ name: '', wildcard: true });
    }
    this.domain = numberDomain(0, this.atoms.length - 1);
  }

  all(): IntervalSet<number> {
    return (this.everyInterface ??= IntervalSet.full(this.domain));
  }

  /** The atoms a written name or pattern can be. */
  private atomsFor(pattern: string): number[] {
    const wildcard = pattern.endsWith('+') || pattern.endsWith('*');
    const name = wildcard ? pattern.slice(0, -1) : pattern;
    if (!wildcard) {
      // An exact name is the one atom of that name (a router with thousands of interfaces names each once).
      const i = this.index.get(name);
      return i === undefined ? [] : [i];
    }
    // A pattern: every atom under its prefix, an exact name or "other names" under a longer-or-equal prefix.
    const out: number[] = [];
    this.atoms.forEach((atom, i) => {
      if (atom.name.startsWith(name)) out.push(i);
    });
    return out;
  }

  match(m: InterfaceMatch | undefined): IntervalSet<number> {
    if (!m) return this.all();
    // Rules name the same few interfaces again and again: each match is worked out once.
    const key = `${m.negated ? '!' : ''}${m.names.join('\n')}`;
    let set = this.matches.get(key);
    if (!set) {
      const hits = m.names.flatMap((n) => this.atomsFor(n));
      set = IntervalSet.of(this.domain, hits.map((i) => [i, i] as const));
      if (m.negated) set = set.complement();
      this.matches.set(key, set);
    }
    return set;
  }

  names(set: IntervalSet<number>): string[] {
    const out: string[] = [];
    for (const [lo, hi] of set.ranges()) {
      for (let i = lo; i <= hi; i++) {
        const a = this.atoms[i];
        if (a) out.push(a.wildcard ? `${a.name}+` : a.name);
      }
    }
    return out;
  }
}

let UNNAMED: InterfaceAtoms | undefined;
