import type { DiagnosticSeverity, LineLedger } from '@portcullis/model';
import type { Statement, StatementList, Word } from './statements.js';
import {
  emptyConfig,
  type AddressBook,
  type Application,
  type ApplicationTerm,
  type Filter,
  type FilterTerm,
  type HostInbound,
  type InterfaceUnit,
  type JunosConfig,
  type NatContextKind,
  type NatRule,
  type NatRuleSet,
  type PhysicalInterface,
  type Policy,
  type PolicyContext,
  type PortRange,
  type Span,
} from './syntax.js';
import { isIpv6, junosAddressRange, junosPort, junosPortRange, junosPrefix, junosProtocol } from './values.js';

/*
 * Interprets the statements (set paths) into the vendor representation, section by section. Each
 * statement is recognised, deliberately ignored (a section or a setting that has no bearing on
 * what gets in), or reported with what was expected. Sections that decide exposure — interfaces,
 * security, applications, firewall, prefix lists — are read word by word; the rest of a router's
 * configuration is ignored by section.
 */

interface Problem {
  code: string;
  message: string;
  word: Word | undefined;
}

type Outcome = 'recognised' | 'ignored' | Problem;

/** Top-level sections with no bearing on what the device lets in. */
const IGNORED_SECTIONS = new Set([
  'access', 'access-profile', 'accounting-options', 'bridge-domains', 'chassis', 'class-of-service',
  'diameter', 'dynamic-profiles', 'ethernet-switching-options', 'event-options', 'fabric', 'forwarding-options',
  'jsrc', 'multi-chassis', 'multicast-snooping-options', 'poe', 'protocols', 'redundancy', 'routing-options',
  'schedulers', 'services', 'smtp', 'snmp', 'switch-options', 'unified-edge', 'utility-mib', 'virtual-chassis',
  'vlans', 'vmhost', 'wlan', 'access-security', 'rename', 'session-limit-group', 'security-gateway',
]);

/** Zone settings with no bearing on what gets in. */
const IGNORED_ZONE_SETTINGS = new Set([
  'description', 'screen', 'tcp-rst', 'application-tracking', 'enable-reverse-reroute', 'source-identity-log',
  'advance-policy-based-routing-profile', 'unidirectional-session-refreshing', 'advance-connection-tracking',
]);

/** Filter match conditions the model does not capture: a term with one may match. */
const INEXACT_CONDITIONS = new Set([
  'icmp-type', 'icmp-type-except', 'icmp-code', 'icmp-code-except', 'tcp-flags', 'fragment-flags',
  'fragment-offset', 'fragment-offset-except', 'dscp', 'dscp-except', 'precedence', 'precedence-except',
  'packet-length', 'packet-length-except', 'ttl', 'ttl-except', 'hop-limit', 'hop-limit-except', 'interface',
  'interface-set', 'interface-group', 'interface-group-except', 'forwarding-class', 'forwarding-class-except',
  'loss-priority', 'loss-priority-except', 'source-class', 'destination-class', 'ip-options', 'ip-options-except',
  'traffic-type', 'traffic-class', 'traffic-class-except', 'extension-header', 'source-mac-address',
  'destination-mac-address', 'vlan-ether-type', 'learn-vlan-id', 'user-vlan-id', 'esp-spi', 'ah-spi', 'gre-key',
  'flexible-match-range', 'flexible-match-mask', 'tcp-options', 'payload-protocol', 'ip-version', 'service-filter-hit',
  'icmp6-type', 'icmp6-code', 'source-address-filter', 'ipsec-sa',
]);
const CONDITIONS_WITHOUT_VALUE = new Set(['tcp-established', 'tcp-initial', 'is-fragment', 'first-fragment', 'last-fragment', 'service-filter-hit']);
const ADDRESS_CONDITIONS = new Set(['source-address', 'destination-address', 'address']);
const PREFIX_LIST_CONDITIONS = new Set(['source-prefix-list', 'destination-prefix-list', 'prefix-list']);
const PROTOCOL_CONDITIONS = new Set(['protocol', 'protocol-except', 'next-header', 'next-header-except']);
const PORT_CONDITIONS = new Set(['destination-port', 'destination-port-except', 'source-port', 'source-port-except', 'port', 'port-except']);

/** Filter actions that end the filter by sending the packet on (to another table, a next hop, a tunnel). */
const FORWARDING_ACTIONS = new Set(['routing-instance', 'next-hop-group', 'topology', 'logical-system', 'next-interface', 'next-ip', 'next-ip6', 'decapsulate', 'encapsulate']);
/** Filter action modifiers: they change nothing about whether the packet passes. */
const FILTER_MODIFIERS = new Set([
  'count', 'log', 'syslog', 'sample', 'policer', 'three-color-policer', 'hierarchical-policer', 'forwarding-class',
  'loss-priority', 'dscp', 'port-mirror', 'port-mirror-instance', 'analyzer', 'service-accounting',
  'service-accounting-deferred', 'traffic-class', 'prefix-action', 'service-filter-hit', 'packet-mode', 'load-balance',
  'virtual-channel', 'next-hop', 'monitor', 'clear-policy-accounting-stats',
]);
/** Application settings that do not change which packets it matches. */
const APPLICATION_SETTINGS = new Set(['inactivity-timeout', 'alg', 'application-protocol', 'description', 'ether-type-reserved']);
const APPLICATION_INEXACT = new Set(['icmp-type', 'icmp-code', 'icmp6-type', 'icmp6-code', 'rpc-program-number', 'uuid', 'ether-type']);
/** Policy match conditions the model does not capture. */
const POLICY_INEXACT = new Set(['source-identity', 'dynamic-application', 'dynamic-application-group', 'url-category', 'source-end-user-profile', 'destination-address-name']);

class Cursor {
  i = 0;
  /** Index of the first deactivated word; Infinity when none is. */
  readonly inactiveFrom: number;

  constructor(readonly st: Statement) {
    const k = st.words.findIndex((w) => w.inactive);
    this.inactiveFrom = k < 0 ? Infinity : k;
  }

  get done(): boolean {
    return this.i >= this.st.words.length;
  }

  peek(): string | undefined {
    return this.st.words[this.i]?.text;
  }

  next(): Word | undefined {
    const w = this.st.words[this.i];
    if (w) this.i++;
    return w;
  }

