import type { AddressSet } from '@portcullis/model';
import { isBang, isOptionToken, type Token } from './tokenizer.js';
import type { AddressTerm, Problem, ProtocolTerm, RuleAst } from './syntax.js';
import { readTargetOptions, targetOptionArity, targetTakesOption } from './targets.js';
import {
  protocolModule,
  readAddressRange,
  readAddresses,
  readPorts,
  readProtocol,
  readStates,
  serviceProtocol,
} from './values.js';

/*
 * Reads the options of one rule (everything after `-A CHAIN`) into a RuleAst. Options are resolved
 * the way iptables does it: basic options anywhere, module options after `-m MODULE` (or after
 * `-p tcp`, which loads the tcp module implicitly), target options after `-j TARGET`. Negation is
 * accepted in both spellings: `! --dport 22` (modern) and `--dport ! 22` (before iptables 1.4.3).
 */

/** An option value with its position; `negated` when it was written in the old `--opt ! value` form. */
interface Value {
  text: string;
  column: number;
  negated: boolean;
}

type Handler = (reader: RuleReader, option: Token, negated: boolean) => void;

interface ModuleSpec {
  /** Options the model captures. */
  captured: Record<string, Handler>;
  /**
   * The module's other options, all conditions the model does not capture (the rule may match),
   * with how many values each takes (`SOME`: one or more, up to the next option). `any` for rarer
   * modules, whose options we skip by shape (`--opt [value…]`).
   */
  inexact: Readonly<Record<string, number>> | 'any';
}

const portHandler = (kind: 'src' | 'dst' | 'either', list: boolean): Handler => (r, o, neg) => r.portOption(o, neg, kind, list);
const PORTS: Record<string, Handler> = {
  '--sport': portHandler('src', false),
  '--source-port': portHandler('src', false),
  '--dport': portHandler('dst', false),
  '--destination-port': portHandler('dst', false),
};
const icmpType: Handler = (r, o, neg) => r.icmpTypeOption(o, neg);
const setMatch: Handler = (r, o, neg) => r.setOption(o, neg);
const ANY = 'any' as const;
const SOME = -1;

/** `options('--a', '--b=0', '--c=2')`: option names with their value counts (default 1). */
function options(...specs: string[]): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    out[eq < 0 ? spec : spec.slice(0, eq)] = eq < 0 ? 1 : Number(spec.slice(eq + 1));
  }
  return out;
}

