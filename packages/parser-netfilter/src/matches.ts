import { ALL_PORTS, ALL_PROTOCOLS, type AddressSet, type ProtocolSet } from '@portcullis/model';
import { Vocabulary, type Words } from './tokenizer.js';
import {
  EXACT,
  IPV4_EVIDENCE,
  IPV6_EVIDENCE,
  MATCHES_NEW,
  STATE_MATCH,
  type AddressTerm,
  type PortTerm,
  type Problem,
  type ProtocolTerm,
  type RuleAst,
  type StateTerm,
} from './syntax.js';
import { TARGET_WORDS, readTargetOptions, targetOptionArity, targetTakesOption } from './targets.js';
import {
  protocolModule,
  readAddressRange,
  readAddresses,
  readPorts,
  readProtocol,
  readStates,
  serviceProtocol,
  type Read,
  type SharedAddresses,
} from './values.js';

/*
 * Reads the options of one rule (everything after `-A CHAIN`) into a RuleAst. Options are resolved
 * the way iptables does it: basic options anywhere, module options after `-m MODULE` (or after
 * `-p tcp`, which loads the tcp module implicitly), target options after `-j TARGET`. Negation is
 * accepted in both spellings: `! --dport 22` (modern) and `--dport ! 22` (before iptables 1.4.3).
 */

/** Words are passed around by their number in the rule's Words. */
type Handler = (reader: RuleReader, option: number, negated: boolean) => void;

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

/**
 * The words a rule line is mostly made of: commands, options, module, protocol and target names.
 * Read from a line, they come as these (interned) strings; every other word is sliced from the line.
 */
export const RULE_WORDS = new Vocabulary([
  '-A', '--append', '-I', '--insert', '-N', '--new-chain', '-P', '--policy', '!',
  '-p', '--protocol', '-s', '--source', '--src', '-d', '--destination', '--dst', '-i', '--in-interface', '-o',
  '--out-interface', '-f', '--fragment', '-m', '--match', '-j', '--jump', '-g', '--goto', '-c', '--set-counters',
  'tcp', 'udp', 'icmp', 'icmpv6', 'ipv6-icmp', 'sctp', 'dccp', 'all', 'udplite', 'esp', 'ah', 'gre',
  ...Object.keys(MODULES),
  ...Object.values(MODULES).flatMap((spec) => [...Object.keys(spec.captured), ...(spec.inexact === ANY ? [] : Object.keys(spec.inexact))]),
  ...TARGET_WORDS,
]);

const MAX_PROBLEMS = 20;

interface ProtocolValue {
  read: Read<ProtocolSet>;
  /** Lower case, for service names. */
  name: string;
  /** The match module `-p` loads. */
  module: string | undefined;
}

/** `-p` values read so far: a file names a handful of protocols, rule after rule. */
const PROTOCOL_VALUES = new Map<string, ProtocolValue>();
const MAX_PROTOCOL_VALUES = 64;

function protocolValue(text: string): ProtocolValue {
  let value = PROTOCOL_VALUES.get(text);
  if (value === undefined) {
    value = { read: readProtocol(text), name: text.toLowerCase(), module: protocolModule(text) };
    if (PROTOCOL_VALUES.size < MAX_PROTOCOL_VALUES) PROTOCOL_VALUES.set(text, value);
  }
  return value;
}

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

/** Lists a reader keeps from rule to rule longer than this are let go (a hostile line's). */
const KEPT_WORKING_LIST = 64;

/**
 * Reads rules one after another: one reader serves a whole file. Its working lists (the modules
 * loaded, the ports waiting for the protocol) are kept from rule to rule and only their counts start
 * over, instead of a reader and its lists per rule: for a kube-proxy dump that was about a quarter
 * of what reading allocated.
 */