  /** The index of the word last taken. */
  get last(): number {
    return this.i - 1;
  }

  /** Whether the element named at index k is deactivated (it or something above it). */
  inactiveAt(k: number): boolean {
    return this.inactiveFrom <= k;
  }

  /** Whether a detail below the element named at index k is deactivated: that detail is not in effect. */
  deactivatedBelow(k: number): boolean {
    return this.inactiveFrom > k && this.inactiveFrom !== Infinity;
  }

  /** The words before index k, for messages. */
  context(k: number): string {
    const words = this.st.words.slice(Math.max(0, k - 5), k).map((w) => w.text);
    return (k > 5 ? '… ' : '') + words.join(' ');
  }
}

function expected(c: Cursor, word: Word | undefined, what: string): Problem {
  if (word) {
    const k = c.st.words.indexOf(word);
    return { code: 'unrecognised-line', message: `expected ${what} after '${c.context(k)}', found '${clip(word.text)}'`, word };
  }
  return { code: 'unrecognised-line', message: `expected ${what} after '${c.context(c.st.words.length)}'`, word: c.st.words.at(-1) };
}

function invalid(word: Word, what: string): Problem {
  return { code: 'invalid-value', message: `'${clip(word.text)}' is not ${what}`, word };
}

export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const isProblem = (o: Outcome | PortRange): o is Problem => typeof o !== 'string' && 'code' in o;

/** The line state each statement ended in, for the lines of the blocks around it. */
type State = 'recognised' | 'ignored' | 'reported';

export function readConfig(list: StatementList, ledger: LineLedger): JunosConfig {
  const reader = new ConfigReader(ledger);
  const states: State[] = [];
  const reportedHeaders = new Set<Word>();
  for (const st of list.statements) {
    if (st.removed || st.words.length === 0) {
      states.push('ignored');
      continue;
    }
    let outcome: Outcome;
    try {
      outcome = reader.statement(new Cursor(st));
    } catch (error) {
      outcome = { code: 'internal-error', message: `the parser failed on this statement: ${String(error)}`, word: undefined };
    }
    if (!isProblem(outcome)) {
      states.push(outcome);
      continue;
    }
    states.push('reported');
    const word = outcome.word;
    const severity: DiagnosticSeverity = outcome.code === 'internal-error' ? 'error' : 'warning';
    if (word && (word.line < st.line || word.line > st.endLine)) {
      // The word that is not understood heads a block: say so once there, and mark what is inside.
      if (!reportedHeaders.has(word)) {
        reportedHeaders.add(word);
        ledger.report(word.line, severity, outcome.code, outcome.message, word.column);
      }
      ledger.report(st.line, severity, outcome.code, `inside '${clip(word.text)}' (line ${word.line}), which is not understood`, st.column);
    } else {
      ledger.report(st.line, severity, outcome.code, outcome.message, word?.column ?? st.column);
    }
    for (let line = st.line + 1; line <= st.endLine; line++) ledger.report(line, severity, outcome.code, 'continuation of the statement above, which is not understood');
  }
  // Recognised before ignored: a line holding both counts as recognised.
  for (const wanted of ['recognised', 'ignored'] as const) {
    list.statements.forEach((st, i) => {
      if (states[i] !== wanted) return;
      for (let line = st.line; line <= st.endLine; line++) {
        if (wanted === 'recognised') ledger.recognise(line);
        else ledger.ignore(line);
      }
    });
    for (const { line, recognised } of list.commandLines) {
      if (recognised === (wanted === 'recognised')) {
        if (wanted === 'recognised') ledger.recognise(line);
        else ledger.ignore(line);
      }
    }
  }
  // A block's header and closing lines are recognised when something inside it is.
  for (const block of list.blocks) {
    let any: State | undefined;
    for (let i = block.first; i < block.end; i++) {
      if (states[i] === 'recognised') {
        any = 'recognised';
        break;
      }
      if (states[i] === 'ignored') any = 'ignored';
    }
    if (any === 'recognised') for (const line of [block.line, block.braceLine, block.endLine]) ledger.recognise(line);
  }
  for (const block of list.blocks) for (const line of [block.line, block.braceLine, block.endLine]) ledger.ignore(line);
  return reader.config;
}

class ConfigReader {
  readonly config = emptyConfig();
  private readonly noted = new Set<string>();
  private readonly natRuleSets = new Map<string, NatRuleSet>();

  constructor(private readonly ledger: LineLedger) {}

  private noteOnce(key: string, line: number, severity: DiagnosticSeverity, code: string, message: string): void {
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.ledger.note(line, severity, code, message);
  }

  private span(c: Cursor, k: number): Span {
    return { line: c.st.words[k]!.line, endLine: c.st.endLine, inactive: c.inactiveAt(k) };
  }

  private touch(span: Span, c: Cursor): void {
    if (c.st.endLine > span.endLine) span.endLine = c.st.endLine;
  }

  statement(c: Cursor): Outcome {
    const head = c.next()!;
    for (const w of c.st.words) {
      if (w.text === 'apply-groups' || w.text === 'apply-groups-except' || w.text === 'apply-macro') {
        this.noteOnce('apply-groups', w.line, 'warning', 'unsupported-groups', 'configuration groups are not expanded: statements inherited through `apply-groups` are not read');
        return 'ignored';
      }
    }
    switch (head.text) {
      case 'version':
        return 'ignored';
      case 'system':
        return this.system(c);
      case 'interfaces':
        return this.interfaces(c);
      case 'security':
        return this.security(c);
      case 'applications':
        return this.applications(c);
      case 'firewall':
        return this.firewall(c);
      case 'policy-options':
        return this.policyOptions(c);
      case 'routing-instances':
        return this.routingInstances(c);
      case 'groups':
        if (c.st.words.some((w) => w.text === 'security' || w.text === 'firewall')) {
          this.noteOnce('groups', head.line, 'warning', 'unsupported-groups', 'configuration groups are not expanded: the security and firewall settings inside `groups` are not read');
        }
        return 'ignored';
      case 'logical-systems':
      case 'tenants':
        this.noteOnce(head.text, head.line, 'warning', 'unsupported-section', `\`${head.text}\` are separate devices inside this one; their configuration is not read`);
        return 'ignored';
      default:
        if (IGNORED_SECTIONS.has(head.text)) return 'ignored';
        return { code: 'unrecognised-line', message: `'${clip(head.text)}' is not a Junos configuration section`, word: head };
    }
  }