// Match extensions. A module not listed here is reported as unsupported (and skipped by shape).
const MODULES: Record<string, ModuleSpec> = {
  tcp: { captured: PORTS, inexact: options('--tcp-flags=2', '--syn=0', '--tcp-option') },
  udp: { captured: PORTS, inexact: options() },
  sctp: { captured: PORTS, inexact: options(`--chunk-types=${SOME}`) },
  dccp: { captured: PORTS, inexact: options('--dccp-types', '--dccp-option') },
  icmp: { captured: { '--icmp-type': icmpType }, inexact: options() },
  icmp6: { captured: { '--icmpv6-type': icmpType }, inexact: options() },
  multiport: {
    captured: {
      '--sports': portHandler('src', true),
      '--source-ports': portHandler('src', true),
      '--dports': portHandler('dst', true),
      '--destination-ports': portHandler('dst', true),
      '--ports': portHandler('either', true),
    },
    inexact: options(),
  },
  state: { captured: { '--state': (r, o, neg) => r.stateOption(o, neg) }, inexact: options() },
  conntrack: {
    captured: { '--ctstate': (r, o, neg) => r.stateOption(o, neg) },
    inexact: options(
      '--ctproto', '--ctorigsrc', '--ctorigdst', '--ctreplsrc', '--ctrepldst', '--ctorigsrcport', '--ctorigdstport',
      '--ctreplsrcport', '--ctrepldstport', '--ctstatus', '--ctexpire', '--ctdir',
    ),
  },
  comment: { captured: { '--comment': (r, o) => r.commentOption(o) }, inexact: options() },
  iprange: {
    captured: { '--src-range': (r, o, neg) => r.rangeOption(o, neg, 'src'), '--dst-range': (r, o, neg) => r.rangeOption(o, neg, 'dst') },
    inexact: options(),
  },
  set: {
    captured: { '--match-set': setMatch, '--set': setMatch },
    inexact: options(
      '--return-nomatch=0', '--update-counters=0', '--update-subcounters=0', '--packets-eq', '--packets-lt',
      '--packets-gt', '--bytes-eq', '--bytes-lt', '--bytes-gt',
    ),
  },
  recent: {
    captured: {},
    inexact: options(
      '--set=0', '--rcheck=0', '--update=0', '--remove=0', '--seconds', '--reap=0', '--hitcount', '--rttl=0',
      '--name', '--mask', '--rsource=0', '--rdest=0',
    ),
  },
  limit: { captured: {}, inexact: options('--limit', '--limit-burst') },
  mark: { captured: {}, inexact: options('--mark') },
  connmark: { captured: {}, inexact: options('--mark') },
  addrtype: { captured: {}, inexact: options('--src-type', '--dst-type', '--limit-iface-in=0', '--limit-iface-out=0') },
  pkttype: { captured: {}, inexact: options('--pkt-type') },
  length: { captured: {}, inexact: options('--length') },
  physdev: {
    captured: {},
    inexact: options('--physdev-in', '--physdev-out', '--physdev-is-in=0', '--physdev-is-out=0', '--physdev-is-bridged=0'),
  },
  owner: {
    captured: {},
    inexact: options('--uid-owner', '--gid-owner', '--socket-exists=0', '--suppl-groups=0', '--pid-owner', '--sid-owner', '--cmd-owner'),
  },
  mac: { captured: {}, inexact: options('--mac-source') },
  tos: { captured: {}, inexact: options('--tos') },
  dscp: { captured: {}, inexact: options('--dscp', '--dscp-class') },
  ttl: { captured: {}, inexact: options('--ttl-eq', '--ttl-gt', '--ttl-lt') },
  hl: { captured: {}, inexact: options('--hl-eq', '--hl-gt', '--hl-lt') },
  helper: { captured: {}, inexact: options('--helper') },
  rpfilter: { captured: {}, inexact: options('--loose=0', '--validmark=0', '--accept-local=0', '--invert=0') },
  string: { captured: {}, inexact: options('--algo', '--from', '--to', '--string', '--hex-string', '--icase=0') },
  hashlimit: {
    captured: {},
    inexact: options(
      '--hashlimit', '--hashlimit-upto', '--hashlimit-above', '--hashlimit-burst', '--hashlimit-mode', '--hashlimit-srcmask',
      '--hashlimit-dstmask', '--hashlimit-name', '--hashlimit-htable-size', '--hashlimit-htable-max',
      '--hashlimit-htable-expire', '--hashlimit-htable-gcinterval', '--hashlimit-rate-match=0', '--hashlimit-rate-interval',
    ),
  },
  connlimit: {
    captured: {},
    inexact: options('--connlimit-upto', '--connlimit-above', '--connlimit-mask', '--connlimit-saddr=0', '--connlimit-daddr=0'),
  },
  time: {
    captured: {},
    inexact: options('--datestart', '--datestop', '--timestart', '--timestop', '--monthdays', '--weekdays', '--kerneltz=0', '--utc=0', '--contiguous=0'),
  },
  policy: {
    captured: {},
    inexact: options('--dir', '--pol', '--strict=0', '--reqid', '--spi', '--proto', '--mode', '--tunnel-src', '--tunnel-dst', '--next=0'),
  },
  u32: { captured: {}, inexact: options('--u32') },
  geoip: { captured: {}, inexact: options('--src-cc', '--source-country', '--dst-cc', '--destination-country') },
  statistic: { captured: {}, inexact: options('--mode', '--probability', '--every', '--packet') },
  socket: { captured: {}, inexact: options('--transparent=0', '--nowildcard=0', '--restore-skmark=0') },
  ecn: { captured: {}, inexact: options('--ecn-tcp-cwr=0', '--ecn-tcp-ece=0', '--ecn-ip-ect') },
  connbytes: { captured: {}, inexact: options('--connbytes', '--connbytes-dir', '--connbytes-mode') },
  quota: { captured: {}, inexact: options('--quota') },
  devgroup: { captured: {}, inexact: options('--src-group', '--dst-group') },
  cgroup: { captured: {}, inexact: options('--cgroup', '--path') },
  cpu: { captured: {}, inexact: options('--cpu') },
  realm: { captured: {}, inexact: options('--realm') },
  ah: { captured: {}, inexact: options('--ahspi') },
  esp: { captured: {}, inexact: options('--espspi') },
  tcpmss: { captured: {}, inexact: options('--mss') },
};

