import fc from 'fast-check';
import {
  ALL_PORTS,
  ALL_PROTOCOLS,
  AddressSet,
  addresses,
  portSet,
  protocolSet,
  type Family,
  type FilterRule,
  type PortSet,
  type ProtocolSet,
  type RuleAction,
} from '@portcullis/model';

/*
 * A grammar-aware generator of valid iptables-save files: tables, chains and rules with random
 * options in random orders and spellings, each rule with the model the parser must give for it.
 * `printIptablesSave` prints a file; `expectedRule` says what every rule must read as.
 */

export interface AddressSpec {
  text: string;
  set: AddressSet;
}

export interface PortSpec {
  text: string;
  set: PortSet;
}

export interface RuleSpec {
  chain: string;
  protocol?: { text: string; set: ProtocolSet; negated: boolean; long: boolean; ported: 'tcp' | 'udp' | undefined };
  source?: { value: AddressSpec; negated: boolean; oldNegation: boolean; long: boolean };
  destination?: { value: AddressSpec; negated: boolean; oldNegation: boolean; long: boolean };
  inInterface?: { name: string; negated: boolean; long: boolean };
  outInterface?: { name: string; negated: boolean; long: boolean };
  sport?: { value: PortSpec; negated: boolean; explicitModule: boolean };
  dport?: { value: PortSpec; negated: boolean; explicitModule: boolean };
  multiport?: { option: '--dports' | '--sports'; values: PortSpec[]; negated: boolean };
  state?: { module: 'state' | 'conntrack'; states: string[]; negated: boolean };
  comment?: string;
  target?: TargetSpec;
  /** Where among the option groups `-j` goes (a fraction of the way along). */
  targetAt: number;
  /** The permutation of the option groups (sort keys). */
  order: number[];
  counters: boolean;
  separators: string[];
}

export type TargetSpec =
  | { kind: 'verdict'; name: 'ACCEPT' | 'DROP' | 'REJECT' | 'RETURN'; long: boolean }
  | { kind: 'log'; prefix: string }
  | { kind: 'chain'; name: string; goto: boolean }
  | { kind: 'dnat'; address: string; set: AddressSet; port?: [number, number] }
  | { kind: 'redirect'; port?: [number, number] }
  | { kind: 'snat'; address: string }
  | { kind: 'masquerade' };

export interface TableSpec {
  name: 'filter' | 'nat';
  policies: Record<string, 'ACCEPT' | 'DROP'>;
  userChains: string[];
  rules: RuleSpec[];
}

export interface FileSpec {
  family: Family;
  header: boolean;
  tables: TableSpec[];
}

const BUILTIN: Record<TableSpec['name'], string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};

const SERVICES: [string, number][] = [
  ['ssh', 22], ['http', 80], ['https', 443], ['domain', 53], ['smtp', 25], ['telnet', 23], ['ntp', 123], ['mysql', 3306],
];

const octet = fc.integer({ min: 0, max: 255 });

function ipv4(): fc.Arbitrary<AddressSpec> {
  const host = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
  return fc.oneof(
    host.map((t) => ({ text: t, set: addresses(t) })),
    fc.tuple(host, fc.integer({ min: 0, max: 32 })).map(([h, p]) => {
      // iptables masks the host bits; iptables-save prints the network.
      const net = AddressSet.fromIntervals(addresses(`${h}/${p}`).intervals);
      return { text: `${networkOf(h, p)}/${p}`, set: net };
    }),
    fc.tuple(host, fc.integer({ min: 0, max: 32 })).map(([h, p]) => {
      const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
      const dotted = [24, 16, 8, 0].map((s) => (mask >>> s) & 255).join('.');
      return { text: `${networkOf(h, p)}/${dotted}`, set: addresses(`${h}/${p}`) };
    }),
  );
}

