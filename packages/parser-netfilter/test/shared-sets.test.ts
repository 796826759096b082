import { describe, expect, it } from 'vitest';
import { AddressSet, parseAddressSet } from '@portcullis/model';
import { device, parseText, ruleAt, view } from './helpers.js';

/*
 * Rules that name the same addresses share one set object (the model keeps every rule's sets, and a
 * kube-proxy dump names each address in several rules). Sharing must never make two different
 * sets one: each rule still reads as its own text says.
 */

function file(rules: string[], table = 'nat'): string {
  const chains = table === 'nat' ? ['PREROUTING', 'OUTPUT', 'POSTROUTING'] : ['INPUT', 'FORWARD', 'OUTPUT'];
  return [`*${table}`, ...chains.map((c) => `:${c} ACCEPT [0:0]`), ':svc - [0:0]', ...rules, 'COMMIT'].join('\n');
}

/** Line of the `i`th rule of `file`. */
const line = (i: number): number => 5 + i;

describe('rules share equal address sets', () => {
  it('an address written as -s, -d, a range and a DNAT destination is one set', () => {
    const result = parseText(file([
      '-A svc -s 10.244.1.7/32 -j MARK --set-mark 1',
      '-A svc -d 10.244.1.7 -j RETURN',
      '-A svc -m iprange --src-range 10.244.1.7-10.244.1.7 -j RETURN',
      '-A svc -p tcp -j DNAT --to-destination 10.244.1.7:8080',
    ]));
    const source = ruleAt(result, line(1)).sources;
    expect(source.toCidrs()).toEqual(['10.244.1.7/32']);
    expect(ruleAt(result, line(2)).destinations).toBe(source);
    expect(ruleAt(result, line(3)).sources).toBe(source);
    expect(ruleAt(result, line(4)).translation?.addresses).toBe(source);
  });

  it('ranges that start at the same address stay apart', () => {
    const result = parseText(file([
      '-A svc -s 10.0.0.0/8 -j RETURN',
      '-A svc -s 10.0.0.0/16 -j RETURN',
      '-A svc -s 10.0.0.0 -j RETURN',
      '-A svc -s 10.0.0.0/8 -j RETURN',
      '-A svc -s 10.0.0.0/16 -j RETURN',
    ]));
    expect([1, 2, 3, 4, 5].map((i) => view(ruleAt(result, line(i))).sources)).toEqual([
      ['10.0.0.0/8'], ['10.0.0.0/16'], ['10.0.0.0/32'], ['10.0.0.0/8'], ['10.0.0.0/16'],
    ]);
  });

  it('still reads every address right past the number of ranges it keeps, and shares the recent ones', () => {
    const address = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const count = 70000;
    const rules = Array.from({ length: count }, (_, i) => `-A svc -s ${address(i)} -j RETURN`);
    const result = parseText(file([...rules, `-A svc -d ${address(0)} -j RETURN`, `-A svc -d ${address(count - 1)} -j RETURN`]));
    expect(view(ruleAt(result, line(count + 1))).destinations).toEqual(['10.0.0.0/32']);
    expect(view(ruleAt(result, line(count + 2))).destinations).toEqual([`${address(count - 1)}/32`]);
    expect(ruleAt(result, line(count + 2)).destinations).toBe(ruleAt(result, line(count)).sources);
  });

  it('IPv6 addresses too far out for a number to tell apart stay apart', () => {
    // 2¹²⁸ + 1 and 2¹²⁸ + 2 are the same double: the bounds, not the number, decide.
    const result = parseText(file(['-A svc -s ::1 -j RETURN', '-A svc -s ::2 -j RETURN', '-A svc -d ::2/128 -j RETURN'], 'filter'));
    expect(view(ruleAt(result, line(1))).sources).toEqual(['::1/128']);
    expect(view(ruleAt(result, line(2))).sources).toEqual(['::2/128']);
    expect(ruleAt(result, line(3)).destinations).toBe(ruleAt(result, line(2)).sources);
  });

  it('"everything but a network" is one set for every rule that says it, in the file\'s family', () => {
    const rules = ['-A svc ! -s 10.244.0.0/16 -j MARK --set-mark 1', '-A svc ! -s 10.244.0.0/16 -j MARK --set-mark 2', '-A svc ! -s 10.0.0.0/8 -j RETURN'];
    const ipv4 = parseText(file(rules));
    const first = ruleAt(ipv4, line(1)).sources;
    expect(ruleAt(ipv4, line(2)).sources).toBe(first);
    expect(first.toCidrs()).toEqual([
      '0.0.0.0/5', '8.0.0.0/7', '10.0.0.0/9', '10.128.0.0/10', '10.192.0.0/11', '10.224.0.0/12', '10.240.0.0/14', '10.245.0.0/16',
      '10.246.0.0/15', '10.248.0.0/13', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1',
    ]);
    expect(view(ruleAt(ipv4, line(3))).sources).toEqual(['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1']);
    // A later IPv6 rule makes the file mixed: "not 10.244.0.0/16" then holds every IPv6 address too.
    const mixed = parseText(file([...rules, '-A svc -s 2001:db8::/32 -j RETURN']));
    expect(ruleAt(mixed, line(2)).sources).toBe(ruleAt(mixed, line(1)).sources);
    expect(view(ruleAt(mixed, line(3))).sources).toEqual(['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1', '::/0']);
  });
});

