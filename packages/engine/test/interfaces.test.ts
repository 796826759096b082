import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InterfaceAtoms } from '@portcullis/engine';

// Interface names as atoms of a dimension: an exact name is looked up, a pattern (`eth+`) is every
// atom under its prefix. Held here to the plain definition over generated sets of names.
describe('interface atoms', () => {
  const base = fc.constantFrom('eth', 'eth0', 'eth1', 'eth10', 'wlan0', 'ppp', 'ppp0', 'lo', 'br-lan', 'Gi0/1', '');
  const written = fc.tuple(base, fc.constantFrom('', '+', '*')).map(([n, w]) => n + w);

  it('match a name or a pattern to the atoms the plain definition gives', () => {
    fc.assert(
      fc.property(fc.array(written, { maxLength: 8 }), fc.array(written, { minLength: 1, maxLength: 3 }), fc.boolean(), (device, asked, negated) => {
        const atoms = new InterfaceAtoms(device);
        const all = atoms.names(atoms.all());
        // Each atom by its written form: `name` for an exact one, `name+` for "another name under the prefix".
        const plain = (pattern: string): string[] => {
          const wildcard = pattern.endsWith('+') || pattern.endsWith('*');
          const name = wildcard ? pattern.slice(0, -1) : pattern;
          return all.filter((a) => (wildcard ? a.replace(/\+$/, '').startsWith(name) : !a.endsWith('+') && a === name));
        };
        const hit = new Set(asked.flatMap(plain));
        const expected = negated ? all.filter((a) => !hit.has(a)) : all.filter((a) => hit.has(a));
        expect(atoms.names(atoms.match({ names: asked, negated }))).toEqual(expected);
      }),
      { numRuns: 1000, seed: 3 },
    );
  });

  it('give one atom to each of thousands of exact names', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `GigabitEthernet0/${i}`);
    const atoms = new InterfaceAtoms(names);
    for (const n of [names[0]!, names[1234]!, names[2999]!]) expect(atoms.names(atoms.match({ names: [n], negated: false }))).toEqual([n]);
    expect(atoms.names(atoms.match({ names: ['GigabitEthernet9/9'], negated: false }))).toEqual([]);
  });

  it('are one object for every device that names no interface but loopback, and answer as their own would', () => {
    const shared = InterfaceAtoms.of(new Set());
    expect(InterfaceAtoms.of(new Set(['lo']))).toBe(shared);
    const own = new InterfaceAtoms(['lo']);
    for (const names of [['lo'], ['eth0'], ['eth+']]) {
      for (const negated of [false, true]) {
        expect(shared.names(shared.match({ names, negated }))).toEqual(own.names(own.match({ names, negated })));
      }
    }
    const named = InterfaceAtoms.of(new Set(['eth0']));
    expect(named).not.toBe(shared);
    expect(named.names(named.all())).toEqual(['eth0', 'lo', '+']);
  });
});
