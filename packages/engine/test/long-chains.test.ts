// Rules that name nothing but sources (`-s 198.51.100.0/24 -j DROP`) are kept aside during the
// analysis and the shadowing check instead of being cut out of every undecided piece of traffic:
// these tests hold the shortcut to the same answers as the full cut, and show that a long chain of
// them no longer runs into the analysis limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet, type Device, type FilterRule, type IntervalSet, type Ruleset } from '@portcullis/model';
import { iptablesSave, nftablesText } from '@portcullis/parser-netfilter';
import { AnalysisLimitError, DeviceAnalysis, GrowingUnion, MAX_BLOCKERS, boxesIntersect, hides, intersectBox, shadowedRules, subtractBox, type Box, type Flow } from '@portcullis/engine';
import { longChain } from '../../bench/src/generators.js';

function device(text: string): Device {
  const result = iptablesSave.parse({ path: 'rules.v4', text });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.devices[0]!;
}

function startOf(analysis: DeviceAnalysis): Box[] {
  return analysis.byFamily({ ...analysis.everything(), inInterfaces: analysis.inboundInterfaces() });
}

/**
 * What a ruleset accepts, rule by rule, as the sources each allow rule lets in at each protocol and
 * port its rules name (and one port none names): a form in which two evaluations that carve the
 * same packets into different boxes agree.
 */
function canonical(decisions: { rule: string; box: Box }[], rs: Ruleset): string[] {
  const ports = new Set<number>([1]);
  for (const r of rs.rules) for (const [lo] of r.destinationPorts.ranges()) if (!r.destinationPorts.isFull) ports.add(lo);
  const out = new Map<string, AddressSet>();
  for (const { rule, box } of decisions) {
    for (const protocol of [6, 17]) {
      if (!box.protocols.has(protocol)) continue;
      for (const port of ports) {
        if (!box.ports.has(port)) continue;
        const key = `${rule} ${protocol}/${port}`;
        out.set(key, (out.get(key) ?? AddressSet.empty()).union(AddressSet.fromIntervals(box.sources)));
      }
    }
  }
  return [...out].map(([k, v]) => `${k} ${v.toCidrs().join(',')}`).sort();
}

/**
 * What the analysis accepts of INPUT (or `ruleset`), in canonical form; with `denials`, also what
 * each rule drops (as a ruleset jumped to is evaluated), after what it accepts.
 */
function accepted(analysis: DeviceAnalysis, ruleset = 'filter/INPUT', denials = false): string[] {
  const rs = analysis.device.rulesets[ruleset]!;
  const out = analysis.evaluate(rs, startOf(analysis).map((box): Flow => ({ box, path: [] })), 0, [], 'all', denials);
  const taken = canonical(out.accepted.map((d) => ({ rule: d.kind === 'rule' ? d.rule.id : 'policy', box: d.flow.box })), rs);
  if (!denials) return taken;
  return [...taken, ...canonical(out.denied.flatMap((d) => (d.rule ? [{ rule: `${d.rule.id} dropped`, box: d.flow.box }] : [])), rs)];
}

/** The same, by a plain walk that cuts every rule's box out of what is left (no rule kept aside). */
function acceptedByCutting(analysis: DeviceAnalysis, ruleset = 'filter/INPUT', denials = false): string[] {
  const rs = analysis.device.rulesets[ruleset]!;
  const boxes = analysis.boxesOf(rs);
  let rest = startOf(analysis);
  const decisions: { rule: string; box: Box }[] = [];
  const dropped: { rule: string; box: Box }[] = [];
  rs.rules.forEach((rule, i) => {
    if (!rule.enabled || !rule.matchesNew) return;
    const box = boxes[i]!;
    const drops = (rule.action === 'deny' || rule.action === 'reject') && rule.exact;
    for (const r of rule.action === 'allow' || drops ? rest : []) {
      const both = intersectBox(r, box);
      if (both) (drops ? dropped : decisions).push({ rule: drops ? `${rule.id} dropped` : rule.id, box: both });
    }
    if (rule.action === 'allow' || drops) rest = rest.flatMap((r) => subtractBox(r, box));
  });
  return denials ? [...canonical(decisions, rs), ...canonical(dropped, rs)] : canonical(decisions, rs);
}