  // ── system ──────────────────────────────────────────────────────────────────────────────────

  private system(c: Cursor): Outcome {
    const key = c.next();
    if (key?.text === 'host-name') {
      const name = c.next();
      if (!name) return expected(c, undefined, 'a host name');
      if (!c.inactiveAt(c.last)) this.config.hostName = { name: name.text, line: name.line };
      return 'recognised';
    }
    if (key?.text === 'services') return this.systemService(c);
    return 'ignored';
  }

  private systemService(c: Cursor): Outcome {
    const name = c.next();
    if (!name) return 'ignored';
    const k = c.last;
    if (c.inactiveAt(k)) return 'ignored';
    let variant: string | undefined;
    if (name.text === 'netconf' || name.text === 'web-management' || name.text === 'rest') {
      const v = c.next();
      if (!v || (name.text === 'netconf' ? v.text !== 'ssh' : v.text !== 'http' && v.text !== 'https')) return 'ignored';
      variant = v.text;
    } else if (!['ssh', 'telnet', 'ftp', 'finger', 'xnm-clear-text', 'xnm-ssl', 'tftp-server'].includes(name.text)) {
      return 'ignored';
    }
    if (c.deactivatedBelow(c.last)) return 'ignored';
    let service = this.config.systemServices.find((s) => s.name === name.text && s.variant === variant);
    if (!service) {
      service = { name: name.text, line: name.line, endLine: c.st.endLine };
      if (variant) service.variant = variant;
      this.config.systemServices.push(service);
    }
    service.endLine = Math.max(service.endLine, c.st.endLine);
    if (c.peek() === 'port') {
      c.next();
      const p = c.next();
      if (!p) return expected(c, undefined, 'a port number');
      const port = junosPort(p.text);
      if (port === undefined) return invalid(p, 'a port');
      service.port = port;
    }
    return 'recognised';
  }

  // ── interfaces ──────────────────────────────────────────────────────────────────────────────

  private physical(name: Word, c: Cursor): PhysicalInterface {
    let p = this.config.physicalInterfaces.get(name.text);
    if (!p) {
      p = { name: name.text, span: this.span(c, c.last), disabled: false };
      this.config.physicalInterfaces.set(name.text, p);
    } else this.touch(p.span, c);
    return p;
  }

  private unit(name: string, c: Cursor): InterfaceUnit {
    let u = this.config.interfaces.get(name);
    if (!u) {
      u = { name, span: this.span(c, c.last), disabled: false, filters: [], addresses: [] };
      this.config.interfaces.set(name, u);
    } else this.touch(u.span, c);
    return u;
  }

  private interfaces(c: Cursor): Outcome {
    const ifName = c.next();
    if (!ifName) return 'ignored';
    if (ifName.text === 'interface-range' || ifName.text === 'traceoptions' || ifName.text === 'interface-set') return 'ignored';
    const physical = this.physical(ifName, c);
    const key = c.next();
    if (!key) return 'recognised';
    if (key.text === 'disable') {
      if (!c.inactiveAt(c.last)) physical.disabled = true;
      return 'recognised';
    }
    if (key.text !== 'unit') return 'ignored';
    const unitNo = c.next();
    if (!unitNo) return expected(c, undefined, 'a unit number');
    if (!/^\d{1,9}$/.test(unitNo.text)) return invalid(unitNo, 'a unit number');
    const unit = this.unit(`${ifName.text}.${unitNo.text}`, c);
    const sub = c.next();
    if (!sub) return 'recognised';
    if (sub.text === 'disable') {
      if (!c.inactiveAt(c.last)) unit.disabled = true;
      return 'recognised';
    }
    if (sub.text !== 'family') return 'ignored';
    const family = c.next();
    if (family?.text !== 'inet' && family?.text !== 'inet6') return 'ignored';
    const what = c.next();
    if (what?.text === 'address') {
      const a = c.next();
      if (!a) return expected(c, undefined, 'an address');
      if (!junosPrefix(a.text)) return invalid(a, 'an address with its prefix length');
      if (c.inactiveAt(c.last)) return 'ignored';
      unit.addresses.push({ name: a.text, line: a.line });
      if (isIpv6(a.text)) this.config.ipv6 = true;
      return 'recognised';
    }
    if (what?.text !== 'filter') return 'ignored';
    const direction = c.next();
    if (!direction) return 'ignored';
    const list = direction.text === 'input-list' || direction.text === 'output-list';
    if (direction.text !== 'input' && direction.text !== 'output' && !list) return 'ignored';
    const name = c.next();
    if (!name) return expected(c, undefined, 'a filter name');
    if (c.inactiveAt(c.last)) return 'ignored';
    const dir = direction.text.startsWith('input') ? 'input' : 'output';
    const fam = family.text;
    if (fam === 'inet6') this.config.ipv6 = true;
    const existing = list ? unit.filters.find((f) => f.family === fam && f.direction === dir) : undefined;
    if (existing) existing.names.push({ name: name.text, line: name.line });
    else {
      // A plain `filter input X` replaces any list; a list accumulates.
      unit.filters = unit.filters.filter((f) => !(f.family === fam && f.direction === dir));
      unit.filters.push({ family: fam, direction: dir, names: [{ name: name.text, line: name.line }], line: name.line });
    }
    return 'recognised';
  }

  // ── security ────────────────────────────────────────────────────────────────────────────────

  private security(c: Cursor): Outcome {
    const sub = c.next();
    switch (sub?.text) {
      case 'zones':
        return this.zones(c);
      case 'policies':
        return this.policies(c);
      case 'address-book':
        return this.addressBook(c);
      case 'nat':
        return this.nat(c);
      default:
        // screen, ike, ipsec, flow, log, alg, pki, idp, utm, …: nothing that admits a connection.
        return 'ignored';
    }
  }