// Rarer match extensions the model does not capture either; their options are skipped by shape.
const SHAPED_MODULES = [
  'ipv6header', 'frag', 'rt', 'hbh', 'dst', 'mh', 'eui64', 'condition', 'account', 'osf', 'nfacct', 'bpf', 'ipvs',
  'cluster', 'rateest', 'connlabel', 'ipcomp', 'l2tp', 'quota2', 'psd', 'ipp2p', 'layer7', 'unclean', 'udplite',
  'pknock', 'iface', 'lscan', 'fuzzy', 'nth', 'random', 'set6', 'state6', 'ipv4options', 'srh', 'tcpudp',
];
for (const name of SHAPED_MODULES) MODULES[name] = { captured: {}, inexact: ANY };

const MAX_PROBLEMS = 20;

/**
 * Most of a rule's condition lists stay empty (a kube-proxy rule has an address and a port or two):
 * they share one empty list until something is added (by `add`, which never pushes onto it),
 * instead of seven new arrays a rule. Not frozen: V8 iterates frozen arrays on a slow path.
 */
const NONE: readonly never[] = [];
const none = <T>(): T[] => NONE as never[];
export const add = <T>(list: T[], item: T): T[] => {
  if (list === (NONE as readonly unknown[])) return [item];
  list.push(item);
  return list;
};

/** How many values a listed option of `spec` takes; undefined when the module does not list it. */
const listedArity = (spec: ModuleSpec, option: string): number | undefined =>
  spec.inexact === ANY ? undefined : spec.inexact[option];

interface PendingPorts {
  kind: 'src' | 'dst' | 'either';
  list: boolean;
  value: Value;
  negated: boolean;
}

class RuleReader {
  readonly ast: RuleAst;
  private readonly tokens: Token[];
  private index = 0;
  private pendingBang: Token | undefined;
  /** Match modules in the order they were loaded (`-m`, or implicitly by `-p`). */
  private readonly loaded: string[] = [];
  private inTarget = false;
  private lastWasStray = false;
  private readonly pendingPorts: PendingPorts[] = [];
  /** `-s` (1) and `-d` (2) seen already: each may appear once. */
  private seen = 0;
  private droppedProblems = 0;

  constructor(tokens: Token[], line: number, text: string, chain: string, start: number) {
    this.tokens = tokens;
    this.index = start;
    this.ast = {
      line, text, chain, protocol: undefined,
      sources: none(), destinations: none(), sourcePorts: none(), destinationPorts: none(), eitherPorts: none(),
      inInterface: undefined, outInterface: undefined, states: none(), inexact: none(), comment: undefined,
      target: undefined, problems: none(), ipv4Evidence: false, ipv6Evidence: false,
    };
  }