export class RuleReader {
  private ast!: RuleAst;
  private words!: Words;
  private index = 0;
  /** The word number of a `!` waiting for its option, or -1. */
  private pendingBang = -1;
  /** Whether the value `value` read last was written in the old `--opt ! value` form. */
  private valueNegated = false;
  /** Match modules in the order they were loaded (`-m`, or implicitly by `-p`): the first `loadedCount`. */
  private loaded: string[] = [];
  private loadedCount = 0;
  private inTarget = false;
  /** The column of the target's name, for problems with its options. */
  private targetColumn = 0;
  private lastWasStray = false;
  /**
   * Port options waiting for the protocol, the first `portCount` of each list: the value's word,
   * which side it is on, whether it is a list (multiport) and whether it is negated.
   */
  private portValues: number[] = [];
  private portKinds: ('src' | 'dst' | 'either')[] = [];
  private portLists: boolean[] = [];
  private portNegated: boolean[] = [];
  private portCount = 0;
  /** `-s` (1) and `-d` (2) seen already: each may appear once. */
  private seen = 0;
  private droppedProblems = 0;
  // The rule's conditions as read; `summarise` turns them into the sets the rule keeps.
  private protocol: ProtocolTerm | undefined;
  private sources: AddressTerm[] = none();
  private destinations: AddressTerm[] = none();
  private sourcePorts: PortTerm[] = none();
  private destinationPorts: PortTerm[] = none();
  /** `-m multiport --ports`: source or destination port. */
  private eitherPorts: PortTerm[] = none();
  private states: StateTerm[] = none();
  /**
   * A condition the model does not capture (`limit`, `tcp-flags`, `ctstate DNAT` …) was read: the
   * rule may match. Only whether there is one counts; which it was is not kept.
   */
  private uncaptured = false;

  constructor(private readonly shared: SharedAddresses) {}

  /** Reads the rule's options from word `start` on (before it: the command and its chain). */
  read(words: Words, line: number, text: string, start: number): RuleAst {
    this.words = words;
    this.index = start;
    this.pendingBang = -1;
    this.valueNegated = false;
    if (this.loaded.length > KEPT_WORKING_LIST) this.loaded = [];
    this.loadedCount = 0;
    this.inTarget = false;
    this.targetColumn = 0;
    this.lastWasStray = false;
    if (this.portValues.length > KEPT_WORKING_LIST) {
      this.portValues = [];
      this.portKinds = [];
      this.portLists = [];
      this.portNegated = [];
    }
    this.portCount = 0;
    this.seen = 0;
    this.droppedProblems = 0;
    this.protocol = undefined;
    this.sources = none();
    this.destinations = none();
    this.sourcePorts = none();
    this.destinationPorts = none();
    this.eitherPorts = none();
    this.states = none();
    this.uncaptured = false;
    this.ast = {
      line, text, protocols: ALL_PROTOCOLS, sources: undefined, notSources: none(), destinations: undefined,
      notDestinations: none(), sourcePorts: ALL_PORTS, destinationPorts: ALL_PORTS, inInterface: undefined,
      outInterface: undefined, symbolic: none(), comment: undefined, target: undefined, problems: none(),
      flags: MATCHES_NEW | EXACT,
    };
    return this.readOptions();
  }

  private readOptions(): RuleAst {
    while (this.index < this.words.length) this.step();
    if (this.pendingBang >= 0) this.problem('report', 'unrecognised-line', "'!' is not followed by an option", this.words.column(this.pendingBang));
    this.resolvePorts();
    const target = this.ast.target;
    if (target) {
      readTargetOptions(target, this.targetColumn, this);
      const nat = target.nat;
      if (nat?.addresses) {
        nat.addresses = this.shared.share(nat.addresses);
        this.noteFamily(nat.addresses);
      }
      // What the options say is in `nat` now; only ROUTE's (`--continue`) are looked at again.
      if (target.name !== 'ROUTE') target.options = none();
    }
    if (this.droppedProblems > 0) {
      this.ast.problems = add(this.ast.problems, { kind: 'report', severity: 'warning', code: 'unrecognised-line', message: `and ${this.droppedProblems} more problems on this line` });
    }
    this.summarise();
    return this.ast;
  }