  private zones(c: Cursor): Outcome {
    const kind = c.next();
    if (!kind) return 'ignored';
    let functional = false;
    if (kind.text === 'functional-zone') {
      const which = c.next();
      if (which?.text !== 'management') return 'ignored';
      functional = true;
    } else if (kind.text !== 'security-zone') return expected(c, kind, "'security-zone' or 'functional-zone'");
    const name = functional ? c.st.words[c.last]! : c.next();
    if (!name) return expected(c, undefined, 'a zone name');
    const k = c.last;
    let zone = this.config.zones.get(name.text);
    if (!zone) {
      zone = { name: name.text, span: this.span(c, k), functional, interfaces: new Map(), hostInbound: { services: [], protocols: [] } };
      this.config.zones.set(name.text, zone);
    } else this.touch(zone.span, c);
    if (c.deactivatedBelow(k)) return 'ignored';
    const key = c.next();
    if (!key) return 'recognised';
    switch (key.text) {
      case 'interfaces': {
        const ifName = c.next();
        if (!ifName) return expected(c, undefined, 'an interface name');
        const unitName = ifName.text.includes('.') ? ifName.text : `${ifName.text}.0`;
        let zi = zone.interfaces.get(unitName);
        if (!zi) {
          zi = { name: unitName, line: ifName.line, inactive: false, hostInbound: { services: [], protocols: [] } };
          zone.interfaces.set(unitName, zi);
        }
        const rest = c.next();
        if (!rest) return 'recognised';
        if (rest.text === 'host-inbound-traffic') return this.hostInbound(c, zi.hostInbound);
        return expected(c, rest, "'host-inbound-traffic'");
      }
      case 'host-inbound-traffic':
        return this.hostInbound(c, zone.hostInbound);
      case 'address-book': {
        let book = this.config.zoneAddressBooks.get(zone.name);
        if (!book) {
          book = { name: `zone ${zone.name}`, line: key.line, addresses: new Map(), sets: new Map(), attachedZones: [zone.name] };
          this.config.zoneAddressBooks.set(zone.name, book);
        }
        return this.addressBookEntry(c, book);
      }
      default:
        if (IGNORED_ZONE_SETTINGS.has(key.text)) return 'ignored';
        return expected(c, key, "'interfaces', 'host-inbound-traffic' or 'address-book'");
    }
  }

  private hostInbound(c: Cursor, into: HostInbound): Outcome {
    const category = c.next();
    if (!category) return 'recognised';
    if (category.text !== 'system-services' && category.text !== 'protocols') return expected(c, category, "'system-services' or 'protocols'");
    const name = c.next();
    if (!name) return expected(c, undefined, category.text === 'protocols' ? 'a protocol' : 'a service');
    const flag = c.next();
    if (flag && flag.text !== 'except') return expected(c, flag, "'except' or nothing");
    const entry = flag ? { name: name.text, line: name.line, except: true } : { name: name.text, line: name.line };
    (category.text === 'protocols' ? into.protocols : into.services).push(entry);
    return 'recognised';
  }

  private policies(c: Cursor): Outcome {
    this.config.policiesLine ??= c.st.words[c.last]!.line;
    const key = c.next();
    if (!key) return 'recognised';
    switch (key.text) {
      case 'from-zone': {
        const from = c.next();
        if (!from) return expected(c, undefined, 'a zone name');
        const toKey = c.next();
        if (toKey?.text !== 'to-zone') return expected(c, toKey, "'to-zone'");
        const to = c.next();
        if (!to) return expected(c, undefined, 'a zone name');
        const id = `${from.text}>${to.text}`;
        let ctx = this.config.zonePolicies.get(id);
        if (!ctx) {
          ctx = { from: from.text, to: to.text, span: this.span(c, c.last), policies: new Map() };
          this.config.zonePolicies.set(id, ctx);
        } else this.touch(ctx.span, c);
        return this.policy(c, ctx);
      }
      case 'global': {
        let ctx = this.config.globalPolicies;
        if (!ctx) {
          ctx = { from: '', to: '', span: this.span(c, c.last), policies: new Map() };
          this.config.globalPolicies = ctx;
        } else this.touch(ctx.span, c);
        return this.policy(c, ctx);
      }
      case 'default-policy': {
        const action = c.next();
        if (action?.text !== 'permit-all' && action?.text !== 'deny-all') return expected(c, action, "'permit-all' or 'deny-all'");
        if (!c.inactiveAt(c.last)) this.config.defaultPolicy = { action: action.text, line: action.line };
        return 'recognised';
      }
      default:
        // policy-rematch, traceoptions, pre-id-default-policy, …
        return 'ignored';
    }
  }

  private policy(c: Cursor, ctx: PolicyContext): Outcome {
    const key = c.next();
    if (!key) return 'recognised';
    if (key.text !== 'policy') return expected(c, key, "'policy'");
    const name = c.next();
    if (!name) return expected(c, undefined, 'a policy name');
    const k = c.last;
    let p = ctx.policies.get(name.text);
    if (!p) {
      p = {
        name: name.text, span: this.span(c, k), sourceAddresses: [], destinationAddresses: [], sourceExcluded: false,
        destinationExcluded: false, applications: [], fromZones: [], toZones: [], inexact: [],
      };
      ctx.policies.set(name.text, p);
    } else this.touch(p.span, c);
    if (c.deactivatedBelow(k)) return 'ignored';
    const part = c.next();
    if (!part) return 'recognised';
    switch (part.text) {
      case 'match':
        return this.policyMatch(c, p, ctx.from === '');
      case 'then':
        return this.policyThen(c, p);
      case 'scheduler-name': {
        const s = c.next();
        if (!s) return expected(c, undefined, 'a scheduler name');
        p.inexact.push({ name: `scheduler ${s.text}`, line: s.line });
        return 'recognised';
      }
      case 'description':
      case 'report-skip':
        return 'ignored';
      default:
        return expected(c, part, "'match' or 'then'");
    }
  }