function networkOf(host: string, prefix: number): string {
  const n = host.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (n & mask) >>> 0;
  return [24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.');
}

function ipv6(): fc.Arbitrary<AddressSpec> {
  const group = fc.integer({ min: 0, max: 0xffff }).map((g) => g.toString(16));
  return fc.oneof(
    fc.array(group, { minLength: 8, maxLength: 8 }).map((gs) => {
      const t = gs.join(':');
      return { text: t, set: addresses(t) };
    }),
    fc.tuple(fc.array(group, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 128 })).map(([gs, p]) => {
      const full = [...gs, ...Array<string>(8 - gs.length).fill('0')].join(':');
      const set = addresses(`${full}/${p}`);
      const base = set.toCidrs()[0]!.split('/')[0]!;
      return { text: `${base}/${p}`, set };
    }),
  );
}

const portNumber = fc.integer({ min: 0, max: 65535 });

function portSpec(): fc.Arbitrary<PortSpec> {
  return fc.oneof(
    portNumber.map((p) => ({ text: String(p), set: portSet([[p, p]]) })),
    fc.constantFrom(...SERVICES).map(([n, p]) => ({ text: n, set: portSet([[p, p]]) })),
    fc.tuple(portNumber, portNumber).map(([a, b]) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      return { text: `${lo}:${hi}`, set: portSet([[lo, hi]]) };
    }),
    portNumber.map((p) => ({ text: `:${p}`, set: portSet([[0, p]]) })),
    portNumber.map((p) => ({ text: `${p}:`, set: portSet([[p, 65535]]) })),
  );
}

const ifaceName = fc.oneof(
  fc.constantFrom('eth0', 'eth1', 'wlan0', 'br-lan', 'ppp0', 'lo', 'docker0', 'eth+', 'veth+', 'enp3s0', 'wg0', 'eth0.10'),
  fc.stringMatching(/^[a-z][a-z0-9]{0,8}\+?$/),
);

const commentText = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._:/-]{0,30}[A-Za-z0-9]$/).filter((s) => !s.includes('  ') && !/portcullis/i.test(s));