  /**
   * One side's address conditions into the rule: the plain ones intersect, the negated ones are
   * listed. False when what they match is not exactly known: a value that could not be read, or an
   * ipset or host name, which may hold anything.
   */
  private foldAddresses(terms: readonly AddressTerm[], plain: 'sources' | 'destinations', negated: 'notSources' | 'notDestinations'): boolean {
    const ast = this.ast;
    let exact = true;
    for (const term of terms) {
      if (term.symbolic !== undefined) {
        ast.symbolic = add(ast.symbolic, term.symbolic);
        exact = false;
      } else if (!term.set) exact = false;
      else if (term.negated) ast[negated] = add(ast[negated], term.set);
      else ast[plain] = ast[plain] === undefined ? term.set : ast[plain].intersect(term.set);
    }
    return exact;
  }

  /**
   * Turns the conditions read into the sets the rule keeps, as far as they do not depend on the
   * file's address family (which only the whole file tells): the conditions themselves are not kept.
   */
  private summarise(): void {
    const ast = this.ast;
    let exact = !this.uncaptured;
    const protocol = this.protocol;
    if (protocol?.set) ast.protocols = protocol.negated ? protocol.set.complement() : protocol.set;
    else if (protocol) exact = false;

    if (!this.foldAddresses(this.sources, 'sources', 'notSources')) exact = false;
    if (!this.foldAddresses(this.destinations, 'destinations', 'notDestinations')) exact = false;

    let src = ALL_PORTS;
    for (const term of this.sourcePorts) {
      if (!term.set) exact = false;
      else src = src.intersect(term.negated ? term.set.complement() : term.set);
    }
    let dst = ALL_PORTS;
    for (const term of this.destinationPorts) {
      if (!term.set) exact = false;
      else dst = dst.intersect(term.negated ? term.set.complement() : term.set);
    }
    for (const term of this.eitherPorts) {
      if (!term.set) exact = false;
      // `! --ports P` is "neither port in P", which the model can state; `--ports P` ("either") it cannot.
      else if (term.negated) {
        src = src.intersect(term.set.complement());
        dst = dst.intersect(term.set.complement());
      } else exact = false;
    }
    ast.sourcePorts = src;
    ast.destinationPorts = dst;

    if (this.states.length > 0) {
      if (!this.states.every(allowsNew)) ast.flags &= ~MATCHES_NEW;
      ast.flags |= STATE_MATCH;
    }
    if (!exact) ast.flags &= ~EXACT;
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
    const w = this.words;
    const word = this.index;
    if (w.isBang(word)) {
      if (this.pendingBang >= 0) this.problem('report', 'unrecognised-line', "double '!'", w.column(word));
      this.pendingBang = word;
      this.index++;
      this.lastWasStray = false;
      return;
    }
    this.index++;
    if (!w.isOption(word)) {
      // A word no option asked for: garbage, or a fragment of a wrapped line. One report per run.
      if (!this.lastWasStray) this.problem('report', 'unrecognised-line', `unexpected '${clip(w.text(word))}'`, w.column(word));
      this.lastWasStray = true;
      return;
    }
    this.lastWasStray = false;
    const negated = this.pendingBang >= 0;
    this.pendingBang = -1;
    this.option(word, negated);
  }

  /**
   * Reads one value: the number of its word, or -1 (reported). The old syntax puts a `!` between
   * the option and its value: `valueNegated` says whether this value had one.
   */
  value(option: number): number {
    const w = this.words;
    let next = this.index;
    let negated = false;
    if (w.isBang(next) && next + 1 < w.length && !w.isOption(next + 1)) {
      negated = true;
      this.index++;
      next = this.index;
    }
    this.valueNegated = negated;
    if (next >= w.length || w.isOption(next) || w.isBang(next)) {
      this.problem('report', 'unrecognised-line', `${w.text(option)} needs a value`, w.column(option));
      return -1;
    }
    this.index++;
    return next;
  }