  private policyMatch(c: Cursor, p: Policy, global: boolean): Outcome {
    const key = c.next();
    if (!key) return expected(c, undefined, 'a match condition');
    switch (key.text) {
      case 'source-address-excluded':
        p.sourceExcluded = true;
        return 'recognised';
      case 'destination-address-excluded':
        p.destinationExcluded = true;
        return 'recognised';
    }
    const value = c.next();
    switch (key.text) {
      case 'source-address':
      case 'destination-address':
      case 'application':
      case 'from-zone':
      case 'to-zone': {
        if (!value) return expected(c, undefined, key.text === 'application' ? 'an application' : key.text.endsWith('zone') ? 'a zone' : 'an address');
        if ((key.text === 'from-zone' || key.text === 'to-zone') && !global) return expected(c, key, "'source-address', 'destination-address' or 'application'");
        const list = key.text === 'source-address' ? p.sourceAddresses
          : key.text === 'destination-address' ? p.destinationAddresses
          : key.text === 'application' ? p.applications
          : key.text === 'from-zone' ? p.fromZones : p.toZones;
        list.push({ name: value.text, line: value.line });
        return 'recognised';
      }
      default:
        if (POLICY_INEXACT.has(key.text)) {
          if (!value) return expected(c, undefined, 'a value');
          if (value.text !== 'any' && value.text !== 'none') p.inexact.push({ name: `${key.text} ${value.text}`, line: value.line });
          return 'recognised';
        }
        return expected(c, key, "'source-address', 'destination-address' or 'application'");
    }
  }

  private policyThen(c: Cursor, p: Policy): Outcome {
    const action = c.next();
    if (!action) return expected(c, undefined, "'permit', 'deny' or 'reject'");
    switch (action.text) {
      case 'permit':
      case 'deny':
      case 'reject':
        // `permit tunnel …`, `permit application-services …`, `reject profile …`: still that action.
        p.action = { kind: action.text, line: action.line };
        return 'recognised';
      case 'count':
      case 'log':
        return 'recognised';
      default:
        return expected(c, action, "'permit', 'deny', 'reject', 'count' or 'log'");
    }
  }

  private addressBook(c: Cursor): Outcome {
    const name = c.next();
    if (!name) return 'recognised';
    const k = c.last;
    if (c.inactiveAt(k)) return 'ignored';
    let book = this.config.addressBooks.get(name.text);
    if (!book) {
      book = { name: name.text, line: name.line, addresses: new Map(), sets: new Map(), attachedZones: [] };
      this.config.addressBooks.set(name.text, book);
    }
    const key = c.peek();
    if (key === undefined) return 'recognised';
    if (key === 'attach') {
      c.next();
      const zoneKey = c.next();
      if (zoneKey?.text !== 'zone') return expected(c, zoneKey, "'zone'");
      const zone = c.next();
      if (!zone) return expected(c, undefined, 'a zone name');
      if (c.deactivatedBelow(k)) return 'ignored';
      book.attachedZones.push(zone.text);
      return 'recognised';
    }
    if (key === 'description') return 'ignored';
    return this.addressBookEntry(c, book);
  }

  private addressBookEntry(c: Cursor, book: AddressBook): Outcome {
    const kind = c.next();
    if (kind?.text !== 'address' && kind?.text !== 'address-set') {
      if (kind?.text === 'description') return 'ignored';
      return expected(c, kind, "'address' or 'address-set'");
    }
    const name = c.next();
    if (!name) return expected(c, undefined, `an ${kind.text} name`);
    if (c.inactiveFrom !== Infinity) return 'ignored';
    if (kind.text === 'address-set') {
      let group = book.sets.get(name.text);
      if (!group) {
        group = { name: name.text, line: name.line, addresses: [], sets: [] };
        book.sets.set(name.text, group);
      }
      const member = c.next();
      if (!member) return 'recognised';
      if (member.text === 'description') return 'ignored';
      if (member.text !== 'address' && member.text !== 'address-set') return expected(c, member, "'address' or 'address-set'");
      const ref = c.next();
      if (!ref) return expected(c, undefined, `an ${member.text} name`);
      (member.text === 'address' ? group.addresses : group.sets).push({ name: ref.text, line: ref.line });
      return 'recognised';
    }
    let entry = book.addresses.get(name.text);
    if (!entry) {
      entry = { name: name.text, line: name.line, values: [] };
      book.addresses.set(name.text, entry);
    }
    const value = c.next();
    if (!value) return 'recognised';
    switch (value.text) {
      case 'description':
        return 'ignored';
      case 'range-address': {
        const from = c.next();
        const to = c.next();
        const upper = c.next();
        if (!from || to?.text !== 'to' || !upper) return expected(c, upper ?? to ?? from, "'range-address A to B'");
        if (!junosAddressRange(from.text, upper.text)) return invalid(from, `the start of a range up to ${upper.text}`);
        entry.values.push({ kind: 'range', from: from.text, to: upper.text });
        if (isIpv6(from.text)) this.config.ipv6 = true;
        return 'recognised';
      }
      case 'dns-name':
      case 'wildcard-address': {
        const v = c.next();
        if (!v) return expected(c, undefined, value.text === 'dns-name' ? 'a host name' : 'an address/mask');
        entry.values.push(value.text === 'dns-name' ? { kind: 'dns-name', text: v.text } : { kind: 'wildcard', text: v.text });
        return 'recognised';
      }
      default:
        if (!junosPrefix(value.text)) return invalid(value, 'an address or prefix');
        entry.values.push({ kind: 'prefix', text: value.text });
        if (isIpv6(value.text)) this.config.ipv6 = true;
        return 'recognised';
    }
  }

  // ── NAT ─────────────────────────────────────────────────────────────────────────────────────

  private nat(c: Cursor): Outcome {
    const kind = c.next();
    const sub = c.next();
    switch (kind?.text) {
      case 'destination':
        if (sub?.text === 'pool') return this.natPool(c);
        if (sub?.text === 'rule-set') return this.natRuleSet(c, 'destination');
        return 'ignored';
      case 'static':
        if (sub?.text === 'rule-set') return this.natRuleSet(c, 'static');
        return 'ignored';
      case 'source': {
        // Source NAT opens nothing; where it sends traffic tells which side is the outside.
        if (sub?.text !== 'rule-set' || !c.next()) return 'ignored';
        const dir = c.next();
        if (dir?.text !== 'to') return 'ignored';
        const ctx = c.next();
        const value = c.next();
        if (!ctx || !value || (ctx.text !== 'zone' && ctx.text !== 'interface' && ctx.text !== 'routing-instance')) {
          return expected(c, value ?? ctx, "'to zone Z', 'to interface I' or 'to routing-instance R'");
        }
        if (c.inactiveFrom !== Infinity) return 'ignored';
        this.config.sourceNatTo.push({ kind: ctx.text, name: value.text, line: value.line });
        return 'recognised';
      }
      default:
        return 'ignored';
    }
  }

