import fc from 'fast-check';
import { ALL_PORTS, addresses, portSet, protocolSet, type AddressSet, type FilterRule, type PortSet, type RuleAction } from '@portcullis/model';

/*
 * A grammar-aware generator of valid nftables rulesets (`nft list ruleset` layout, hand-written
 * spacing): tables of each family, base and regular chains, named sets, rules of random statements
 * in random orders. Each rule carries what the model must say of it.
 */

type TableFamily = 'ip' | 'ip6' | 'inet';

export interface NftRuleSpec {
  statements: { text: string; order: number }[];
  proto?: 'tcp' | 'udp';
  dport?: { set: PortSet; negated: boolean };
  sport?: { set: PortSet; negated: boolean };
  saddr?: AddressSet;
  verdict?: { text: string; action: RuleAction; target?: string };
  comment?: string;
  indent: string;
}

export interface NftChainSpec {
  name: string;
  base?: { type: 'filter'; hook: 'input' | 'forward' | 'output' | 'prerouting'; priority: string; policy: 'accept' | 'drop' };
  rules: NftRuleSpec[];
}

export interface NftTableSpec {
  family: TableFamily;
  name: string;
  sets: { name: string; elements: string[] }[];
  chains: NftChainSpec[];
}

const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/).filter((n) => !NFT_KEYWORDS.has(n));
const NFT_KEYWORDS = new Set([
  'ip', 'ip6', 'inet', 'tcp', 'udp', 'table', 'chain', 'set', 'map', 'type', 'hook', 'policy', 'accept', 'drop', 'reject', 'return', 'jump',
  'goto', 'counter', 'log', 'ct', 'meta', 'comment', 'elements', 'flags', 'priority', 'filter', 'nat', 'input', 'output', 'forward',
  'prerouting', 'postrouting', 'define', 'include', 'flush', 'add', 'delete', 'insert', 'replace', 'create', 'th', 'icmp', 'arp', 'bridge',
  'netdev', 'limit', 'quota', 'continue', 'queue', 'dnat', 'snat', 'masquerade', 'redirect', 'notrack', 'iif', 'oif', 'iifname', 'oifname',
  'state', 'rule', 'handle', 'position', 'index', 'raw', 'mangle', 'security', 'dstnat', 'srcnat', 'to', 'with', 'vmap', 'fib', 'rt', 'ether',
  'vlan', 'sctp', 'dccp', 'esp', 'ah', 'comp', 'udplite', 'icmpv6', 'mark', 'ingress', 'egress', 'synproxy', 'tproxy', 'ipsec', 'socket',
  'osf', 'exthdr', 'dup', 'fwd', 'numgen', 'jhash', 'symhash', 'hash', 'timeout', 'size', 'typeof', 'auto', 'devices', 'device', 'flowtable',
  'counters', 'quotas', 'limits', 'secmark', 'synproxys', 'ct', 'helper', 'expectation', 'tunnel', 'saddr', 'daddr', 'sport', 'dport',
]);

const octet = fc.integer({ min: 0, max: 255 });
const v4 = fc.tuple(octet, octet, octet, octet, fc.integer({ min: 8, max: 32 })).map(([a, b, c, d, p]) => {
  const set = addresses(`${a}.${b}.${c}.${d}/${p}`);
  return { text: set.toCidrs()[0]!.replace(/\/32$/, ''), set };
});
const port = fc.integer({ min: 1, max: 65535 });
const portTerm = fc.oneof(
  port.map((p) => ({ text: String(p), set: portSet([[p, p]]) })),
  fc.tuple(port, port).map(([a, b]) => {
    const [lo, hi] = a < b ? [a, b] : [b, a + 0];
    return lo === hi ? { text: String(lo), set: portSet([[lo, lo]]) } : { text: `${lo}-${hi}`, set: portSet([[lo, hi]]) };
  }),
);
const portValue = fc.oneof(
  portTerm,
  fc.array(portTerm, { minLength: 1, maxLength: 6 }).map((ts) => ({ text: `{ ${ts.map((t) => t.text).join(', ')} }`, set: ts.reduce((a, t) => a.union(t.set), portSet([])) })),
);
const quoted = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,20}$/);