const CHAIN = `*filter
:INPUT DROP [0:0]
-A INPUT -s 198.51.100.0/24 -j DROP
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -s 203.0.113.0/24 -j REJECT
-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT
-A INPUT -s 198.51.100.0/25 -p tcp -m tcp --dport 80 -j ACCEPT
COMMIT
`;

describe('rules that name only sources', () => {
  it('take their sources from every later rule, and hide a later rule for those sources', () => {
    const analysis = new DeviceAnalysis(device(CHAIN));
    const exposures = analysis.exposures();
    const from = (port: string): string[] => exposures.filter((e) => e.protocol === 'tcp' && e.ports.key() === port).flatMap((e) => e.from.toCidrs());
    expect(from('22,22')).not.toContain('0.0.0.0/0');
    expect(AddressSet.fromIntervals(exposures.find((e) => e.ports.key() === '22,22')!.box.sources).intersects(AddressSet.ranges([[0xc6336400n, 0xc63364ffn]]))).toBe(false);
    const ssh = exposures.find((e) => e.ports.key() === '22,22')!;
    const telnet = exposures.find((e) => e.ports.key() === '23,23')!;
    expect(ssh.from.covers(AddressSet.ranges([[0xcb007100n, 0xcb0071ffn]]))).toBe(true); // 203.0.113.0/24 comes after rule 2
    expect(telnet.from.intersects(AddressSet.ranges([[0xcb007100n, 0xcb0071ffn]]))).toBe(false);
    expect(telnet.from.intersects(AddressSet.ranges([[0xc6336400n, 0xc63364ffn]]))).toBe(false);
    expect(exposures.some((e) => e.ports.key() === '80,80')).toBe(false);

    const shadowed = shadowedRules(analysis);
    expect(shadowed.map((s) => [s.rule.origin.line, s.blockers.map((b) => b.origin.line)])).toEqual([[7, [3]]]);
  });

  it('give the same decisions as cutting them out of each piece (generated chains)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 5, max: 60 }), (seed, n) => {
        const analysis = new DeviceAnalysis(device(longChain(n, seed)));
        expect(accepted(analysis)).toEqual(acceptedByCutting(analysis));
        expect(accepted(analysis, 'filter/INPUT', true)).toEqual(acceptedByCutting(analysis, 'filter/INPUT', true));
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('in long runs (joined at once, not one by one), give the same decisions as cutting them out', () => {
    // Runs of drops longer than the few added one by one, of networks spread over the address space
    // as an object-group's are, between accepts that read what the runs took.
    const drop = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 3 }).map((ns) => ns.map((n) => `-A INPUT -s ${(n * 37) % 223 + 1}.${n}.0.0/16 -j DROP`));
    const accept = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom(22, 80)).map(([n, p]) => [`-A INPUT -s ${(n * 37) % 223 + 1}.0.0.0/8 -p tcp -m tcp --dport ${p} -j ACCEPT`]);
    const step = fc.oneof({ arbitrary: drop, weight: 6 }, { arbitrary: accept, weight: 1 }, { arbitrary: fc.constant(['-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT']), weight: 1 });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const analysis = new DeviceAnalysis(device(['*filter', ':INPUT DROP [0:0]', ...steps.flat(), '-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT', 'COMMIT', ''].join('\n')));
        expect(accepted(analysis)).toEqual(acceptedByCutting(analysis));
      }),
      { numRuns: 100, seed: 23 },
    );
  });

  it('in a table for both families, give the same decisions as cutting them out (generated chains)', () => {
    // `ip saddr … drop` takes IPv4 destinations only, which is every destination its sources have.
    const rule = fc.oneof(
      fc.integer({ min: 0, max: 40 }).map((n) => `ip saddr 198.51.${n}.0/24 drop`),
      fc.integer({ min: 0, max: 40 }).map((n) => `ip6 saddr 2001:db8:${n}::/48 drop`),
      fc.integer({ min: 0, max: 40 }).map((n) => `ip saddr 198.51.${n}.0/24 ip daddr 10.0.0.0/8 drop`),
      fc.tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom(22, 80)).map(([n, p]) => `ip saddr 198.51.${n}.0/25 tcp dport ${p} accept`),
      fc.constantFrom(22, 80, 443).map((p) => `tcp dport ${p} accept`),
      fc.constantFrom(53, 123).map((p) => `udp dport ${p} accept`),
    );
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 40 }), (rules) => {
        const text = ['table inet filter {', '  chain input {', '    type filter hook input priority 0; policy drop;', ...rules.map((r) => `    ${r}`), '  }', '}', ''].join('\n');
        const result = nftablesText.parse({ path: 'fw.nft', text });
        const analysis = new DeviceAnalysis(result.devices[0]!);
        expect(accepted(analysis, 'inet filter/input')).toEqual(acceptedByCutting(analysis, 'inet filter/input'));
        expect(accepted(analysis, 'inet filter/input', true)).toEqual(acceptedByCutting(analysis, 'inet filter/input', true));
      }),
      { numRuns: 150, seed: 17 },
    );
  });

  it('keep a long generated chain within the analysis limit, and its shadowing check finishes', () => {
    // Before the shortcut, every DROP cut every undecided piece: a random chain ran into the
    // analysis limit (a million pieces) at its 1,555th rule and the shadowing check took minutes.
    const analysis = new DeviceAnalysis(device(longChain(5_000)));
    const exposures = analysis.exposures();
    expect(exposures.length).toBeGreaterThan(3_000);
    expect(analysis.diagnostics.filter((d) => d.code === 'analysis-limit')).toEqual([]);
    // The random chain repeats a few rules: each shadowed one is covered by the earlier rules named as
    // its blockers (those whose list was cut short, by them and the rules after them).
    const shadowed = shadowedRules(analysis);
    expect(shadowed.length).toBeGreaterThan(0);
    expect(shadowed.some((s) => s.moreBlockers)).toBe(true);
    const input = analysis.device.rulesets['filter/INPUT']!;
    const order = new Map(input.rules.map((r, i) => [r, i]));
    const boxOf = (rule: FilterRule): Box => analysis.boxesOf(input)[order.get(rule)!]!;
    for (const s of shadowed) {
      let rest: Box[] = [boxOf(s.rule)];
      for (const b of s.blockers) {
        expect(order.get(b)!).toBeLessThan(order.get(s.rule)!);
        rest = rest.flatMap((r) => subtractBox(r, boxOf(b)));
      }
      if (s.moreBlockers) {
        expect(s.blockers).toHaveLength(MAX_BLOCKERS);
        expect(rest, `${s.rule.id} has more blockers than it lists`).not.toEqual([]);
        continue;
      }
      expect(rest, `${s.rule.id} is not covered by its blockers`).toEqual([]);
    }
  });
});