  private natPool(c: Cursor): Outcome {
    const name = c.next();
    if (!name) return expected(c, undefined, 'a pool name');
    const k = c.last;
    let pool = this.config.natPools.get(name.text);
    if (!pool) {
      pool = { name: name.text, span: this.span(c, k) };
      this.config.natPools.set(name.text, pool);
    } else this.touch(pool.span, c);
    if (c.deactivatedBelow(k)) return 'ignored';
    const key = c.next();
    if (!key) return 'recognised';
    switch (key.text) {
      case 'address': {
        // `address A [to B] [port N]`, or `address port N` alone.
        let w = c.next();
        if (!w) return expected(c, undefined, 'an address');
        if (w.text !== 'port') {
          if (!junosPrefix(w.text)) return invalid(w, 'an address or prefix');
          pool.address = { from: w.text, line: w.line };
          if (isIpv6(w.text)) this.config.ipv6 = true;
          w = c.next();
          if (w?.text === 'to') {
            const upper = c.next();
            if (!upper) return expected(c, undefined, 'the last address of the range');
            if (!junosAddressRange(pool.address.from, upper.text)) return invalid(upper, 'the end of an address range');
            pool.address.to = upper.text;
            w = c.next();
          }
        }
        if (!w) return 'recognised';
        if (w.text !== 'port') return expected(c, w, "'to' or 'port'");
        const p = c.next();
        if (!p) return expected(c, undefined, 'a port number');
        if (junosPort(p.text) === undefined) return invalid(p, 'a port');
        pool.port = { name: p.text, line: p.line };
        return c.done ? 'recognised' : expected(c, c.next(), 'nothing');
      }
      case 'routing-instance': {
        const ri = c.next();
        if (!ri) return expected(c, undefined, 'a routing instance');
        pool.routingInstance = { name: ri.text, line: ri.line };
        return 'recognised';
      }
      case 'description':
        return 'ignored';
      default:
        return expected(c, key, "'address' or 'routing-instance'");
    }
  }

  private natRuleSet(c: Cursor, kind: 'destination' | 'static'): Outcome {
    const name = c.next();
    if (!name) return expected(c, undefined, 'a rule-set name');
    const k = c.last;
    let rs = this.natRuleSets.get(`${kind} ${name.text}`);
    if (!rs) {
      rs = { kind, name: name.text, span: this.span(c, k), from: [], rules: new Map() };
      this.config.natRuleSets.push(rs);
      this.natRuleSets.set(`${kind} ${name.text}`, rs);
    } else this.touch(rs.span, c);
    const key = c.next();
    if (!key) return 'recognised';
    switch (key.text) {
      case 'from': {
        const ctx = c.next();
        const value = c.next();
        if (!ctx || (ctx.text !== 'zone' && ctx.text !== 'interface' && ctx.text !== 'routing-instance')) return expected(c, ctx, "'zone', 'interface' or 'routing-instance'");
        if (!value) return expected(c, undefined, `a ${ctx.text} name`);
        if (c.deactivatedBelow(k)) return 'ignored';
        rs.from.push({ kind: ctx.text as NatContextKind, name: value.text, line: value.line });
        return 'recognised';
      }
      case 'rule':
        return this.natRule(c, rs);
      case 'description':
      case 'match-direction':
        return 'ignored';
      default:
        return expected(c, key, "'from' or 'rule'");
    }
  }

  private natRule(c: Cursor, rs: NatRuleSet): Outcome {
    const name = c.next();
    if (!name) return expected(c, undefined, 'a rule name');
    const k = c.last;
    let rule = rs.rules.get(name.text);
    if (!rule) {
      rule = {
        name: name.text, span: this.span(c, k), sourceAddresses: [], sourceAddressNames: [], destinationAddresses: [],
        destinationAddressNames: [], destinationPorts: [], sourcePorts: [], protocols: [], applications: [],
      };
      rs.rules.set(name.text, rule);
    } else this.touch(rule.span, c);
    if (c.deactivatedBelow(k)) return 'ignored';
    const part = c.next();
    if (!part) return 'recognised';
    if (part.text === 'description') return 'ignored';
    if (part.text === 'match') return this.natMatch(c, rule);
    if (part.text !== 'then') return expected(c, part, "'match' or 'then'");
    const action = c.next();
    if (rs.kind === 'destination') {
      if (action?.text !== 'destination-nat') return expected(c, action, "'destination-nat'");
      const how = c.next();
      if (how?.text === 'off') {
        rule.then = { kind: 'off', line: how.line };
        return 'recognised';
      }
      if (how?.text === 'pool') {
        const pool = c.next();
        if (!pool) return expected(c, undefined, 'a pool name');
        if (pool.text === 'rule-session-count-alarm') return 'ignored';
        rule.then = { kind: 'pool', pool: pool.text, line: pool.line };
        return 'recognised';
      }
      if (how?.text === 'rule-session-count-alarm') return 'ignored';
      return expected(c, how, "'pool' or 'off'");
    }
    if (action?.text !== 'static-nat') return expected(c, action, "'static-nat'");
    const how = c.next();
    if (how?.text !== 'prefix' && how?.text !== 'prefix-name') {
      if (how?.text === 'inet' || how?.text === 'nptv6-prefix' || how?.text === 'nptv6-prefix-name') {
        this.ledger.note(how.line, 'warning', 'unsupported-nat', `static-nat ${how.text} (address family translation) is not modelled; the rule is read as one that may send traffic anywhere`);
        rule.then = { kind: 'static', line: how.line, unsupported: how.text };
        return 'recognised';
      }
      return expected(c, how, "'prefix' or 'prefix-name'");
    }
    const then = rule.then?.kind === 'static' ? rule.then : { kind: 'static' as const, line: how.line };
    rule.then = then;
    const value = c.next();
    if (!value) return expected(c, undefined, how.text === 'prefix' ? 'a prefix' : 'an address name');
    if (value.text === 'mapped-port') {
      const range = this.portRange(c);
      if (isProblem(range)) return range;
      then.mappedPort = range;
      return 'recognised';
    }
    if (value.text === 'routing-instance') return 'recognised';
    if (how.text === 'prefix') {
      if (!junosPrefix(value.text)) return invalid(value, 'a prefix');
      then.prefix = value.text;
    } else then.prefixName = value.text;
    if (c.peek() === 'mapped-port') {
      c.next();
      const range = this.portRange(c);
      if (isProblem(range)) return range;
      then.mappedPort = range;
    }
    return 'recognised';
  }

