import { describe, expect, it } from 'vitest';
import type { FilterRule, InterfaceMatch, Ruleset } from '@portcullis/model';
import { device, parseText } from './helpers.js';

/*
 * A DNAT rule without `-i` takes the interface every way into its chain requires. The converter
 * keeps each chain's answer once it is found without cutting a loop; these tests hold it to the
 * plain walk over the converted rulesets, over many generated nat tables with loops.
 */

function generator(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * n);
  };
}

const CHAINS = ['PREROUTING', 'c0', 'c1', 'c2', 'c3', 'c4'];
const IN = ['', '', '-i eth0 ', '-i eth1 ', '! -i eth0 ', '-i eth0+ '];

function randomNatTable(next: (n: number) => number): string {
  const lines = ['*nat', ':PREROUTING ACCEPT [0:0]', ...CHAINS.slice(1).map((c) => `:${c} - [0:0]`)];
  const count = 3 + next(14);
  for (let k = 0; k < count; k++) {
    const from = CHAINS[next(CHAINS.length)]!;
    if (next(2) === 0) lines.push(`-A ${from} ${IN[next(IN.length)]!}-j ${CHAINS[1 + next(CHAINS.length - 1)]!}`);
    else lines.push(`-A ${from} ${IN[next(IN.length)]!}-p tcp --dport ${1000 + k} -j DNAT --to-destination 10.0.0.${k}`);
  }
  lines.push('COMMIT');
  return lines.join('\n');
}

const key = (m: InterfaceMatch | undefined): string => (m ? `${m.negated ? '!' : ''}${m.names.join(',')}` : '-');

/** The interface every way from PREROUTING into `chain` requires, walked anew for each question. */
function plainInherited(rulesets: Ruleset[], chain: string, visiting = new Set<string>()): InterfaceMatch | undefined {
  const root = 'nat/PREROUTING';
  if (chain === root || visiting.has(chain)) return undefined;
  visiting.add(chain);
  const reachable = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const rs of rulesets) {
      if (!reachable.has(rs.name)) continue;
      for (const r of rs.rules) {
        if (r.target === undefined || reachable.has(r.target)) continue;
        reachable.add(r.target);
        grew = true;
      }
    }
  }
  let common: InterfaceMatch | undefined;
  for (const rs of rulesets) {
    if (!reachable.has(rs.name)) continue;
    for (const r of rs.rules) {
      if (r.target !== chain) continue;
      const iface = r.inInterface ?? plainInherited(rulesets, rs.name, visiting);
      if (!iface) return undefined;
      if (common && key(common) !== key(iface)) return undefined;
      common = iface;
    }
  }
  visiting.delete(chain);
  return common;
}

describe('interfaces a DNAT inherits from the chains that jump to it', () => {
  it('are the plain walk’s, over generated nat tables with loops', () => {
    const next = generator(7);
    let inherited = 0;
    for (let n = 0; n < 3000; n++) {
      const text = randomNatTable(next);
      const d = device(parseText(text));
      const rulesets = Object.values(d.rulesets);
      const ruleById = new Map<string, { rule: FilterRule; chain: string }>();
      for (const rs of rulesets) for (const rule of rs.rules) ruleById.set(rule.id, { rule, chain: rs.name });
      for (const f of d.forwards) {
        if (!f.enabled) continue;
        const { rule, chain } = ruleById.get(f.ruleId!)!;
        const expected = rule.inInterface ?? plainInherited(rulesets, chain);
        if (!rule.inInterface && expected) inherited++;
        expect({ text, rule: f.ruleId, inInterface: key(f.inInterface) }).toEqual({ text, rule: f.ruleId, inInterface: key(expected) });
      }
    }
    // The tables do exercise inheritance, not only rules with their own `-i`.
    expect(inherited).toBeGreaterThan(100);
  });
});