const chainName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/).filter((n) => !['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'QUEUE', 'LOG', 'DNAT', 'SNAT', 'REDIRECT', 'MASQUERADE'].includes(n.toUpperCase()) && !/^(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)$/i.test(n));

const separator = fc.constantFrom(' ', ' ', ' ', ' ', '  ', '\t');

function ruleArb(table: TableSpec['name'], family: Family, chains: string[], userChains: string[]): fc.Arbitrary<RuleSpec> {
  const address = family === 'ipv4' ? ipv4() : ipv6();
  const addressTerm = fc.record({ value: address, negated: fc.boolean(), oldNegation: fc.boolean(), long: fc.boolean() });
  const iface = fc.record({ name: ifaceName, negated: fc.boolean(), long: fc.boolean() });
  const protocol = fc.oneof(
    fc.constantFrom('tcp', 'udp').chain((p) =>
      fc.record({
        text: fc.constant(p),
        set: fc.constant(protocolSet([p === 'tcp' ? 6 : 17])),
        negated: fc.constant(false),
        long: fc.boolean(),
        ported: fc.constant(p),
      }),
    ),
    fc.record({
      text: fc.constantFrom(...(family === 'ipv4' ? ['icmp', '47', 'esp', 'tcp', 'udp'] : ['ipv6-icmp', '47', 'esp', 'tcp', 'udp'])),
      negated: fc.boolean(),
      long: fc.boolean(),
    }).map((p) => {
      const n = { icmp: 1, 'ipv6-icmp': 58, esp: 50, '47': 47, tcp: 6, udp: 17 }[p.text]!;
      const set = protocolSet([n]);
      return { ...p, set: p.negated ? set.complement() : set, ported: undefined };
    }),
    fc.record({ text: fc.constant('all'), set: fc.constant(ALL_PROTOCOLS), negated: fc.constant(false), long: fc.boolean(), ported: fc.constant(undefined) }),
  );
  const portTerm = fc.record({ value: portSpec(), negated: fc.boolean(), explicitModule: fc.boolean() });
  const target: fc.Arbitrary<TargetSpec> = fc.oneof(
    fc.record({ kind: fc.constant('verdict' as const), name: fc.constantFrom('ACCEPT' as const, 'DROP' as const, 'REJECT' as const, 'RETURN' as const), long: fc.boolean() }),
    fc.record({ kind: fc.constant('log' as const), prefix: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_:-]{0,12}$/) }),
    ...(userChains.length > 0 ? [fc.record({ kind: fc.constant('chain' as const), name: fc.constantFrom(...userChains), goto: fc.boolean() })] : []),
    ...(table === 'nat'
      ? [
          fc.record({
            kind: fc.constant('dnat' as const),
            host: family === 'ipv4' ? fc.tuple(octet, octet, octet, octet).map((o) => o.join('.')) : fc.constant('2001:db8::1'),
            port: fc.option(fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 100 })).map(([p, w]): [number, number] => [p, Math.min(65535, p + w)]), { nil: undefined }),
          }).map(({ host, port, kind }) => ({ kind, address: host, set: addresses(host), ...(port ? { port } : {}) })),
          fc.record({ kind: fc.constant('redirect' as const), port: fc.option(fc.integer({ min: 1, max: 65535 }).map((p): [number, number] => [p, p]), { nil: undefined }) }).map((t) => (t.port ? t : { kind: t.kind })),
          fc.record({ kind: fc.constant('snat' as const), address: family === 'ipv4' ? fc.tuple(octet, octet, octet, octet).map((o) => o.join('.')) : fc.constant('2001:db8::2') }),
          fc.constant({ kind: 'masquerade' as const }),
        ]
      : []),
  );
  return fc
    .record(
      {
        chain: fc.constantFrom(...chains),
        protocol,
        source: addressTerm,
        destination: addressTerm,
        inInterface: iface,
        outInterface: iface,
        sport: portTerm,
        dport: portTerm,
        multiport: fc.record({ option: fc.constantFrom('--dports' as const, '--sports' as const), values: fc.array(portSpec(), { minLength: 1, maxLength: 15 }), negated: fc.boolean() }),
        state: fc.record({
          module: fc.constantFrom('state' as const, 'conntrack' as const),
          states: fc.uniqueArray(fc.constantFrom('NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'), { minLength: 1, maxLength: 4 }),
          negated: fc.boolean(),
        }),
        comment: commentText,
        target,
        targetAt: fc.double({ min: 0, max: 1, noNaN: true }),
        order: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 12, maxLength: 12 }),
        counters: fc.boolean(),
        separators: fc.array(separator, { minLength: 64, maxLength: 64 }),
      },
      { requiredKeys: ['chain', 'targetAt', 'order', 'counters', 'separators'] },
    )
    .map((r) => {
      // Ports only after a protocol that has them; a multiport list only with one, and not beside --sport/--dport.
      if (!r.protocol?.ported) {
        delete r.sport;
        delete r.dport;
        delete r.multiport;
      }
      if (r.multiport) {
        if (r.multiport.option === '--dports') delete r.dport;
        else delete r.sport;
      }
      // Old-style negation (`-s ! x`) is only written for a negated term.
      for (const side of [r.source, r.destination]) if (side && !side.negated) side.oldNegation = false;
      // Where a verdict is not allowed: RETURN/REJECT belong to filter, user chains to RETURN.
      if (r.target?.kind === 'verdict' && r.target.name === 'REJECT' && table !== 'filter') r.target = { kind: 'verdict', name: 'DROP', long: r.target.long };
      if (table === 'nat' && r.target?.kind === 'verdict' && r.target.name !== 'RETURN') r.target = { kind: 'verdict', name: 'RETURN', long: r.target.long };
      if (r.target?.kind === 'dnat' || r.target?.kind === 'redirect') r.chain = r.chain === 'OUTPUT' ? 'OUTPUT' : 'PREROUTING';
      if (r.target?.kind === 'snat' || r.target?.kind === 'masquerade') r.chain = 'POSTROUTING';
      if ((r.target?.kind === 'redirect' || r.target?.kind === 'masquerade' || (r.target?.kind === 'dnat' && r.target.port)) && !r.protocol?.ported) {
        // A port in a NAT target needs a protocol with ports.
        if (r.target.kind === 'dnat') delete r.target.port;
        if (r.target.kind === 'redirect') delete r.target.port;
      }
      // A rule in a user chain may not jump to itself.
      if (r.target?.kind === 'chain' && r.target.name === r.chain) r.target = { kind: 'verdict', name: 'RETURN', long: false };
      return r as RuleSpec;
    });
}