  /** `N` or `N to M`. */
  private portRange(c: Cursor): PortRange | Problem {
    const lo = c.next();
    if (!lo) return expected(c, undefined, 'a port number');
    const from = junosPort(lo.text);
    if (from === undefined) return invalid(lo, 'a port');
    if (c.peek() !== 'to') return { from, to: from, line: lo.line };
    c.next();
    const hi = c.next();
    if (!hi) return expected(c, undefined, 'the last port of the range');
    const to = junosPort(hi.text);
    if (to === undefined || to < from) return invalid(hi, `a port from ${from} up`);
    return { from, to, line: lo.line };
  }

  private natMatch(c: Cursor, rule: NatRule): Outcome {
    const key = c.next();
    if (!key) return expected(c, undefined, 'a match condition');
    switch (key.text) {
      case 'source-address':
      case 'destination-address': {
        const v = c.next();
        if (!v) return expected(c, undefined, 'an address');
        if (!junosPrefix(v.text)) return invalid(v, 'an address or prefix');
        if (isIpv6(v.text)) this.config.ipv6 = true;
        (key.text === 'source-address' ? rule.sourceAddresses : rule.destinationAddresses).push({ name: v.text, line: v.line });
        return 'recognised';
      }
      case 'source-address-name':
      case 'destination-address-name': {
        const v = c.next();
        if (!v) return expected(c, undefined, 'an address name');
        (key.text === 'source-address-name' ? rule.sourceAddressNames : rule.destinationAddressNames).push({ name: v.text, line: v.line });
        return 'recognised';
      }
      case 'destination-port':
      case 'source-port': {
        const range = this.portRange(c);
        if (isProblem(range)) return range;
        (key.text === 'destination-port' ? rule.destinationPorts : rule.sourcePorts).push(range);
        return 'recognised';
      }
      case 'protocol': {
        const v = c.next();
        if (!v) return expected(c, undefined, 'a protocol');
        if (junosProtocol(v.text) === undefined) return invalid(v, 'a protocol');
        rule.protocols.push({ name: v.text, line: v.line });
        return 'recognised';
      }
      case 'application': {
        const v = c.next();
        if (!v) return expected(c, undefined, 'an application');
        rule.applications.push({ name: v.text, line: v.line });
        return 'recognised';
      }
      default:
        return expected(c, key, 'a match condition');
    }
  }

  // ── applications ────────────────────────────────────────────────────────────────────────────

  private applications(c: Cursor): Outcome {
    const kind = c.next();
    if (!kind) return 'ignored';
    if (kind.text !== 'application' && kind.text !== 'application-set') return expected(c, kind, "'application' or 'application-set'");
    const name = c.next();
    if (!name) return expected(c, undefined, `an ${kind.text} name`);
    const k = c.last;
    if (kind.text === 'application-set') {
      let set = this.config.applicationSets.get(name.text);
      if (!set) {
        set = { name: name.text, span: this.span(c, k), applications: [], sets: [] };
        this.config.applicationSets.set(name.text, set);
      } else this.touch(set.span, c);
      if (c.deactivatedBelow(k)) return 'ignored';
      const member = c.next();
      if (!member) return 'recognised';
      if (member.text === 'description') return 'ignored';
      if (member.text !== 'application' && member.text !== 'application-set') return expected(c, member, "'application' or 'application-set'");
      const ref = c.next();
      if (!ref) return expected(c, undefined, `an ${member.text} name`);
      (member.text === 'application' ? set.applications : set.sets).push({ name: ref.text, line: ref.line });
      return 'recognised';
    }
    let app = this.config.applications.get(name.text);
    if (!app) {
      app = { name: name.text, span: this.span(c, k), terms: new Map() };
      this.config.applications.set(name.text, app);
    } else this.touch(app.span, c);
    if (c.deactivatedBelow(k)) return 'ignored';
    return this.applicationBody(c, app);
  }

  private applicationBody(c: Cursor, app: Application): Outcome {
    let termName = '';
    let termLine = c.st.line;
    if (c.peek() === 'term') {
      c.next();
      const t = c.next();
      if (!t) return expected(c, undefined, 'a term name');
      termName = t.text;
      termLine = t.line;
    }
    let term: ApplicationTerm | undefined = app.terms.get(termName);
    const getTerm = (): ApplicationTerm => {
      if (!term) {
        term = { name: termName, line: termLine, inexact: [] };
        app.terms.set(termName, term);
      }
      return term;
    };
    if (termName !== '') getTerm();
    let ignoredOnly = true;
    while (!c.done) {
      const key = c.next()!;
      const value = c.next();
      if (!value) return expected(c, undefined, `a value for '${key.text}'`);
      switch (key.text) {
        case 'protocol':
          if (junosProtocol(value.text) === undefined) return invalid(value, 'a protocol');
          getTerm().protocol = { name: value.text, line: value.line };
          break;
        case 'destination-port':
        case 'source-port':
          if (!junosPortRange(value.text)) return invalid(value, 'a port or port range');
          getTerm()[key.text === 'destination-port' ? 'destinationPort' : 'sourcePort'] = { name: value.text, line: value.line };
          break;
        default:
          if (APPLICATION_INEXACT.has(key.text)) {
            getTerm().inexact.push(`${key.text} ${value.text}`);
            break;
          }
          if (APPLICATION_SETTINGS.has(key.text)) continue;
          return expected(c, key, "'protocol', 'destination-port', 'source-port' or 'term'");
      }
      ignoredOnly = false;
    }
    return ignoredOnly && termName === '' && c.st.words.length > 3 ? 'ignored' : 'recognised';
  }

  // ── firewall filters ────────────────────────────────────────────────────────────────────────

  private firewall(c: Cursor): Outcome {
    const key = c.next();
    if (key?.text === 'filter') return this.filter(c, 'inet');
    if (key?.text !== 'family') return 'ignored';
    const family = c.next();
    const sub = c.next();
    if ((family?.text !== 'inet' && family?.text !== 'inet6') || sub?.text !== 'filter') return 'ignored';
    if (family.text === 'inet6') this.config.ipv6 = true;
    return this.filter(c, family.text);
  }