/** A small seeded generator, so that a failure names a file that can be read again. */
function generator(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * n);
  };
}

const V4 = ['10.244.1.7', '10.244.0.0/16', '10.0.0.0/8', '0.0.0.0/0', '192.0.2.1', '192.0.2.0/24', '255.255.255.255'];
const V6 = ['::', '::1', '2001:db8::1', '2001:db8::/32', '::/0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'];

describe('a rule\'s address sets, shared or not', () => {
  it('are every address of the file\'s family, within its plain conditions and outside its negated ones', () => {
    const next = generator(20261126);
    for (let n = 0; n < 300; n++) {
      // Mostly single-family files, sometimes mixed ones; each rule one or two conditions a side.
      const pool = next(4) === 0 ? [...V4, ...V6] : next(2) === 0 ? V4 : V6;
      const rules: { sources: [boolean, string][]; destinations: [boolean, string][] }[] = [];
      const lines: string[] = [];
      for (let r = 0; r < 1 + next(6); r++) {
        const side = (): [boolean, string][] => Array.from({ length: next(3) }, () => [next(3) === 0, pool[next(pool.length)]!] as [boolean, string]);
        const rule = { sources: side(), destinations: side() };
        // iptables takes one -s and one -d a rule; more are read (and reported) all the same.
        const words = [...rule.sources.map(([neg, a]) => `${neg ? '! ' : ''}-s ${a}`), ...rule.destinations.map(([neg, a]) => `${neg ? '! ' : ''}-d ${a}`)];
        rules.push(rule);
        lines.push(`-A svc ${words.join(' ')} -j RETURN`);
      }
      const result = parseText(file(lines, 'filter'));
      const family = device(result).family;
      const all = AddressSet.all(family === 'mixed' ? undefined : family);
      const expected = (conditions: [boolean, string][]): string[] => {
        let set = all;
        for (const [negated, text] of conditions) {
          const value = parseAddressSet(text)!;
          set = set.intersect(negated ? value.complement(family === 'mixed' ? undefined : family) : value);
        }
        return set.toCidrs();
      };
      rules.forEach((rule, i) => {
        const got = view(ruleAt(result, line(i + 1)));
        expect({ file: lines, rule: i, sources: got.sources, destinations: got.destinations })
          .toEqual({ file: lines, rule: i, sources: expected(rule.sources), destinations: expected(rule.destinations) });
      });
    }
  });
});