  read(): RuleAst {
    while (this.index < this.tokens.length) this.step();
    if (this.pendingBang) this.problem('report', 'unrecognised-line', "'!' is not followed by an option", this.pendingBang.column);
    this.resolvePorts();
    const target = this.ast.target;
    if (target) {
      readTargetOptions(target, this);
      if (target.nat?.addresses) this.noteFamily(target.nat.addresses);
    }
    if (this.droppedProblems > 0) {
      this.ast.problems = add(this.ast.problems, { kind: 'report', severity: 'warning', code: 'unrecognised-line', message: `and ${this.droppedProblems} more problems on this line` });
    }
    return this.ast;
  }

  problem(kind: Problem['kind'], code: string, message: string, column?: number, severity: Problem['severity'] = 'warning'): void {
    // A pathological line gets a handful of diagnostics, not one per word.
    if (this.ast.problems.length >= MAX_PROBLEMS) {
      this.droppedProblems++;
      return;
    }
    const p: Problem = { kind, severity, code, message };
    if (column !== undefined) p.column = column;
    this.ast.problems = add(this.ast.problems, p);
  }

  private step(): void {
    const token = this.tokens[this.index]!;
    if (isBang(token)) {
      if (this.pendingBang) this.problem('report', 'unrecognised-line', "double '!'", token.column);
      this.pendingBang = token;
      this.index++;
      this.lastWasStray = false;
      return;
    }
    this.index++;
    if (!isOptionToken(token)) {
      // A word no option asked for: garbage, or a fragment of a wrapped line. One report per run.
      if (!this.lastWasStray) this.problem('report', 'unrecognised-line', `unexpected '${clip(token.text)}'`, token.column);
      this.lastWasStray = true;
      return;
    }
    this.lastWasStray = false;
    const negated = this.pendingBang !== undefined;
    this.pendingBang = undefined;
    this.option(token, negated);
  }

  /** Reads one value; the old syntax puts the `!` between the option and its value. */
  value(option: Token): Value | undefined {
    let next = this.tokens[this.index];
    let negated = false;
    if (isBang(next) && this.tokens[this.index + 1] && !isOptionToken(this.tokens[this.index + 1])) {
      negated = true;
      this.index++;
      next = this.tokens[this.index];
    }
    if (!next || isOptionToken(next) || isBang(next)) {
      this.problem('report', 'unrecognised-line', `${option.text} needs a value`, option.column);
      return undefined;
    }
    this.index++;
    return { text: next.text, column: next.column, negated };
  }

  /** Skips the values of an option we only know by shape: words up to the next option. */
  skipValues(): { values: string[]; negated: boolean } {
    const values: string[] = [];
    let negated = false;
    for (;;) {
      const next = this.tokens[this.index];
      if (!next || isOptionToken(next)) break;
      if (isBang(next)) {
        const after = this.tokens[this.index + 1];
        if (!after || isOptionToken(after) || isBang(after)) break;
        negated = true;
        this.index++;
        continue;
      }
      values.push(next.text);
      this.index++;
    }
    return { values, negated };
  }

  private option(token: Token, negated: boolean): void {
    const name = token.text;
    switch (name) {
      case '-p':
      case '--protocol':
        return this.protocolOption(token, negated);
      case '-s':
      case '--source':
      case '--src':
        return this.addressOption(token, negated, 'src');
      case '-d':
      case '--destination':
      case '--dst':
        return this.addressOption(token, negated, 'dst');
      case '-i':
      case '--in-interface':
      case '-o':
      case '--out-interface':
        return this.interfaceOption(token, negated, name === '-i' || name === '--in-interface' ? 'in' : 'out');
      case '-f':
      case '--fragment':
        this.ast.inexact = add(this.ast.inexact, negated ? '! -f' : '-f');
        return;
      case '-m':
      case '--match':
        return this.matchOption(token, negated);
      case '-j':
      case '--jump':
      case '-g':
      case '--goto':
        return this.targetOption(token, name === '-g' || name === '--goto');
      case '-c':
      case '--set-counters':
        // Packet and byte counters (iptables-restore input form); they match nothing.
        this.value(token);
        this.value(token);
        return;
      default:
        if (this.ast.target && (this.inTarget ? this.targetOwns(name) : targetTakesOption(this.ast.target.name, name) === true)) {
          return this.targetSpecificOption(token, negated);
        }
        return this.moduleOption(token, negated);
    }
  }