describe('the analysis limit', () => {
  // 2,000 accepts for one server and port each leave as many pieces of traffic, and the chain
  // jumped to after them is a 1,200-network blocklist.
  const accepts = Array.from({ length: 2_000 }, (_, i) => `-A INPUT -d 10.0.${i >> 8}.${i & 255}/32 -p tcp -m tcp --dport ${1_000 + i} -j ACCEPT`);
  const drops = Array.from({ length: 1_200 }, (_, i) => `-A BL -s 198.${i >> 8}.${i & 255}.0/24 -j DROP`);
  const text = ['*filter', ':INPUT DROP [0:0]', ':BL - [0:0]', ...accepts, '-A INPUT -j BL', ...drops, 'COMMIT', ''].join('\n');

  /** What stops the analysis of INPUT when its drops are asked for (as for packets another device forwards here). */
  function stopOf(analysis: DeviceAnalysis): unknown {
    const input = analysis.device.rulesets['filter/INPUT']!;
    try {
      analysis.evaluate(input, startOf(analysis).map((box) => ({ box, path: [] })), 0, []);
    } catch (e) {
      return e;
    }
    return undefined;
  }

  it('stops at the rule that passes it, also a drop of a blocklist that is jumped to', () => {
    // Each of the 1,200 drops meets every piece.
    const error = stopOf(new DeviceAnalysis(device(text)));
    expect(error).toBeInstanceOf(AnalysisLimitError);
    expect(String(error)).toMatch(/more than 2000000 pieces \(at filter\/BL#\d+\)/);
  });

  it('stops when the pieces fill its share of the heap, before there are too many of them', () => {
    // A share no analysis stays under: the heap is looked at once 50,000 pieces have been met (by
    // the 2,000 accepts, before the blocklist).
    const error = stopOf(new DeviceAnalysis(device(text), { work: Number.MAX_SAFE_INTEGER, heapShare: 1e-6 }));
    expect(error).toBeInstanceOf(AnalysisLimitError);
    expect(String(error)).toMatch(/fill \d+ MB of the \d+ MB the JavaScript heap may use \(at filter\/INPUT#\d+\)/);
    // The default share is not reached by the same analysis.
    expect(() => new DeviceAnalysis(device(text)).exposures()).not.toThrow();
  });

  it('is not reached by a jumped-to blocklist whose drops nobody asks for', () => {
    // The exposures ask only what is accepted: the blocklist's networks are kept aside once each,
    // as in a chain of its own, instead of being looked for in every piece left.
    const exposures = new DeviceAnalysis(device(text)).exposures();
    expect(exposures).toHaveLength(2_000);
    expect(exposures.every((e) => e.from.equals(AddressSet.all('ipv4')))).toBe(true);
  });
});

describe('port sets cut in place', () => {
  // Two port rules leave the TCP traffic still open with a port set the analysis made and holds
  // alone; a jump that may or may not be taken (a random match) lets a user chain accept that very
  // set; the port rules after it (the last is not cut: nothing after it asks what it leaves) must
  // not change what the user chain accepted.
  it('are never the set of a flow that was let through before the cut', () => {
    const analysis = new DeviceAnalysis(
      device(
        [
          '*filter',
          ':INPUT DROP [0:0]',
          ':SUB - [0:0]',
          '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
          '-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT',
          '-A INPUT -p tcp -m statistic --mode random --probability 0.5 -j SUB',
          '-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT',
          '-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT',
          '-A SUB -j ACCEPT',
          'COMMIT',
          '',
        ].join('\n'),
      ),
    );
    const bySub = analysis.exposures().filter((e) => e.location.line === 9 && e.protocol === 'tcp');
    expect(bySub.map((e) => e.ports.key())).toEqual(['0,21,24,65535']);
  });
});

describe('the blockers of a shadowed rule', () => {
  // Chains heavy with blocklist rules (sources only), among accepts that repeat ports and sources.
  const rule = fc.oneof(
    fc.integer({ min: 0, max: 30 }).map((n) => `-A INPUT -s 198.51.${n}.0/24 -j DROP`),
    fc.integer({ min: 0, max: 30 }).map((n) => `-A INPUT -s 198.51.${n}.0/25 -j DROP`),
    fc.tuple(fc.integer({ min: 0, max: 30 }), fc.constantFrom(22, 80, 443)).map(([n, p]) => `-A INPUT -s 198.51.${n}.0/24 -p tcp -m tcp --dport ${p} -j ACCEPT`),
    fc.constantFrom(22, 80, 443).map((p) => `-A INPUT -p tcp -m tcp --dport ${p} -j ACCEPT`),
    fc.constantFrom(22, 80).map((p) => `-A INPUT -p tcp -m tcp --dport ${p} -j REJECT`),
    fc.constant('-A INPUT -s 198.51.0.0/16 -j DROP'),
  );

  it('are every earlier rule that takes some of what the rules before it left (a plain walk that cuts each one out)', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 2, maxLength: 40 }), (rules) => {
        const analysis = new DeviceAnalysis(device(['*filter', ':INPUT DROP [0:0]', ...rules, 'COMMIT', ''].join('\n')));
        const input = analysis.device.rulesets['filter/INPUT']!;
        const boxes = analysis.boxesOf(input);
        for (const s of shadowedRules(analysis)) {
          const at = input.rules.indexOf(s.rule);
          let rest: Box[] = [boxes[at]!];
          const plain: number[] = [];
          for (let i = 0; i < at && rest.length > 0; i++) {
            if (!hides(input.rules[i]!) || !rest.some((r) => boxesIntersect(r, boxes[i]!))) continue;
            plain.push(input.rules[i]!.origin.line);
            rest = rest.flatMap((r) => subtractBox(r, boxes[i]!));
          }
          expect(s.blockers.map((b) => b.origin.line)).toEqual(plain.slice(0, MAX_BLOCKERS));
          expect(s.moreBlockers).toBe(plain.length > MAX_BLOCKERS);
        }
      }),
      { numRuns: 400, seed: 5 },
    );
  });

  it('are the first MAX_BLOCKERS of them, and a mark that there are more, behind a long blocklist', () => {
    // Each network dropped for TCP only (so not kept aside as a sources-only rule), then an accept
    // and the same accept again: every drop takes a part of the second accept's packets.
    const drops = Array.from({ length: 100 }, (_, i) => `-A INPUT -s 203.0.${i}.0/24 -p tcp -j DROP`);
    const accept = '-A INPUT -p tcp -m tcp --dport 443 -j ACCEPT';
    const analysis = new DeviceAnalysis(device(['*filter', ':INPUT DROP [0:0]', ...drops, accept, accept, 'COMMIT', ''].join('\n')));
    const [s] = shadowedRules(analysis);
    expect(s!.rule.origin.line).toBe(104);
    expect(s!.blockers.map((b) => b.origin.line)).toEqual(Array.from({ length: MAX_BLOCKERS }, (_, i) => 3 + i));
    expect(s!.moreBlockers).toBe(true);
    // With fewer drops than the limit, the list is whole: the drops and the first accept.
    const few = new DeviceAnalysis(device(['*filter', ':INPUT DROP [0:0]', ...drops.slice(0, 5), accept, accept, 'COMMIT', ''].join('\n')));
    const [t] = shadowedRules(few);
    expect(t!.blockers.map((b) => b.origin.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(t!.moreBlockers).toBe(false);
  });
});

describe('the sources a blocklist has taken, kept as a few sets of growing size', () => {
  // Sets of a few ranges within 0–255 (the start of the address space), added one at a time; after
  // each, the union is asked about sets around it: the answer must be that of the one plain union.
  const ranges = fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 12 })), { minLength: 1, maxLength: 6 });
  const set = (rs: [number, number][]): IntervalSet<bigint> => AddressSet.ranges(rs.map(([lo, w]) => [BigInt(lo), BigInt(Math.min(255, lo + w))] as const)).intervals;
  it('covers exactly what the union of the sets added covers', () => {
    fc.assert(
      fc.property(fc.array(ranges, { minLength: 1, maxLength: 30 }), fc.array(ranges, { minLength: 1, maxLength: 10 }), (added, asked) => {
        const union = new GrowingUnion();
        let plain = AddressSet.empty().intervals;
        for (const a of added) {
          union.add(set(a));
          plain = plain.union(set(a));
          for (const q of [...asked.map(set), plain, set(a)]) expect(union.covers(q)).toBe(plain.covers(q));
        }
      }),
      { numRuns: 300, seed: 8 },
    );
  });
});