function ruleArb(family: TableFamily, chains: string[], sets: string[]): fc.Arbitrary<NftRuleSpec> {
  const order = fc.integer({ min: 0, max: 100 });
  return fc
    .record(
      {
        iif: fc.tuple(fc.constantFrom('iifname', 'oifname'), fc.constantFrom('eth0', 'ppp0', 'eth*', 'wg0', 'br-lan'), order),
        proto: fc.constantFrom('tcp' as const, 'udp' as const),
        dport: fc.record({ v: portValue, negated: fc.boolean(), order }),
        sport: fc.record({ v: portValue, negated: fc.boolean(), order }),
        saddr: fc.record({ v: fc.oneof(v4.map((a) => ({ text: a.text, set: a.set as AddressSet | undefined })), ...(sets.length > 0 ? [fc.constantFrom(...sets).map((s) => ({ text: `@${s}`, set: undefined as AddressSet | undefined }))] : [])), order }),
        ct: fc.tuple(fc.uniqueArray(fc.constantFrom('new', 'established', 'related', 'invalid'), { minLength: 1, maxLength: 3 }), order),
        counter: fc.constantFrom('counter', 'counter packets 0 bytes 0'),
        log: quoted,
        verdict: fc.oneof(
          fc.constantFrom({ text: 'accept', action: 'allow' as RuleAction }, { text: 'drop', action: 'deny' as RuleAction }, { text: 'reject', action: 'reject' as RuleAction }, { text: 'return', action: 'return' as RuleAction }),
          ...(chains.length > 0 ? [fc.tuple(fc.constantFrom('jump', 'goto'), fc.constantFrom(...chains)).map(([k, c]) => ({ text: `${k} ${c}`, action: k as RuleAction, target: c }))] : []),
        ),
        comment: quoted,
        indent: fc.constantFrom('\t\t', '    ', '  ', '\t'),
      },
      { requiredKeys: ['indent'] },
    )
    .map((r) => {
      const statements: { text: string; order: number }[] = [];
      const spec: NftRuleSpec = { statements, indent: r.indent };
      if (r.iif) statements.push({ text: `${r.iif[0]} "${r.iif[1]}"`, order: r.iif[2] });
      if (r.saddr && family !== 'ip6') {
        statements.push({ text: `ip saddr ${r.saddr.v.text}`, order: r.saddr.order });
        if (r.saddr.v.set) spec.saddr = r.saddr.v.set;
      }
      if (r.proto && (r.dport || r.sport)) {
        spec.proto = r.proto;
        for (const [key, t] of [['dport', r.dport], ['sport', r.sport]] as const) {
          if (!t) continue;
          statements.push({ text: `${r.proto} ${key} ${t.negated ? '!= ' : ''}${t.v.text}`, order: t.order });
          spec[key] = { set: t.v.set, negated: t.negated };
        }
      }
      if (r.ct) statements.push({ text: `ct state ${r.ct[0].join(',')}`, order: r.ct[1] });
      statements.sort((a, b) => a.order - b.order);
      // Non-terminal statements, then the verdict, then the comment: the order nft prints them in.
      if (r.counter) statements.push({ text: r.counter, order: 1000 });
      if (r.log) statements.push({ text: `log prefix "${r.log} "`, order: 1001 });
      if (r.verdict) {
        statements.push({ text: r.verdict.text, order: 1002 });
        spec.verdict = r.verdict;
      }
      if (r.comment) {
        statements.push({ text: `comment "${r.comment}"`, order: 1003 });
        spec.comment = r.comment;
      }
      if (statements.length === 0) statements.push({ text: 'counter', order: 0 });
      return spec;
    });
}