  /** Skips the values of an option we only know by shape: words up to the next option. */
  skipValues(): { values: string[]; negated: boolean } {
    const w = this.words;
    const values: string[] = [];
    let negated = false;
    for (;;) {
      const next = this.index;
      if (next >= w.length || w.isOption(next)) break;
      if (w.isBang(next)) {
        const after = next + 1;
        if (after >= w.length || w.isOption(after) || w.isBang(after)) break;
        negated = true;
        this.index++;
        continue;
      }
      values.push(w.text(next));
      this.index++;
    }
    return { values, negated };
  }

  /** Notes a match module as loaded, after those loaded before it. */
  private load(module: string): void {
    this.loaded[this.loadedCount++] = module;
  }

  private option(token: number, negated: boolean): void {
    const name = this.words.text(token);
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
        this.uncaptured = true;
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
          return this.targetSpecificOption(token, name, negated);
        }
        return this.moduleOption(token, name, negated);
    }
  }

  private protocolOption(option: number, negated: boolean): void {
    const v = this.value(option);
    if (v < 0) return;
    const w = this.words;
    const text = w.text(v);
    if (this.protocol) this.problem('report', 'duplicate-option', 'more than one -p in a rule', w.column(option));
    const { read, name, module } = protocolValue(text);
    if (!read.ok) this.problem('report', 'invalid-value', read.message, w.column(v));
    this.protocol = { negated: negated || this.valueNegated, name, set: read.ok ? read.value : undefined };
    if (module) this.load(module);
    if (module === 'icmp6') this.ast.flags |= IPV6_EVIDENCE;
  }

  private addressOption(option: number, negated: boolean, side: 'src' | 'dst'): void {
    const v = this.value(option);
    if (v < 0) return;
    const w = this.words;
    const text = w.text(v);
    const term: AddressTerm = { negated: negated || this.valueNegated, set: undefined, symbolic: undefined };
    const bit = side === 'src' ? 1 : 2;
    if (this.seen & bit) this.problem('report', 'duplicate-option', `more than one ${w.text(option)} in a rule`, w.column(option));
    this.seen |= bit;
    const read = text === '0/0' ? readAddresses('0.0.0.0/0') : readAddresses(text);
    if (!read.ok) {
      this.problem('report', 'invalid-value', read.message, w.column(v));
    } else if (read.value.hostName !== undefined) {
      term.symbolic = `host:${read.value.hostName}`;
      this.problem('note', 'unresolved-reference', `host name '${read.value.hostName}' is resolved only when the rule is loaded`, w.column(v));
    } else if (read.value.set) {
      term.set = this.shared.share(read.value.set);
      this.noteFamily(term.set);
    }
    this.address(side, term);
  }

  private address(side: 'src' | 'dst', term: AddressTerm): void {
    if (side === 'src') this.sources = add(this.sources, term);
    else this.destinations = add(this.destinations, term);
  }

  private interfaceOption(option: number, negated: boolean, direction: 'in' | 'out'): void {
    const v = this.value(option);
    if (v < 0) return;
    const text = this.words.text(v);
    if (text === '') {
      this.problem('report', 'invalid-value', `empty interface name`, this.words.column(v));
      return;
    }
    const match = { names: [text], negated: negated || this.valueNegated };
    if (direction === 'in') this.ast.inInterface = match;
    else this.ast.outInterface = match;
  }

  private matchOption(option: number, negated: boolean): void {
    const v = this.value(option);
    if (v < 0) return;
    const w = this.words;
    if (negated || this.valueNegated) this.problem('report', 'unrecognised-line', `'!' cannot negate ${w.text(option)}`, w.column(option));
    const text = w.text(v);
    const module = text.toLowerCase();
    this.load(module);
    this.inTarget = false;
    if (!MODULES[module]) {
      this.problem('note', 'unsupported-match', `match module '${text}' is not supported; the rule is kept as one that may match`, w.column(v));
      this.uncaptured = true;
    }
  }

  private targetOption(option: number, goto: boolean): void {
    const v = this.value(option);
    if (v < 0) return;
    const w = this.words;
    if (this.ast.target) this.problem('report', 'duplicate-option', 'more than one target in a rule', w.column(option));
    this.ast.target = { name: w.text(v), goto, options: none(), nat: undefined, chain: undefined };
    this.targetColumn = w.column(v);
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
    for (let i = 0; i < this.loadedCount; i++) if (MODULES[this.loaded[i]!]?.captured[option] !== undefined) return false;
    return true;
  }

  private targetSpecificOption(option: number, name: string, negated: boolean): void {
    const target = this.ast.target!;
    if (targetOptionArity(name) === 1) {
      const v = this.value(option);
      if (v >= 0) target.options = add(target.options, { name, values: [this.words.text(v)], negated: negated || this.valueNegated });
      return;
    }
    const skipped = this.skipValues();
    target.options = add(target.options, { name, values: skipped.values, negated: negated || skipped.negated });
  }

  private moduleOption(option: number, name: string, negated: boolean): void {
    const loaded = this.loaded;
    const count = this.loadedCount;
    const current = count === 0 ? undefined : loaded[count - 1];
    const currentSpec = current === undefined ? undefined : MODULES[current];
    // 1. The module the option follows; 2. any loaded module that captures or lists it; 3. the
    // last loaded module known only by shape (or unknown); 4. tolerance: a module that was not loaded.
    if (currentSpec?.captured[name]) return currentSpec.captured[name](this, option, negated);
    const currentArity = currentSpec && listedArity(currentSpec, name);
    if (currentArity !== undefined) return this.skipInexact(option, currentArity);
    for (let i = count - 1; i >= 0; i--) {
      const handler = MODULES[loaded[i]!]?.captured[name];
      if (handler) return handler(this, option, negated);
    }
    for (let i = count - 1; i >= 0; i--) {
      const spec = MODULES[loaded[i]!];
      const arity = spec && listedArity(spec, name);
      if (arity !== undefined) return this.skipInexact(option, arity);
    }
    for (let i = count - 1; i >= 0; i--) {
      const spec = MODULES[loaded[i]!];
      // An unknown module was reported (and made the rule inexact) when it was loaded.
      if (!spec) return this.skipInexact(option, SOME, false);
      if (spec.inexact === ANY) return this.skipInexact(option, SOME);
    }
    const column = this.words.column(option);
    for (const [module, spec] of Object.entries(MODULES)) {
      const arity = listedArity(spec, name);
      if (!spec.captured[name] && arity === undefined) continue;
      // iptables would refuse the rule; read the option anyway, and say so.
      this.problem('report', 'invalid-value', `${name} needs -m ${module} (or a -p that loads it) before it`, column);
      if (spec.captured[name]) return spec.captured[name](this, option, negated);
      return this.skipInexact(option, arity!);
    }
    this.problem('note', 'unsupported-match', `option '${name}' is not supported; the rule is kept as one that may match`, column);
    this.skipInexact(option, SOME);
  }

  /**
   * Skips an option's values: exactly `arity` of them, or (SOME) every word up to the next option.
   * `record`: the option is a condition the model does not capture (an unknown module's was noted
   * when the module was loaded).
   */
  private skipInexact(option: number, arity: number, record = true): void {
    if (arity === SOME) this.skipValues();
    for (let i = 0; i < arity; i++) if (this.value(option) < 0) break;
    if (record) this.uncaptured = true;
  }

  portOption(option: number, negated: boolean, kind: 'src' | 'dst' | 'either', list: boolean): void {
    const v = this.value(option);
    if (v < 0) return;
    const i = this.portCount++;
    this.portValues[i] = v;
    this.portKinds[i] = kind;
    this.portLists[i] = list;
    this.portNegated[i] = negated || this.valueNegated;
  }

  /** Ports are read last: service names depend on the protocol, which may come later in the rule. */
  private resolvePorts(): void {
    const protocol = serviceProtocol(this.protocol?.name);
    for (let i = 0; i < this.portCount; i++) {
      const value = this.portValues[i]!;
      const read = readPorts(this.words.text(value), protocol, this.portLists[i]!);
      if (!read.ok) this.problem('report', 'invalid-value', read.message, this.words.column(value));
      const term = { set: read.ok ? read.value : undefined, negated: this.portNegated[i]! };
      const kind = this.portKinds[i];
      if (kind === 'src') this.sourcePorts = add(this.sourcePorts, term);
      else if (kind === 'dst') this.destinationPorts = add(this.destinationPorts, term);
      else this.eitherPorts = add(this.eitherPorts, term);
    }
  }

  icmpTypeOption(option: number, negated: boolean): void {
    const v = this.value(option);
    if (v < 0) return;
    const w = this.words;
    const name = w.text(option);
    const text = w.text(v);
    const negatedValue = negated || this.valueNegated;
    if (name === '--icmpv6-type') this.ast.flags |= IPV6_EVIDENCE;
    // `any` is every type; any other type is a condition the model does not capture.
    if (text.toLowerCase() !== 'any' || negatedValue) this.uncaptured = true;
  }

  stateOption(option: number, negated: boolean): void {
    const v = this.value(option);
    if (v < 0) return;
    const w = this.words;
    const text = w.text(v);
    const read = readStates(text);
    if (!read.ok) {
      this.problem('report', 'invalid-value', read.message, w.column(v));
      this.uncaptured = true;
      return;
    }
    const states = read.value;
    this.states = add(this.states, { states, negated: negated || this.valueNegated });
    // DNAT/SNAT are properties of the connection, not of the packet: they say nothing about NEW.
    if (states.includes('DNAT') || states.includes('SNAT')) this.uncaptured = true;
  }

  commentOption(option: number): void {
    const v = this.value(option);
    if (v < 0) return;
    const text = this.words.text(v);
    this.ast.comment = this.ast.comment === undefined ? text : `${this.ast.comment}; ${text}`;
  }

  rangeOption(option: number, negated: boolean, side: 'src' | 'dst'): void {
    const v = this.value(option);
    if (v < 0) return;
    const read = readAddressRange(this.words.text(v));
    const term: AddressTerm = { negated: negated || this.valueNegated, set: undefined, symbolic: undefined };
    if (read.ok) {
      term.set = this.shared.share(read.value);
      this.noteFamily(term.set);
    } else {
      this.problem('report', 'invalid-value', read.message, this.words.column(v));
    }
    this.address(side, term);
  }

  /** `-m set --match-set NAME src[,dst…]`: an ipset, which lives outside the file. */
  setOption(option: number, negated: boolean): void {
    const name = this.value(option);
    if (name < 0) return;
    const nameNegated = this.valueNegated;
    const flags = this.value(option);
    if (flags < 0) return;
    const w = this.words;
    const flagsText = w.text(flags);
    const first = flagsText.split(',')[0];
    if (first !== 'src' && first !== 'dst') {
      this.problem('report', 'invalid-value', `ipset direction '${flagsText}' must start with src or dst`, w.column(flags));
      return;
    }
    const setName = w.text(name);
    const term: AddressTerm = { negated: negated || nameNegated || this.valueNegated, set: undefined, symbolic: `ipset:${setName}` };
    this.address(first, term);
    this.problem('note', 'unresolved-reference', `ipset '${setName}' is not part of the file; the rule is kept as one that may match`, w.column(name));
  }

  noteFamily(set: AddressSet): void {
    const family = set.family();
    if (family === 'ipv4' || family === 'mixed') this.ast.flags |= IPV4_EVIDENCE;
    if (family === 'ipv6' || family === 'mixed') this.ast.flags |= IPV6_EVIDENCE;
  }
}

/**
 * Whether a state condition lets the first packet of a new connection through. DNAT/SNAT describe
 * the connection, and a new connection's first packet already has them.
 */
function allowsNew(term: StateTerm): boolean {
  if (term.negated) return !term.states.includes('NEW');
  return term.states.some((s) => s === 'NEW' || s === 'UNTRACKED' || s === 'DNAT' || s === 'SNAT');
}

/** Keeps messages short when a line carries a huge token. */
export function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