function tableArb(name: TableSpec['name'], family: Family): fc.Arbitrary<TableSpec> {
  return fc.uniqueArray(chainName, { maxLength: 3, selector: (n) => n.toLowerCase() }).chain((userChains) =>
    fc.record({
      name: fc.constant(name),
      policies: fc.record(Object.fromEntries(BUILTIN[name].map((c) => [c, fc.constantFrom('ACCEPT' as const, 'DROP' as const)]))) as fc.Arbitrary<Record<string, 'ACCEPT' | 'DROP'>>,
      userChains: fc.constant(userChains),
      rules: fc.array(ruleArb(name, family, [...BUILTIN[name], ...userChains], userChains), { maxLength: 25 }),
    }),
  );
}

export function iptablesFileArb(): fc.Arbitrary<FileSpec> {
  return fc.constantFrom<Family>('ipv4', 'ipv4', 'ipv6').chain((family) =>
    fc.record({
      family: fc.constant(family),
      // An ip6tables-save file says so in its header; without one, only its addresses would tell.
      header: family === 'ipv6' ? fc.constant(true) : fc.boolean(),
      tables: fc.uniqueArray(fc.constantFrom<TableSpec['name']>('filter', 'nat'), { minLength: 1, maxLength: 2 }).chain((names) => fc.tuple(...names.map((n) => tableArb(n, family)))),
    }),
  );
}

/** The option groups of a rule, each a list of words; the target group is placed separately. */
function groups(r: RuleSpec): { groups: string[][]; target: string[] } {
  const out: string[][] = [];
  if (r.protocol) {
    const g = [...(r.protocol.negated ? ['!'] : []), r.protocol.long ? '--protocol' : '-p', r.protocol.text];
    // Port options follow the protocol (which loads its module), with or without an explicit -m.
    const ports: string[][] = [];
    for (const [opt, term] of [['--sport', r.sport], ['--dport', r.dport]] as const) {
      if (!term) continue;
      ports.push([...(term.explicitModule ? ['-m', r.protocol.text] : []), ...(term.negated ? ['!'] : []), opt, term.value.text]);
    }
    out.push([...g, ...ports.flat()]);
  }
  const addr = (t: RuleSpec['source'], short: string, long: string): void => {
    if (!t) return;
    const flag = t.long ? long : short;
    if (t.oldNegation) out.push([flag, '!', t.value.text]);
    else out.push([...(t.negated ? ['!'] : []), flag, t.value.text]);
  };
  addr(r.source, '-s', '--source');
  addr(r.destination, '-d', '--destination');
  const ifc = (t: RuleSpec['inInterface'], short: string, long: string): void => {
    if (t) out.push([...(t.negated ? ['!'] : []), t.long ? long : short, t.name]);
  };
  ifc(r.inInterface, '-i', '--in-interface');
  ifc(r.outInterface, '-o', '--out-interface');
  if (r.multiport) out.push(['-m', 'multiport', ...(r.multiport.negated ? ['!'] : []), r.multiport.option, r.multiport.values.map((v) => v.text).join(',')]);
  if (r.state) out.push(['-m', r.state.module, ...(r.state.negated ? ['!'] : []), r.state.module === 'state' ? '--state' : '--ctstate', r.state.states.join(',')]);
  if (r.comment !== undefined) out.push(['-m', 'comment', '--comment', r.comment.includes(' ') ? `"${r.comment}"` : r.comment]);
  const t = r.target;
  let target: string[] = [];
  if (t) {
    switch (t.kind) {
      case 'verdict':
        target = [t.long ? '--jump' : '-j', t.name];
        break;
      case 'log':
        target = ['-j', 'LOG', '--log-prefix', t.prefix];
        break;
      case 'chain':
        target = [t.goto ? '-g' : '-j', t.name];
        break;
      case 'dnat':
        target = ['-j', 'DNAT', '--to-destination', natTarget(t.address, t.port)];
        break;
      case 'redirect':
        target = ['-j', 'REDIRECT', ...(t.port ? ['--to-ports', portRangeText(t.port)] : [])];
        break;
      case 'snat':
        target = ['-j', 'SNAT', '--to-source', t.address];
        break;
      case 'masquerade':
        target = ['-j', 'MASQUERADE'];
        break;
    }
  }
  return { groups: out, target };
}