describe('the shadowing check of a ruleset that splits the traffic into too many pieces', () => {
  // Rules for one port of one server each leave a piece per port; a duplicate early on is shadowed.
  const rules = Array.from({ length: 40 }, (_, i) => `-A INPUT -d 10.0.0.${i + 1}/32 -p tcp -m tcp --dport ${1_000 + i} -j ACCEPT`);
  const text = ['*filter', ':INPUT DROP [0:0]', rules[0]!, rules[0]!, ...rules.slice(1), rules[39]!, 'COMMIT', ''].join('\n');

  it('stops at the rule where the pieces pass the bound, keeps what it found before, and says so', () => {
    const analysis = new DeviceAnalysis(device(text));
    // Unbounded: both duplicates (lines 4 and 44) are found, and nothing is said.
    expect(shadowedRules(analysis).map((s) => s.rule.origin.line)).toEqual([4, 44]);
    expect(analysis.diagnostics).toEqual([]);
    // Twenty pieces at most: the first duplicate is still found, the check stops at a rule in
    // between, and the last duplicate is not looked at.
    const bounded = new DeviceAnalysis(device(text));
    expect(shadowedRules(bounded, { work: Infinity, pieces: 20 }).map((s) => s.rule.origin.line)).toEqual([4]);
    expect(bounded.diagnostics).toHaveLength(1);
    const [warning] = bounded.diagnostics;
    expect(warning).toMatchObject({ severity: 'warning', code: 'shadowing-limit' });
    expect(warning!.line).toBeGreaterThan(4);
    expect(warning!.line).toBeLessThan(44);
    expect(warning!.message).toMatch(/^the rules of filter\/INPUT before this one \(filter\/INPUT#\d+\) split the traffic into too many pieces/);
    // The same with a bound on the work instead.
    const busy = new DeviceAnalysis(device(text));
    expect(shadowedRules(busy, { work: 200, pieces: Infinity }).map((s) => s.rule.origin.line)).toEqual([4]);
    expect(busy.diagnostics.map((d) => d.code)).toEqual(['shadowing-limit']);
  });

  it('is not reached by the 20k-rule chain of the benchmarks', () => {
    const analysis = new DeviceAnalysis(device(longChain(20_000, 42)));
    shadowedRules(analysis);
    expect(analysis.diagnostics.filter((d) => d.code === 'shadowing-limit')).toEqual([]);
  });
});

// kube-proxy's service chain takes one destination and port after another out of the traffic still
// undecided, and the analysis changes the destination set of the flow left in place rather than
// copying it at each rule (see `remove` in analysis.ts). These chains mix such cuts with rules that
// let the same flow through without taking it (LOG, a random match), which must not see later cuts.
describe('rules that take one destination after another', () => {
  type Step =
    | { kind: 'accept' | 'service' | 'maybe' | 'log' | 'drop-pair' | 'port-accept' | 'mark' | 'go-mark'; dst: number; port: number };
  const PORTS = [22, 80, 443];
  const step = fc.record({
    kind: fc.constantFrom('accept', 'service', 'maybe', 'log', 'drop-pair', 'port-accept', 'mark', 'go-mark'),
    dst: fc.integer({ min: 0, max: 15 }),
    port: fc.constantFrom(...PORTS),
  }) as fc.Arbitrary<Step>;

  function save(steps: Step[]): string {
    const line = (s: Step): string => {
      const d = `-d 10.0.0.${s.dst}/32 -p tcp -m tcp --dport ${s.port}`;
      switch (s.kind) {
        case 'accept':
          return `-A INPUT ${d} -j ACCEPT`;
        case 'service':
          return `-A INPUT ${d} -j SVC`;
        case 'maybe':
          return `-A INPUT ${d} -m statistic --mode random --probability 0.5 -j ACCEPT`;
        case 'log':
          return `-A INPUT -p tcp -m tcp --dport ${s.port} -j LOG`;
        case 'drop-pair':
          return `-A INPUT -d 10.0.0.${s.dst & ~1}/31 -j DROP`;
        case 'port-accept':
          return `-A INPUT -p tcp -m tcp --dport ${s.port} -m statistic --mode random --probability 0.5 -j ACCEPT`;
        case 'mark':
          return `-A INPUT ${d} -j MARKER`;
        case 'go-mark':
          return `-A INPUT ${d} -g MARKER`;
      }
    };
    // SVC sends one source network back and lets the rest in; MARKER only marks and logs, as
    // kube-proxy's KUBE-MARK-MASQ does: a jump there comes back untouched, a goto ends at INPUT's policy.
    const marker = [':MARKER - [0:0]', '-A MARKER -j MARK --set-xmark 0x4000/0x4000', '-A MARKER -s 192.0.2.0/24 -j LOG'];
    return ['*filter', ':INPUT DROP [0:0]', ':SVC - [0:0]', ...marker, ...steps.map(line), '-A SVC -s 192.0.2.0/24 -j RETURN', '-A SVC -j ACCEPT', 'COMMIT', ''].join('\n');
  }

  /** Whether some way through the chain accepts the packet (a random match may accept it, and it goes on). */
  function mayAccept(steps: Step[], src: number, dst: number, port: number): boolean {
    for (const s of steps) {
      const hit = s.dst === dst && s.port === port;
      switch (s.kind) {
        case 'accept':
          if (hit) return true;
          break;
        case 'service':
          if (hit && src !== 1) return true; // source 1 is 192.0.2.1: back from SVC
          break;
        case 'maybe':
        case 'port-accept':
          if (s.kind === 'maybe' ? hit : s.port === port) return true;
          break;
        case 'log':
        case 'mark':
          break;
        case 'go-mark':
          if (hit) return false;
          break;
        case 'drop-pair':
          if (dst >> 1 === s.dst >> 1 && dst < 16) return false;
          break;
      }
    }
    return false;
  }

  it('accept exactly the packets that a rule-by-rule walk accepts (generated chains)', () => {
    const sources = [0xc6336401n, 0xc0000201n]; // 198.51.100.1, 192.0.2.1
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const analysis = new DeviceAnalysis(device(save(steps)));
        const rs = analysis.device.rulesets['filter/INPUT']!;
        const start: Flow = { box: { ...analysis.everything(), inInterfaces: analysis.inboundInterfaces() }, path: [] };
        const boxes = analysis.evaluate(rs, [start], 0, [], 'all', true).accepted.map((d) => d.flow.box);
        for (let dst = 0; dst <= 16; dst++) {
          for (const port of [...PORTS, 8080]) {
            for (let src = 0; src < sources.length; src++) {
              const address = 0x0a000000n + BigInt(dst);
              const seen = boxes.some((b) => b.protocols.has(6) && b.ports.has(port) && b.sources.has(sources[src]!) && b.destinations.has(address));
              expect(seen, `10.0.0.${dst}:${port} from source ${src}`).toBe(mayAccept(steps, src, dst, port));
            }
          }
        }
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('rules for many pairs of interfaces', () => {
  // A forward chain that sends each pair of interfaces (zones) to a chain of its own, as Junos
  // zone-pair policies, OpenWrt zones and per-interface ACLs do: 500 pairs, each with 40 accepts for
  // one port of a server of its own. What each pair's chain leaves comes back to the forward chain, and the
  // jumps for the other pairs used to meet all of it (7 million pieces, past the analysis limit).
  const pairs = 500;
  const lines = ['*filter', ':FORWARD DROP [0:0]'];
  for (let k = 0; k < pairs; k++) lines.push(`:P${k} - [0:0]`);
  for (let k = 0; k < pairs; k++) lines.push(`-A FORWARD -i in${k % 50} -o out${Math.floor(k / 50)} -j P${k}`);
  for (let k = 0; k < pairs; k++) {
    for (let j = 0; j < 40; j++) lines.push(`-A P${k} -d 198.18.${k >> 8}.${k & 255} -p tcp -m tcp --dport ${1_000 + j} -j ACCEPT`);
  }
  lines.push('COMMIT', '');

  it('are analysed in full: each pair meets the traffic of its own interfaces', () => {
    const analysis = new DeviceAnalysis(device(lines.join('\n')));
    const exposures = analysis.exposures();
    expect(analysis.diagnostics.filter((d) => d.code === 'analysis-limit')).toEqual([]);
    expect(exposures).toHaveLength(pairs * 40);
    // The last pair's server: its 40 ports, each from that pair's interfaces only.
    const last = exposures.filter((e) => e.target.address === '198.18.1.243');
    expect(last.map((e) => e.ports.bounds).sort()).toEqual(Array.from({ length: 40 }, (_, j) => [1_000 + j, 1_000 + j]).sort());
    for (const e of last) {
      expect(e.path.map((step) => step.summary)).toEqual(['FORWARD jump P499', `P499 allow tcp ${e.ports.bounds[0]}`]);
      expect([analysis.atoms.names(e.box.inInterfaces), analysis.atoms.names(e.box.outInterfaces)]).toEqual([['in49'], ['out9']]);
    }
  });
});

describe('rules for one server from one network each', () => {
  // An ACL as firewalls carry them: each server let in from a network of its own
  // (`permit tcp 7.0.0.0 255.0.0.0 host 10.0.7.1`), between rules for one port of other servers. Cut
  // along the sources first, each such rule left a piece for its network and every other server,
  // which every later rule for a server met and split again.
  const servers = 600;
  const lines = ['*filter', ':INPUT DROP [0:0]'];
  for (let k = 0; k < servers; k++) {
    lines.push(`-A INPUT -s ${(k % 200) + 1}.${k >> 2}.0.0/16 -d 10.0.${k >> 8}.${k & 255} -p tcp -j ACCEPT`);
    lines.push(`-A INPUT -d 10.1.${k >> 8}.${k & 255} -p tcp -m tcp --dport ${k % 2 === 0 ? 443 : 22} -j ACCEPT`);
  }
  // Shadowed: the first server from a network inside its own, the last port rule written twice.
  lines.push('-A INPUT -s 1.0.5.0/24 -d 10.0.0.0 -p tcp -m tcp --dport 5432 -j ACCEPT', lines[lines.length - 1]!, 'COMMIT', '');
  const text = lines.join('\n');

  it('are met by few pieces each: the shadowing check goes through on a tenth of the work the other order took', () => {
    const analysis = new DeviceAnalysis(device(text));
    // About 300,000 units now; cut along the sources first, the walk took between 10 and 100 million.
    const found = shadowedRules(analysis, { work: 1_000_000, pieces: 5_000 });
    expect(analysis.diagnostics).toEqual([]);
    expect(found.map((s) => s.rule.origin.line)).toEqual([3 + 2 * servers, 4 + 2 * servers]);
    expect(found.map((s) => s.blockers.map((b) => b.origin.line))).toEqual([[3], [2 + 2 * servers]]);
  });

  it('are decided as a rule-by-rule walk decides them', () => {
    const analysis = new DeviceAnalysis(device(text));
    expect(accepted(analysis)).toEqual(acceptedByCutting(analysis));
  });
});