  private filter(c: Cursor, family: 'inet' | 'inet6'): Outcome {
    const name = c.next();
    if (!name) return expected(c, undefined, 'a filter name');
    const k = c.last;
    const id = `${family}:${name.text}`;
    let filter: Filter | undefined = this.config.filters.get(id);
    if (!filter) {
      filter = { family, name: name.text, span: this.span(c, k), terms: new Map() };
      this.config.filters.set(id, filter);
    } else this.touch(filter.span, c);
    const key = c.next();
    if (!key) return 'recognised';
    if (key.text !== 'term') {
      if (['interface-specific', 'accounting-profile', 'instance-shared', 'physical-interface-filter', 'enhanced-mode', 'fast-lookup-filter', 'description', 'filter-specific', 'enhanced-mode-override'].includes(key.text)) return 'ignored';
      return expected(c, key, "'term'");
    }
    const termName = c.next();
    if (!termName) return expected(c, undefined, 'a term name');
    const kt = c.last;
    let term: FilterTerm | undefined = filter.terms.get(termName.text);
    if (!term) {
      term = { name: termName.text, span: this.span(c, kt), conditions: [] };
      filter.terms.set(termName.text, term);
    } else this.touch(term.span, c);
    if (c.deactivatedBelow(kt)) return 'ignored';
    const part = c.next();
    if (!part) return 'recognised';
    if (part.text === 'from') return this.filterFrom(c, term);
    if (part.text === 'then') return this.filterThen(c, term);
    if (part.text === 'filter') {
      this.ledger.note(part.line, 'warning', 'unsupported-match', 'a term that calls another filter is not followed; the term is kept as one that may match and go on');
      term.conditions.push({ key: 'filter', value: c.peek() ?? '', except: false, line: part.line });
      term.action ??= { kind: 'next-term', line: part.line };
      return 'recognised';
    }
    return expected(c, part, "'from' or 'then'");
  }

  private filterFrom(c: Cursor, term: FilterTerm): Outcome {
    const key = c.next();
    if (!key) return expected(c, undefined, 'a match condition');
    if (CONDITIONS_WITHOUT_VALUE.has(key.text)) {
      term.conditions.push({ key: key.text, value: '', except: false, line: key.line });
      return 'recognised';
    }
    const known = ADDRESS_CONDITIONS.has(key.text) || PREFIX_LIST_CONDITIONS.has(key.text) || PROTOCOL_CONDITIONS.has(key.text) || PORT_CONDITIONS.has(key.text) || INEXACT_CONDITIONS.has(key.text);
    if (!known) return expected(c, key, 'a match condition');
    const value = c.next();
    if (!value) return expected(c, undefined, `a value for '${key.text}'`);
    const flag = c.next();
    if (flag && flag.text !== 'except') {
      if (!INEXACT_CONDITIONS.has(key.text)) return expected(c, flag, "'except' or nothing");
    }
    const except = flag?.text === 'except';
    if (ADDRESS_CONDITIONS.has(key.text)) {
      if (!junosPrefix(value.text)) return invalid(value, 'an address or prefix');
      if (isIpv6(value.text)) this.config.ipv6 = true;
    } else if (PROTOCOL_CONDITIONS.has(key.text)) {
      if (junosProtocol(value.text) === undefined) return invalid(value, 'a protocol');
    } else if (PORT_CONDITIONS.has(key.text)) {
      if (!junosPortRange(value.text)) return invalid(value, 'a port or port range');
    }
    term.conditions.push({ key: key.text, value: value.text, except, line: value.line });
    return 'recognised';
  }

  private filterThen(c: Cursor, term: FilterTerm): Outcome {
    const action = c.next();
    if (!action) return expected(c, undefined, 'an action');
    switch (action.text) {
      case 'accept':
      case 'discard':
      case 'reject':
        term.action = { kind: action.text, line: action.line };
        return 'recognised';
      case 'next': {
        const what = c.next();
        if (what?.text !== 'term') return expected(c, what, "'term'");
        term.action = { kind: 'next-term', line: action.line };
        return 'recognised';
      }
      default:
        if (FORWARDING_ACTIONS.has(action.text)) {
          term.action = { kind: 'routing-instance', line: action.line };
          return 'recognised';
        }
        if (FILTER_MODIFIERS.has(action.text)) return 'recognised';
        return expected(c, action, "'accept', 'discard', 'reject' or 'next term'");
    }
  }

  // ── policy-options, routing-instances ───────────────────────────────────────────────────────

  private policyOptions(c: Cursor): Outcome {
    const key = c.next();
    if (key?.text !== 'prefix-list') return 'ignored';
    const name = c.next();
    if (!name) return expected(c, undefined, 'a prefix-list name');
    const k = c.last;
    let list = this.config.prefixLists.get(name.text);
    if (!list) {
      list = { name: name.text, span: this.span(c, k), prefixes: [] };
      this.config.prefixLists.set(name.text, list);
    } else this.touch(list.span, c);
    if (c.deactivatedBelow(k)) return 'ignored';
    const value = c.next();
    if (!value) return 'recognised';
    if (value.text === 'description') return 'ignored';
    if (value.text === 'apply-path') {
      const path = c.next();
      if (!path) return expected(c, undefined, 'a configuration path');
      list.applyPath = { name: path.text, line: path.line };
      return 'recognised';
    }
    if (!junosPrefix(value.text)) return invalid(value, 'a prefix');
    if (isIpv6(value.text)) this.config.ipv6 = true;
    list.prefixes.push({ name: value.text, line: value.line });
    return 'recognised';
  }

  private routingInstances(c: Cursor): Outcome {
    const name = c.next();
    const key = c.next();
    if (!name || key?.text !== 'interface') return 'ignored';
    const ifName = c.next();
    if (!ifName) return expected(c, undefined, 'an interface name');
    if (c.inactiveFrom !== Infinity) return 'ignored';
    const list = this.config.routingInstances.get(name.text) ?? [];
    list.push({ name: ifName.text.includes('.') ? ifName.text : `${ifName.text}.0`, line: ifName.line });
    this.config.routingInstances.set(name.text, list);
    return 'recognised';
  }
}