function natTarget(address: string, port: [number, number] | undefined): string {
  if (!port) return address;
  const a = address.includes(':') ? `[${address}]` : address;
  return `${a}:${portRangeText(port)}`;
}

const portRangeText = ([lo, hi]: [number, number]): string => (lo === hi ? String(lo) : `${lo}-${hi}`);

/** The rule as one line: the option groups in the spec's order, the target where it says. */
export function printRule(r: RuleSpec): { line: string; text: string } {
  const { groups: gs, target } = groups(r);
  const ordered = gs.map((g, i) => ({ g, k: r.order[i] ?? i })).sort((a, b) => a.k - b.k).map((x) => x.g);
  if (target.length > 0) {
    // iptables-save prints the target last; iptables(-restore) takes it anywhere among the options.
    ordered.splice(Math.min(ordered.length, Math.floor(r.targetAt * (ordered.length + 1))), 0, target);
  }
  const words = ['-A', r.chain, ...ordered.flat()];
  const text = words.join(' ');
  let line = words.map((w, i) => (i === 0 ? w : (r.separators[i % r.separators.length] ?? ' ') + w)).join('');
  if (r.counters) line = `[0:0] ${line}`;
  return { line, text };
}

export interface PrintedFile {
  text: string;
  /** Each rule's spec with the line it is on and the id the parser must give it. */
  rules: { spec: RuleSpec; line: number; id: string; text: string; table: TableSpec['name'] }[];
}

export function printIptablesSave(f: FileSpec): PrintedFile {
  const out: string[] = [];
  const rules: PrintedFile['rules'] = [];
  if (f.header) out.push(`# Generated by ${f.family === 'ipv6' ? 'ip6tables-save' : 'iptables-save'} v1.8.9 on Sat Mar  1 10:00:00 2025`);
  for (const t of f.tables) {
    out.push(`*${t.name}`);
    for (const c of BUILTIN[t.name]) out.push(`:${c} ${t.name === 'nat' ? 'ACCEPT' : t.policies[c]} [0:0]`);
    for (const c of t.userChains) out.push(`:${c} - [0:0]`);
    const positions = new Map<string, number>();
    for (const r of t.rules) {
      const { line, text } = printRule(r);
      out.push(line);
      const n = (positions.get(r.chain) ?? 0) + 1;
      positions.set(r.chain, n);
      rules.push({ spec: r, line: out.length, id: `${t.name}/${r.chain}#${n}`, text, table: t.name });
    }
    out.push('COMMIT');
  }
  if (f.header) out.push('# Completed on Sat Mar  1 10:00:00 2025');
  return { text: `${out.join('\n')}\n`, rules };
}

export interface ExpectedRule {
  action: RuleAction;
  target?: string;
  protocols: string;
  sources: string;
  destinations: string;
  sourcePorts: string;
  destinationPorts: string;
  inInterface?: { names: string[]; negated: boolean };
  outInterface?: { names: string[]; negated: boolean };
  matchesNew: boolean;
  stateMatch?: boolean;
  exact: boolean;
  description?: string;
  translation?: { addresses?: string; ports?: string };
  text: string;
  line: number;
}