function tableArb(family: TableFamily): fc.Arbitrary<NftTableSpec> {
  return fc.record({ name: ident, chainNames: fc.uniqueArray(ident, { minLength: 1, maxLength: 4 }), setNames: fc.uniqueArray(ident, { maxLength: 2 }) }).chain(({ name, chainNames, setNames }) => {
    const sets = family === 'ip6' ? [] : setNames.filter((s) => !chainNames.includes(s));
    const regular = chainNames.slice(1);
    return fc.record({
      family: fc.constant(family),
      name: fc.constant(name),
      sets: fc.tuple(...sets.map((s) => fc.record({ name: fc.constant(s), elements: fc.array(v4.map((a) => a.text), { minLength: 1, maxLength: 5 }) }))),
      chains: fc.tuple(
        ...chainNames.map((c, i) =>
          fc.record(
            {
              name: fc.constant(c),
              base: fc.record({
                type: fc.constant('filter' as const),
                hook: fc.constantFrom('input' as const, 'forward' as const, 'output' as const, 'prerouting' as const),
                priority: fc.constantFrom('filter', '0', '-10', 'raw', '100'),
                policy: fc.constantFrom('accept' as const, 'drop' as const),
              }),
              // A chain may jump only to the chains after it, so there is no loop.
              rules: fc.array(ruleArb(family, regular.filter((r) => chainNames.indexOf(r) > i), sets), { maxLength: 12 }),
            },
            { requiredKeys: i === 0 ? ['name', 'base', 'rules'] : ['name', 'rules'] },
          ),
        ),
      ),
    });
  });
}

export function nftablesRulesetArb(): fc.Arbitrary<NftTableSpec[]> {
  return fc.array(fc.constantFrom<TableFamily>('ip', 'ip6', 'inet'), { minLength: 1, maxLength: 3 }).chain((fams) => fc.tuple(...fams.map(tableArb))).map((tables) => {
    // Table names are unique per family.
    const seen = new Set<string>();
    return tables.filter((t) => {
      const k = `${t.family} ${t.name}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  });
}

export interface PrintedNft {
  text: string;
  rules: { spec: NftRuleSpec; line: number; id: string }[];
}

export function printNftables(tables: NftTableSpec[]): PrintedNft {
  const out: string[] = [];
  const rules: PrintedNft['rules'] = [];
  for (const t of tables) {
    out.push(`table ${t.family} ${t.name} {`);
    for (const s of t.sets) {
      out.push(`\tset ${s.name} {`, '\t\ttype ipv4_addr', '\t\tflags interval', `\t\telements = { ${[...new Set(s.elements)].join(', ')} }`, '\t}');
    }
    for (const c of t.chains) {
      out.push(`\tchain ${c.name} {`);
      if (c.base) out.push(`\t\ttype ${c.base.type} hook ${c.base.hook} priority ${c.base.priority}; policy ${c.base.policy};`);
      c.rules.forEach((r, i) => {
        out.push(r.indent + r.statements.map((s) => s.text).join(' '));
        rules.push({ spec: r, line: out.length, id: `${t.family} ${t.name}/${c.name}#${i + 1}` });
      });
      out.push('\t}');
    }
    out.push('}');
  }
  return { text: `${out.join('\n')}\n`, rules };
}

export interface NftExpected {
  action: RuleAction;
  line: number;
  protocols?: string;
  destinationPorts: string;
  sourcePorts: string;
  sources?: string;
  description?: string;
}

export function expectedNftRule(p: PrintedNft['rules'][number], tableName: string): NftExpected {
  const r = p.spec;
  const ports = (t: NftRuleSpec['dport']): string => (!t ? ALL_PORTS.key() : (t.negated ? t.set.complement() : t.set).key());
  const e: NftExpected = { action: r.verdict?.action ?? 'continue', line: p.line, destinationPorts: ports(r.dport), sourcePorts: ports(r.sport) };
  if (r.proto) e.protocols = protocolSet([r.proto === 'tcp' ? 6 : 17]).key();
  if (r.saddr) e.sources = r.saddr.key();
  if (r.comment !== undefined) e.description = r.comment;
  void tableName;
  return e;
}

export function observedNftRule(rule: FilterRule, spec: NftRuleSpec): NftExpected {
  const o: NftExpected = { action: rule.action, line: rule.origin.line, destinationPorts: rule.destinationPorts.key(), sourcePorts: rule.sourcePorts.key() };
  if (spec.proto) o.protocols = rule.protocols.key();
  if (spec.saddr) o.sources = rule.sources.key();
  if (rule.description !== undefined) o.description = rule.description;
  return o;
}