  private protocolOption(option: Token, negated: boolean): void {
    const v = this.value(option);
    if (!v) return;
    if (this.ast.protocol) this.problem('report', 'duplicate-option', 'more than one -p in a rule', option.column);
    const read = readProtocol(v.text);
    if (!read.ok) this.problem('report', 'invalid-value', read.message, v.column);
    const term: ProtocolTerm = { negated: negated || v.negated, name: v.text.toLowerCase() };
    if (read.ok) term.set = read.value;
    this.ast.protocol = term;
    const module = protocolModule(v.text);
    if (module) this.loaded.push(module);
    if (module === 'icmp6') this.ast.ipv6Evidence = true;
  }

  private addressOption(option: Token, negated: boolean, side: 'src' | 'dst'): void {
    const v = this.value(option);
    if (!v) return;
    const bit = side === 'src' ? 1 : 2;
    if (this.seen & bit) this.problem('report', 'duplicate-option', `more than one ${option.text} in a rule`, option.column);
    this.seen |= bit;
    const read = v.text === '0/0' ? readAddresses('0.0.0.0/0') : readAddresses(v.text);
    const term: AddressTerm = { negated: negated || v.negated };
    if (!read.ok) {
      this.problem('report', 'invalid-value', read.message, v.column);
    } else if (read.value.hostName !== undefined) {
      term.symbolic = `host:${read.value.hostName}`;
      this.problem('note', 'unresolved-reference', `host name '${read.value.hostName}' is resolved only when the rule is loaded`, v.column);
    } else if (read.value.set) {
      term.set = read.value.set;
      this.noteFamily(read.value.set);
    }
    this.address(side, term);
  }

  private address(side: 'src' | 'dst', term: AddressTerm): void {
    if (side === 'src') this.ast.sources = add(this.ast.sources, term);
    else this.ast.destinations = add(this.ast.destinations, term);
  }

  private interfaceOption(option: Token, negated: boolean, direction: 'in' | 'out'): void {
    const v = this.value(option);
    if (!v) return;
    if (v.text === '') {
      this.problem('report', 'invalid-value', `empty interface name`, v.column);
      return;
    }
    const match = { names: [v.text], negated: negated || v.negated };
    if (direction === 'in') this.ast.inInterface = match;
    else this.ast.outInterface = match;
  }

  private matchOption(option: Token, negated: boolean): void {
    const v = this.value(option);
    if (!v) return;
    if (negated || v.negated) this.problem('report', 'unrecognised-line', `'!' cannot negate ${option.text}`, option.column);
    const module = v.text.toLowerCase();
    this.loaded.push(module);
    this.inTarget = false;
    if (!MODULES[module]) {
      this.problem('note', 'unsupported-match', `match module '${v.text}' is not supported; the rule is kept as one that may match`, v.column);
      this.ast.inexact = add(this.ast.inexact, `-m ${module}`);
    }
  }

  private targetOption(option: Token, goto: boolean): void {
    const v = this.value(option);
    if (!v) return;
    if (this.ast.target) this.problem('report', 'duplicate-option', 'more than one target in a rule', option.column);
    this.ast.target = { name: v.text, goto, column: v.column, options: [] };
    this.inTarget = true;
  }