const NEW_STATES = new Set(['NEW', 'UNTRACKED', 'DNAT', 'SNAT']);

/** What the model must say of one generated rule (sets as keys, to compare with `toEqual`). */
export function expectedRule(p: PrintedFile['rules'][number], family: Family): ExpectedRule {
  const r = p.spec;
  const all = AddressSet.all(family);
  const side = (t: RuleSpec['source']): AddressSet => (!t ? all : t.negated ? t.value.set.complement(family).intersect(all) : t.value.set);
  let sp: PortSet = ALL_PORTS;
  let dp: PortSet = ALL_PORTS;
  const term = (t: RuleSpec['sport']): PortSet => (!t ? ALL_PORTS : t.negated ? t.value.set.complement() : t.value.set);
  sp = sp.intersect(term(r.sport));
  dp = dp.intersect(term(r.dport));
  if (r.multiport) {
    const set = r.multiport.values.reduce((a, v) => a.union(v.set), portSet([]));
    const s = r.multiport.negated ? set.complement() : set;
    if (r.multiport.option === '--dports') dp = dp.intersect(s);
    else sp = sp.intersect(s);
  }
  const action: RuleAction = !r.target
    ? 'continue'
    : r.target.kind === 'verdict'
      ? ({ ACCEPT: 'allow', DROP: 'deny', REJECT: 'reject', RETURN: 'return' } as const)[r.target.name]
      : r.target.kind === 'log'
        ? 'continue'
        : r.target.kind === 'chain'
          ? r.target.goto
            ? 'goto'
            : 'jump'
          : r.target.kind;
  const e: ExpectedRule = {
    action,
    protocols: (r.protocol?.set ?? ALL_PROTOCOLS).key(),
    sources: side(r.source).key(),
    destinations: side(r.destination).key(),
    sourcePorts: sp.key(),
    destinationPorts: dp.key(),
    matchesNew: !r.state || (r.state.negated ? !r.state.states.includes('NEW') : r.state.states.some((s) => NEW_STATES.has(s))),
    exact: true,
    text: p.text,
    line: p.line,
  };
  if (r.state) e.stateMatch = true;
  if (r.target?.kind === 'chain') e.target = `${p.table}/${r.target.name}`;
  if (r.inInterface) e.inInterface = { names: [r.inInterface.name], negated: r.inInterface.negated };
  if (r.outInterface) e.outInterface = { names: [r.outInterface.name], negated: r.outInterface.negated };
  if (r.comment !== undefined) e.description = r.comment;
  if (r.target?.kind === 'dnat') e.translation = { addresses: r.target.set.key(), ...(r.target.port ? { ports: portSet([r.target.port]).key() } : {}) };
  if (r.target?.kind === 'redirect') e.translation = r.target.port ? { ports: portSet([r.target.port]).key() } : {};
  return e;
}

/** The same fields of a parsed rule, for comparison with `expectedRule`. */
export function observedRule(rule: FilterRule): ExpectedRule {
  const o: ExpectedRule = {
    action: rule.action,
    protocols: rule.protocols.key(),
    sources: rule.sources.key(),
    destinations: rule.destinations.key(),
    sourcePorts: rule.sourcePorts.key(),
    destinationPorts: rule.destinationPorts.key(),
    matchesNew: rule.matchesNew,
    exact: rule.exact,
    text: rule.text,
    line: rule.origin.line,
  };
  if (rule.stateMatch !== undefined) o.stateMatch = rule.stateMatch;
  if (rule.target !== undefined) o.target = rule.target;
  if (rule.inInterface) o.inInterface = { names: rule.inInterface.names, negated: rule.inInterface.negated };
  if (rule.outInterface) o.outInterface = { names: rule.outInterface.names, negated: rule.outInterface.negated };
  if (rule.description !== undefined) o.description = rule.description;
  if (rule.translation) {
    o.translation = {};
    if (rule.translation.addresses) o.translation.addresses = rule.translation.addresses.key();
    if (rule.translation.ports) o.translation.ports = rule.translation.ports.key();
  }
  return o;
}