  /**
   * Whether an option after `-j TARGET` is the target's. iptables looks an option up in the target
   * and in every loaded match alike, so order does not decide: a target whose options are known owns
   * only those; any other target owns every option but one a loaded match captures (`--dport`).
   */
  private targetOwns(option: string): boolean {
    const takes = targetTakesOption(this.ast.target!.name, option);
    if (takes !== undefined) return takes;
    return !this.loaded.some((m) => MODULES[m]?.captured[option] !== undefined);
  }

  private targetSpecificOption(option: Token, negated: boolean): void {
    const target = this.ast.target!;
    if (targetOptionArity(option.text) === 1) {
      const v = this.value(option);
      if (v) target.options.push({ name: option.text, values: [v.text], negated: negated || v.negated });
      return;
    }
    const skipped = this.skipValues();
    target.options.push({ name: option.text, values: skipped.values, negated: negated || skipped.negated });
  }

  private moduleOption(option: Token, negated: boolean): void {
    const name = option.text;
    const loaded = this.loaded;
    const current = loaded[loaded.length - 1];
    const currentSpec = current === undefined ? undefined : MODULES[current];
    // 1. The module the option follows; 2. any loaded module that captures or lists it; 3. the
    // last loaded module known only by shape (or unknown); 4. tolerance: a module that was not loaded.
    if (currentSpec?.captured[name]) return currentSpec.captured[name](this, option, negated);
    const currentArity = currentSpec && listedArity(currentSpec, name);
    if (currentArity !== undefined) return this.skipInexact(option, `${current} ${name}`, negated, currentArity);
    for (let i = loaded.length - 1; i >= 0; i--) {
      const handler = MODULES[loaded[i]!]?.captured[name];
      if (handler) return handler(this, option, negated);
    }
    for (let i = loaded.length - 1; i >= 0; i--) {
      const spec = MODULES[loaded[i]!];
      const arity = spec && listedArity(spec, name);
      if (arity !== undefined) return this.skipInexact(option, `${loaded[i]} ${name}`, negated, arity);
    }
    for (let i = loaded.length - 1; i >= 0; i--) {
      const spec = MODULES[loaded[i]!];
      // An unknown module was reported (and made the rule inexact) when it was loaded.
      if (!spec) return this.skipInexact(option, `${loaded[i]} ${name}`, negated, SOME, false);
      if (spec.inexact === ANY) return this.skipInexact(option, `${loaded[i]} ${name}`, negated, SOME);
    }
    for (const [module, spec] of Object.entries(MODULES)) {
      const arity = listedArity(spec, name);
      if (!spec.captured[name] && arity === undefined) continue;
      // iptables would refuse the rule; read the option anyway, and say so.
      this.problem('report', 'invalid-value', `${name} needs -m ${module} (or a -p that loads it) before it`, option.column);
      if (spec.captured[name]) return spec.captured[name](this, option, negated);
      return this.skipInexact(option, `${module} ${name}`, negated, arity!);
    }
    this.problem('note', 'unsupported-match', `option '${name}' is not supported; the rule is kept as one that may match`, option.column);
    this.skipInexact(option, name, negated, SOME);
  }

  /** Skips an option's values: exactly `arity` of them, or (SOME) every word up to the next option. */
  private skipInexact(option: Token, reason: string, negated: boolean, arity: number, record = true): void {
    let negatedValue = false;
    if (arity === SOME) negatedValue = this.skipValues().negated;
    for (let i = 0; i < arity; i++) {
      const v = this.value(option);
      if (!v) break;
      negatedValue ||= v.negated;
    }
    if (record) this.ast.inexact = add(this.ast.inexact, negated || negatedValue ? `! ${reason}` : reason);
  }

  portOption(option: Token, negated: boolean, kind: 'src' | 'dst' | 'either', list: boolean): void {
    const v = this.value(option);
    if (v) this.pendingPorts.push({ kind, list, value: v, negated: negated || v.negated });
  }

  /** Ports are read last: service names depend on the protocol, which may come later in the rule. */
  private resolvePorts(): void {
    const protocol = serviceProtocol(this.ast.protocol?.name);
    for (const p of this.pendingPorts) {
      const read = readPorts(p.value.text, protocol, p.list);
      if (!read.ok) this.problem('report', 'invalid-value', read.message, p.value.column);
      const term = read.ok ? { set: read.value, negated: p.negated } : { negated: p.negated };
      if (p.kind === 'src') this.ast.sourcePorts = add(this.ast.sourcePorts, term);
      else if (p.kind === 'dst') this.ast.destinationPorts = add(this.ast.destinationPorts, term);
      else this.ast.eitherPorts = add(this.ast.eitherPorts, term);
    }
  }

  icmpTypeOption(option: Token, negated: boolean): void {
    const v = this.value(option);
    if (!v) return;
    if (option.text === '--icmpv6-type') this.ast.ipv6Evidence = true;
    // `any` is every type; any other type is a condition the model does not capture.
    if (v.text.toLowerCase() !== 'any' || negated || v.negated) {
      this.ast.inexact = add(this.ast.inexact, `${negated || v.negated ? '! ' : ''}${option.text} ${v.text}`);
    }
  }

  stateOption(option: Token, negated: boolean): void {
    const v = this.value(option);
    if (!v) return;
    const read = readStates(v.text);
    if (!read.ok) {
      this.problem('report', 'invalid-value', read.message, v.column);
      this.ast.inexact = add(this.ast.inexact, `${option.text} ${v.text}`);
      return;
    }
    const states = read.value;
    this.ast.states = add(this.ast.states, { states, negated: negated || v.negated });
    // DNAT/SNAT are properties of the connection, not of the packet: they say nothing about NEW.
    if (states.includes('DNAT') || states.includes('SNAT')) this.ast.inexact = add(this.ast.inexact, `${option.text} ${v.text}`);
  }

  commentOption(option: Token): void {
    const v = this.value(option);
    if (!v) return;
    this.ast.comment = this.ast.comment === undefined ? v.text : `${this.ast.comment}; ${v.text}`;
  }

  rangeOption(option: Token, negated: boolean, side: 'src' | 'dst'): void {
    const v = this.value(option);
    if (!v) return;
    const read = readAddressRange(v.text);
    const term: AddressTerm = { negated: negated || v.negated };
    if (read.ok) {
      term.set = read.value;
      this.noteFamily(read.value);
    } else {
      this.problem('report', 'invalid-value', read.message, v.column);
    }
    this.address(side, term);
  }

  /** `-m set --match-set NAME src[,dst…]`: an ipset, which lives outside the file. */
  setOption(option: Token, negated: boolean): void {
    const name = this.value(option);
    if (!name) return;
    const flags = this.value(option);
    if (!flags) return;
    const first = flags.text.split(',')[0];
    if (first !== 'src' && first !== 'dst') {
      this.problem('report', 'invalid-value', `ipset direction '${flags.text}' must start with src or dst`, flags.column);
      return;
    }
    const term: AddressTerm = { negated: negated || name.negated || flags.negated, symbolic: `ipset:${name.text}` };
    this.address(first, term);
    this.problem('note', 'unresolved-reference', `ipset '${name.text}' is not part of the file; the rule is kept as one that may match`, name.column);
  }

  noteFamily(set: AddressSet): void {
    const family = set.family();
    if (family === 'ipv4' || family === 'mixed') this.ast.ipv4Evidence = true;
    if (family === 'ipv6' || family === 'mixed') this.ast.ipv6Evidence = true;
  }
}

/** Keeps messages short when a line carries a huge token. */
export function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Reads the options of a rule (the words after `-A CHAIN`). */
/** Reads the rule's options from `tokens[start]` on (before it: the command and its chain). */
export function readRule(tokens: Token[], line: number, text: string, chain: string, start = 0): RuleAst {
  return new RuleReader(tokens, line, text, chain, start).read();
}
