import { parseSuppression, type LineLedger } from '@portcullis/model';
import type {
  PfAlias,
  PfConfig,
  PfEndpoint,
  PfFilterRule,
  PfInterface,
  PfNatRule,
  PfOneToOne,
  PfPartial,
  PfSettings,
  PfText,
  PfVendor,
} from './syntax.js';
import { clip, flagValue, listEntries, splitOn, truthy } from './values.js';
import { child, readXml, textOf, type XmlElement } from './xml.js';

/*
 * Reads config.xml into the vendor representation. The sections that decide what gets in are read
 * element by element: `<system>` (host name, IPv6, anti-lockout, SSH), `<interfaces>`, `<aliases>`,
 * `<nat>` (port forwards, 1:1, outbound), `<filter>`, `<virtualip>`, `<ifgroups>`, and OPNsense's
 * `<OPNsense><Firewall><Filter>` and `<Alias>`. Every element read marks its lines recognised; an
 * element Portcullis does not know inside a rule is reported with its line; every other section of
 * the (large) configuration is skipped as it streams past and its lines are left ignored.
 */

const MAX_DEPTH = 256;

/** The `<system>` settings that matter. */
const SYSTEM_READ = new Set(['hostname', 'domain', 'ipv6allow', 'webgui', 'ssh', 'disablenatreflection']);
/** Top-level sections read. */
const SECTIONS = new Set(['system', 'interfaces', 'aliases', 'nat', 'filter', 'virtualip', 'ifgroups', 'OPNsense']);

/** Filter rule elements with no bearing on which packets a rule takes (logging, state limits, queues, routing, bookkeeping). */
const RULE_IGNORED = new Set([
  'id', 'tracker', 'uuid', 'log', 'created', 'updated', 'tag', 'max', 'max-src-nodes', 'max-src-conn', 'max-src-states',
  'max-src-conn-rate', 'max-src-conn-rates', 'statetimeout', 'statetype', 'state-policy', 'gateway', 'defaultqueue',
  'ackqueue', 'dnpipe', 'pdnpipe', 'allowopts', 'disablereplyto', 'nosync', 'nopfsync', 'vlanprioset', 'set-prio',
  'set-prio-low', 'label', 'category', 'categories', 'replyto', 'reply-to', 'udp-first', 'udp-multiple', 'udp-single',
  'adaptivestart', 'adaptiveend', 'overload', 'divert-to', 'shaper1', 'shaper2', 'sloppy', 'sort_order', 'prio_group',
  'associated-rule-id', 'tcpflags_any', 'os_version', 'max-packets',
]);

/** Conditions a filter rule can have that the model does not capture: when set, the rule may match. */
const RULE_PARTIAL: Record<string, string> = {
  tagged: 'a packet tag (`tagged`)',
  nottagged: 'a packet tag (`nottagged`)',
  os: 'the sender operating system (`os`)',
  sched: 'a schedule (`sched`)',
  dscp: 'a DSCP value (`dscp`)',
  tos: 'a TOS value (`tos`)',
  vlanprio: 'an 802.1p priority (`vlanprio`)',
  prio: 'a packet priority (`prio`)',
  tcpflags1: 'TCP flags (`tcpflags1`)',
  tcpflags2: 'TCP flags (`tcpflags2`)',
  'icmp6-type': 'ICMPv6 types (`icmp6-type`)',
  icmp6type: 'ICMPv6 types (`icmp6type`)',
};

/** NAT rule elements with no bearing on which packets it translates. */
const NAT_IGNORED = new Set([
  'id', 'log', 'created', 'updated', 'nosync', 'poolopts', 'source_hash_key', 'category', 'categories', 'tag', 'uuid',
  'natreflection', 'associated-rule-id', 'pass', 'sequence', 'staticnatport', 'descr', 'description',
]);

export function readConfig(text: string, file: string, ledger: LineLedger): PfConfig | undefined {
  const doc = readXml(text, {
    keep: (path) => keepPath(path),
    keepComment: (comment) => comment.includes('portcullis-ignore'),
    maxDepth: MAX_DEPTH,
  });
  const line = (n: number): number => Math.min(Math.max(n, 1), Math.max(ledger.lineCount, 1));
  const root = doc.root;
  if (root && root.name !== 'pfsense' && root.name !== 'opnsense') {
    ledger.report(line(root.line), 'error', 'parse-error', `the root element is <${clip(root.name, 40)}>, not <pfsense> or <opnsense>: this is not a pfSense or OPNsense config.xml`);
    return undefined;
  }
  if (!root) {
    const why = doc.error ? ` (${clip(doc.error.message, 100)})` : '';
    ledger.report(1, 'error', 'parse-error', `no root element${why}: this is not a pfSense or OPNsense config.xml`);
    return undefined;
  }
  if (doc.error) {
    ledger.report(line(doc.error.line), 'error', 'parse-error', `${clip(doc.error.message, 140)}; the rest of the file is not read`, doc.error.column);
  }
  // The root element says which vendor wrote the file, whatever format it was read as.
  const reader = new Reader(file, ledger, root.name as PfVendor);
  reader.read(root);
  for (const c of doc.comments) {
    const at = c.text.indexOf('portcullis-ignore');
    let breaks = 0;
    for (let i = 0; i < at; i++) if (c.text.charCodeAt(i) === 0x0a) breaks++;
    const s = parseSuppression(commentReason(c.text.slice(at)), file, c.line + breaks);
    if (s) {
      reader.config.suppressions.push(s);
      ledger.recognise(c.line + breaks);
    }
  }
  return reader.config;
}

/**
 * XML forbids `--` inside a comment, so there the reason follows a single dash or an em dash:
 * `<!-- portcullis-ignore no-public-ssh - jump host -->`.
 */
function commentReason(text: string): string {
  if (text.includes('--')) return text;
  for (const dash of [' - ', ' \u2014 ', ' \u2013 ']) {
    const at = text.indexOf(dash);
    if (at >= 0) return `${text.slice(0, at)} -- ${text.slice(at + dash.length)}`;
  }
  return text;
}

function keepPath(path: readonly string[]): boolean {
  const top = path[0]!;
  if (!SECTIONS.has(top)) return false;
  if (top === 'system') return path.length === 1 || SYSTEM_READ.has(path[1]!);
  if (top === 'OPNsense') {
    if (path.length === 1) return true;
    if (path[1] !== 'Firewall') return false;
    return path.length === 2 || path[2] === 'Filter' || path[2] === 'Alias';
  }
  return true;
}

class Reader {
  readonly config: PfConfig;
  private readonly ruleCount = { legacy: 0, mvc: 0 };

  constructor(
    private readonly file: string,
    private readonly ledger: LineLedger,
    private readonly vendor: PfVendor,
  ) {
    this.config = {
      vendor,
      rootLine: 1,
      settings: { ipv6allow: false, noAntiLockout: false, disableHttpRedirect: false, sshEnabled: false, disableNatReflection: false },
      interfaces: new Map(),
      aliases: new Map(),
      groups: new Map(),
      vips: [],
      natRules: [],
      oneToOne: [],
      filterRules: [],
      suppressions: [],
    };
  }

  // ── marking lines ─────────────────────────────────────────────────────────────────────────

  /** The element's own lines (a leaf's text may run over several). */
  private recognise(el: XmlElement, whole = false): void {
    const last = whole || el.children.length === 0 ? el.endLine : el.line;
    for (let l = el.line; l <= last; l++) this.ledger.recognise(l);
  }

  private leaf(el: XmlElement): PfText {
    this.recognise(el);
    return { value: textOf(el), line: el.line, column: el.column };
  }

  private unknown(el: XmlElement, where: string): void {
    this.ledger.report(el.line, 'warning', 'unrecognised-element', `<${clip(el.name, 40)}> in ${where} is not an element Portcullis knows; it is not read`, el.column);
  }

  /** A record the reading stopped inside is not read: what it lacks could make it match anything. */
  private cutShort(el: XmlElement, what: string): boolean {
    if (el.complete) return false;
    this.ledger.note(el.line, 'warning', 'incomplete-element', `the file ends inside this ${what}: it is not read`);
    return true;
  }

  private invalid(at: { line: number; column?: number }, message: string): void {
    this.ledger.report(at.line, 'warning', 'invalid-value', message, at.column);
  }

  // ── sections ──────────────────────────────────────────────────────────────────────────────

  read(root: XmlElement): void {
    this.config.rootLine = root.line;
    this.ledger.recognise(root.line);
    for (const section of root.children) {
      try {
        this.section(section);
      } catch (error) {
        this.ledger.report(section.line, 'error', 'internal-error', `the reader failed on <${section.name}>: ${String(error)}`);
      }
    }
  }

  private section(el: XmlElement): void {
    switch (el.name) {
      case 'system':
        return this.system(el);
      case 'interfaces':
        this.ledger.recognise(el.line);
        for (const c of el.children) this.interface(c);
        return;
      case 'aliases':
        this.ledger.recognise(el.line);
        for (const c of el.children) if (c.name === 'alias') this.legacyAlias(c);
        return;
      case 'nat':
        return this.nat(el);
      case 'filter':
        this.ledger.recognise(el.line);
        for (const c of el.children) if (c.name === 'rule') this.legacyRule(c);
        return;
      case 'virtualip':
        this.ledger.recognise(el.line);
        for (const c of el.children) if (c.name === 'vip') this.vip(c);
        return;
      case 'ifgroups':
        this.ledger.recognise(el.line);
        for (const c of el.children) if (c.name === 'ifgroupentry') this.group(c);
        return;
      case 'OPNsense':
        return this.opnsense(el);
      default:
        return; // skipped while reading
    }
  }

  private system(el: XmlElement): void {
    const s: PfSettings = this.config.settings;
    s.systemLine = el.line;
    this.ledger.recognise(el.line);
    for (const c of el.children) {
      switch (c.name) {
        case 'hostname':
          s.hostname = this.leaf(c);
          break;
        case 'ipv6allow':
          // pfSense writes `<ipv6allow></ipv6allow>` when IPv6 is allowed (isset); OPNsense `1`.
          s.ipv6allow = this.vendor === 'pfsense' ? flagValue(textOf(c)) : truthy(textOf(c));
          s.ipv6allowLine = c.line;
          this.recognise(c);
          break;
        case 'disablenatreflection':
          // Reflection only concerns the inside: read, it changes no exposure.
          s.disableNatReflection = flagValue(textOf(c));
          this.recognise(c);
          break;
        case 'webgui':
          s.webguiLine = c.line;
          this.ledger.recognise(c.line);
          for (const w of c.children) {
            if (w.name === 'protocol') s.webguiProtocol = this.leaf(w).value.toLowerCase();
            else if (w.name === 'port') s.webguiPort = this.leaf(w).value;
            else if (w.name === 'noantilockout') {
              s.noAntiLockout = flagValue(textOf(w));
              this.recognise(w);
            } else if (w.name === 'disablehttpredirect') {
              s.disableHttpRedirect = flagValue(textOf(w));
              this.recognise(w);
            }
          }
          break;
        case 'ssh':
          this.ledger.recognise(c.line);
          for (const w of c.children) {
            if (w.name === 'enable' || w.name === 'enabled') {
              const v = this.leaf(w).value.toLowerCase();
              s.sshEnabled = v === 'enabled' || truthy(v);
            } else if (w.name === 'port') s.sshPort = this.leaf(w).value;
          }
          break;
        default:
          // `domain`: not part of the device's name.
          break;
      }
    }
  }

  private interface(el: XmlElement): void {
    if (this.cutShort(el, 'interface')) return;
    const iface: PfInterface = { name: el.name, line: el.line, enabled: false };
    this.ledger.recognise(el.line);
    for (const c of el.children) {
      switch (c.name) {
        case 'enable':
          iface.enabled = flagValue(textOf(c));
          this.recognise(c);
          break;
        case 'if':
          iface.device = this.leaf(c).value;
          break;
        case 'descr':
          iface.descr = this.leaf(c).value;
          break;
        case 'ipaddr':
        case 'subnet':
        case 'ipaddrv6':
        case 'subnetv6': {
          const t = this.leaf(c);
          if (t.value !== '') iface[c.name] = t;
          break;
        }
        case 'gateway':
        case 'gatewayv6': {
          const t = this.leaf(c);
          if (t.value !== '') iface.gateway = t.value;
          break;
        }
        case 'blockpriv':
        case 'blockbogons':
          if (flagValue(textOf(c))) iface[c.name] = c.line;
          this.recognise(c);
          break;
        default:
          // Media, MTU, DHCP client options, spoofed MAC…: settings that open nothing.
          break;
      }
    }
    this.config.interfaces.set(iface.name, iface);
  }

  private vip(el: XmlElement): void {
    if (this.cutShort(el, 'virtual IP')) return;
    this.ledger.recognise(el.line);
    const get = (name: string): string | undefined => {
      const c = child(el, name);
      return c ? this.leaf(c).value : undefined;
    };
    const mode = get('mode') ?? '';
    const iface = get('interface') ?? '';
    const address = get('subnet') ?? '';
    const bits = get('subnet_bits');
    const vip = { interface: iface, mode, address, line: el.line };
    this.config.vips.push(bits !== undefined ? { ...vip, bits } : vip);
  }

  private group(el: XmlElement): void {
    if (this.cutShort(el, 'interface group')) return;
    this.ledger.recognise(el.line);
    const name = child(el, 'ifname');
    const members = child(el, 'members');
    if (!name || textOf(name) === '') return this.invalid(el, 'an interface group without <ifname>');
    this.config.groups.set(textOf(name), {
      name: this.leaf(name).value,
      members: members ? splitOn(this.leaf(members).value.replace(/,/g, ' '), ' ') : [],
      line: el.line,
    });
  }

  // ── aliases ───────────────────────────────────────────────────────────────────────────────

  private legacyAlias(el: XmlElement): void {
    if (this.cutShort(el, 'alias')) return;
    this.ledger.recognise(el.line);
    const alias: PfAlias = { name: '', type: '', entries: [], enabled: true, line: el.line };
    for (const c of el.children) {
      if (c.name === 'name') alias.name = this.leaf(c).value;
      else if (c.name === 'type') alias.type = this.leaf(c).value.toLowerCase();
      else if (c.name === 'address') {
        this.recognise(c);
        alias.entries = listEntries(c.text, c.line, c.column);
      } else if (c.name === 'url' || c.name === 'aliasurl') this.recognise(c);
    }
    this.addAlias(alias, el);
  }

  private mvcAlias(el: XmlElement): void {
    if (this.cutShort(el, 'alias')) return;
    this.ledger.recognise(el.line);
    const alias: PfAlias = { name: '', type: '', entries: [], enabled: true, line: el.line };
    for (const c of el.children) {
      if (c.name === 'name') alias.name = this.leaf(c).value;
      else if (c.name === 'type') alias.type = this.leaf(c).value.toLowerCase();
      else if (c.name === 'enabled') {
        alias.enabled = flagValue(textOf(c));
        this.recognise(c);
      } else if (c.name === 'content') {
        this.recognise(c);
        alias.entries = listEntries(c.text, c.line, c.column);
      }
    }
    this.addAlias(alias, el);
  }

  private addAlias(alias: PfAlias, el: XmlElement): void {
    if (alias.name === '') return this.invalid(el, 'an alias without a <name>');
    if (this.config.aliases.has(alias.name)) {
      this.ledger.note(el.line, 'warning', 'duplicate-alias', `alias '${clip(alias.name, 40)}' is defined again; this definition replaces the one on line ${this.config.aliases.get(alias.name)!.line}`);
    }
    this.config.aliases.set(alias.name, alias);
  }

  // ── NAT ───────────────────────────────────────────────────────────────────────────────────

  private nat(el: XmlElement): void {
    this.ledger.recognise(el.line);
    for (const c of el.children) {
      switch (c.name) {
        case 'rule':
          this.natRule(c);
          break;
        case 'outbound':
          // Outbound (source) NAT rewrites the source of connections going out: it opens nothing.
          this.ledger.recognise(c.line);
          for (const o of c.children) {
            if (o.name === 'mode') this.leaf(o);
            else if (o.name === 'rule') this.ledger.recognise(o.line);
          }
          break;
        case 'onetoone':
          this.legacyOneToOne(c);
          break;
        case 'npt':
          this.npt(c);
          break;
        default:
          // Separators, advanced outbound settings.
          break;
      }
    }
  }

  private npt(el: XmlElement): void {
    const disabled = child(el, 'disabled');
    const enabled = child(el, 'enabled');
    if ((disabled && flagValue(textOf(disabled))) || (enabled && !truthy(textOf(enabled)))) {
      this.ledger.recognise(el.line);
      return;
    }
    this.ledger.report(el.line, 'warning', 'unsupported-nat', 'network prefix translation (NPt) is not modelled: the IPv6 prefix it maps in is not shown as reachable', el.column);
  }

  private endpoint(el: XmlElement | undefined, where: string, fallbackLine: number): PfEndpoint {
    const ep: PfEndpoint = { line: el?.line ?? fallbackLine, items: [], any: false, not: false };
    if (!el) return ep;
    this.ledger.recognise(el.line);
    let any: PfText | undefined;
    let network: PfText | undefined;
    let address: PfText | undefined;
    for (const c of el.children) {
      switch (c.name) {
        case 'any':
          any = this.leaf(c);
          break;
        case 'network':
          network = this.leaf(c);
          break;
        case 'address':
          address = this.leaf(c);
          break;
        case 'port': {
          const p = this.leaf(c);
          if (p.value !== '') ep.port = p;
          break;
        }
        case 'not':
          ep.not = flagValue(textOf(c));
          this.recognise(c);
          break;
        default:
          this.unknown(c, where);
      }
    }
    // pfSense checks `any` first; OPNsense prefers `network`, then `address` (legacyMoveAddressFields).
    const order = this.vendor === 'pfsense' ? [any, network, address] : [network, address, any];
    const kinds = this.vendor === 'pfsense' ? (['any', 'network', 'address'] as const) : (['network', 'address', 'any'] as const);
    for (let i = 0; i < 3; i++) {
      const t = order[i];
      if (t === undefined || (kinds[i] !== 'any' && t.value === '')) continue;
      if (kinds[i] === 'any') ep.any = true;
      else ep.items = [{ kind: kinds[i]!, value: t.value, line: t.line, column: t.column }];
      break;
    }
    return ep;
  }

  private description(text: string, line: number): string | undefined {
    const d = text.trim();
    if (d === '') return undefined;
    const s = parseSuppression(d, this.file, line);
    if (s) this.config.suppressions.push(s);
    return d;
  }

  private natRule(el: XmlElement): void {
    if (this.cutShort(el, 'port forward')) return;
    this.ledger.recognise(el.line);
    const rule: PfNatRule = {
      line: el.line, endLine: el.endLine, index: this.config.natRules.length, disabled: false, nordr: false,
      source: { line: el.line, items: [], any: false, not: false }, destination: { line: el.line, items: [], any: false, not: false }, partial: [],
    };
    let source: XmlElement | undefined;
    let destination: XmlElement | undefined;
    for (const c of el.children) {
      switch (c.name) {
        case 'disabled':
          rule.disabled = flagValue(textOf(c));
          this.recognise(c);
          break;
        case 'nordr':
          rule.nordr = flagValue(textOf(c));
          this.recognise(c);
          break;
        case 'interface':
        case 'ipprotocol':
        case 'protocol':
        case 'target': {
          const t = this.leaf(c);
          if (t.value !== '') rule[c.name] = t;
          break;
        }
        case 'local-port': {
          const t = this.leaf(c);
          if (t.value !== '') rule.localPort = t;
          break;
        }
        case 'source':
          source = c;
          break;
        case 'destination':
          destination = c;
          break;
        case 'descr':
        case 'description': {
          this.recognise(c);
          const d = this.description(c.text, el.line);
          if (d !== undefined) rule.description = d;
          break;
        }
        case 'associated-rule-id': {
          const v = this.leaf(c).value;
          if (v !== '') rule.associatedRuleId = v;
          break;
        }
        case 'pass': {
          const v = this.leaf(c).value;
          if (v !== '') rule.passMode = v;
          break;
        }
        case 'natreflection': {
          const v = this.leaf(c).value;
          if (v !== '') rule.natreflection = v;
          break;
        }
        case 'sequence': {
          const n = Number(this.leaf(c).value);
          if (Number.isInteger(n)) rule.sequence = n;
          break;
        }
        case 'tagged':
          if (textOf(c) !== '') rule.partial.push({ what: 'a packet tag (`tagged`)', line: c.line });
          this.recognise(c);
          break;
        default:
          if (!NAT_IGNORED.has(c.name)) this.unknown(c, 'a port forward');
      }
    }
    rule.source = this.endpoint(source, 'a port forward source', el.line);
    rule.destination = this.endpoint(destination, 'a port forward destination', el.line);
    this.config.natRules.push(rule);
  }

  private legacyOneToOne(el: XmlElement): void {
    if (this.cutShort(el, '1:1 NAT rule')) return;
    this.ledger.recognise(el.line);
    const rule: PfOneToOne = {
      line: el.line, index: this.config.oneToOne.length, disabled: false, noBinat: false,
      source: { line: el.line, items: [], any: false, not: false }, destination: { line: el.line, items: [], any: false, not: false },
    };
    for (const c of el.children) {
      switch (c.name) {
        case 'disabled':
          rule.disabled = flagValue(textOf(c));
          this.recognise(c);
          break;
        case 'nobinat':
          rule.noBinat = flagValue(textOf(c));
          this.recognise(c);
          break;
        case 'interface':
        case 'external': {
          const t = this.leaf(c);
          if (t.value !== '') rule[c.name] = t;
          break;
        }
        case 'source':
          rule.source = this.endpoint(c, 'a 1:1 NAT source', el.line);
          break;
        case 'destination':
          rule.destination = this.endpoint(c, 'a 1:1 NAT destination', el.line);
          break;
        case 'descr': {
          this.recognise(c);
          const d = this.description(c.text, el.line);
          if (d !== undefined) rule.description = d;
          break;
        }
        case 'ipprotocol':
        case 'natreflection':
          this.recognise(c);
          break;
        default:
          if (!NAT_IGNORED.has(c.name)) this.unknown(c, 'a 1:1 NAT rule');
      }
    }
    this.config.oneToOne.push(rule);
  }

  // ── filter rules ──────────────────────────────────────────────────────────────────────────

  private newRule(el: XmlElement, layout: PfFilterRule['layout']): PfFilterRule {
    return {
      layout, line: el.line, endLine: el.endLine, index: this.ruleCount[layout]++,
      interfaceNot: false, floating: false, disabled: false,
      source: { line: el.line, items: [], any: false, not: false }, destination: { line: el.line, items: [], any: false, not: false }, partial: [],
    };
  }

  private partial(c: XmlElement, rule: { partial: PfPartial[] }, what: string): void {
    this.recognise(c);
    if (textOf(c) !== '') rule.partial.push({ what, line: c.line });
  }

  private legacyRule(el: XmlElement): void {
    if (this.cutShort(el, 'filter rule')) return;
    this.ledger.recognise(el.line);
    const rule = this.newRule(el, 'legacy');
    let source: XmlElement | undefined;
    let destination: XmlElement | undefined;
    let tcpflagsAny = false;
    const flags: XmlElement[] = [];
    for (const c of el.children) {
      switch (c.name) {
        case 'type':
          rule.action = this.leaf(c);
          break;
        case 'interface':
        case 'ipprotocol':
        case 'protocol':
        case 'direction':
        case 'icmptype': {
          const t = this.leaf(c);
          if (t.value !== '') rule[c.name] = t;
          break;
        }
        case 'quick':
          rule.quick = this.leaf(c);
          break;
        case 'floating':
          rule.floating = true;
          this.recognise(c);
          break;
        case 'interfacenot':
          rule.interfaceNot = flagValue(textOf(c));
          this.recognise(c);
          break;
        case 'disabled':
          rule.disabled = flagValue(textOf(c));
          this.recognise(c);
          break;
        case 'source':
          source = c;
          break;
        case 'destination':
          destination = c;
          break;
        case 'descr': {
          this.recognise(c);
          const d = this.description(c.text, el.line);
          if (d !== undefined) rule.description = d;
          break;
        }
        case 'associated-rule-id': {
          const v = this.leaf(c).value;
          if (v !== '') rule.associatedRuleId = v;
          break;
        }
        case 'tcpflags_any':
          tcpflagsAny = true;
          this.recognise(c);
          break;
        case 'tcpflags1':
        case 'tcpflags2':
          flags.push(c);
          break;
        default:
          if (RULE_PARTIAL[c.name] !== undefined) this.partial(c, rule, RULE_PARTIAL[c.name]!);
          // Known settings that do not change which packets the rule takes are left ignored.
          else if (!RULE_IGNORED.has(c.name)) this.unknown(c, 'a filter rule');
      }
    }
    for (const f of flags) {
      if (tcpflagsAny) this.recognise(f);
      else this.partial(f, rule, RULE_PARTIAL[f.name]!);
    }
    rule.source = this.endpoint(source, 'a filter rule source', el.line);
    rule.destination = this.endpoint(destination, 'a filter rule destination', el.line);
    this.config.filterRules.push(rule);
  }

  // ── OPNsense's own (MVC) sections ─────────────────────────────────────────────────────────

  private opnsense(el: XmlElement): void {
    const firewall = child(el, 'Firewall');
    if (!firewall) return;
    for (const part of firewall.children) {
      if (part.name === 'Filter') {
        for (const c of part.children) {
          if (c.name === 'rules') {
            this.ledger.recognise(c.line);
            for (const r of c.children) if (r.name === 'rule') this.mvcRule(r);
          } else if (c.name === 'snatrules') {
            // Source NAT opens nothing.
            this.ledger.recognise(c.line);
            for (const r of c.children) if (r.name === 'rule') this.ledger.recognise(r.line);
          } else if (c.name === 'onetoone') {
            this.ledger.recognise(c.line);
            for (const r of c.children) if (r.name === 'rule') this.mvcOneToOne(r);
          } else if (c.name === 'npt') {
            this.ledger.recognise(c.line);
            for (const r of c.children) if (r.name === 'rule') this.npt(r);
          }
        }
      } else if (part.name === 'Alias') {
        const aliases = child(part, 'aliases');
        if (!aliases) continue;
        this.ledger.recognise(aliases.line);
        for (const a of aliases.children) if (a.name === 'alias') this.mvcAlias(a);
      }
    }
  }

  /** The `source_*` / `destination_*` fields of an OPNsense rule. */
  private mvcEndpoint(fields: Map<string, XmlElement>, side: 'source' | 'destination', line: number): PfEndpoint {
    const ep: PfEndpoint = { line, items: [], any: false, not: false };
    const net = fields.get(`${side}_net`);
    if (net) {
      const t = this.leaf(net);
      ep.line = net.line;
      for (const item of listEntries(net.text, net.line, net.column)) {
        if (item.value.toLowerCase() === 'any') {
          ep.items = [];
          ep.any = true;
          break;
        }
        ep.items.push({ kind: 'net', ...item });
      }
      if (t.value === '') ep.items = [];
    }
    const not = fields.get(`${side}_not`);
    if (not) {
      ep.not = truthy(textOf(not));
      this.recognise(not);
    }
    const port = fields.get(`${side}_port`);
    if (port) {
      const p = this.leaf(port);
      if (p.value !== '') ep.port = p;
    }
    return ep;
  }

  private mvcRule(el: XmlElement): void {
    if (this.cutShort(el, 'filter rule')) return;
    this.ledger.recognise(el.line);
    const rule = this.newRule(el, 'mvc');
    const fields = new Map<string, XmlElement>();
    for (const c of el.children) fields.set(c.name, c);
    for (const c of el.children) {
      switch (c.name) {
        case 'enabled':
          rule.disabled = !truthy(textOf(c));
          this.recognise(c);
          break;
        case 'sequence': {
          const n = Number(this.leaf(c).value);
          if (Number.isInteger(n)) rule.sequence = n;
          break;
        }
        case 'action':
          rule.action = this.leaf(c);
          break;
        case 'quick':
          rule.quick = this.leaf(c);
          break;
        case 'interfacenot':
          rule.interfaceNot = truthy(textOf(c));
          this.recognise(c);
          break;
        case 'interface':
        case 'direction':
        case 'ipprotocol':
        case 'protocol':
        case 'icmptype': {
          const t = this.leaf(c);
          if (t.value !== '') rule[c.name] = t;
          break;
        }
        case 'description': {
          this.recognise(c);
          const d = this.description(c.text, el.line);
          if (d !== undefined) rule.description = d;
          break;
        }
        case 'source_net':
        case 'source_not':
        case 'source_port':
        case 'destination_net':
        case 'destination_not':
        case 'destination_port':
          break; // read below
        case 'tcpflags_any':
        case 'tcpflags1':
        case 'tcpflags2':
          break; // read below
        default:
          if (RULE_PARTIAL[c.name] !== undefined) this.partial(c, rule, RULE_PARTIAL[c.name]!);
          // Known settings that do not change which packets the rule takes are left ignored.
          else if (!RULE_IGNORED.has(c.name)) this.unknown(c, 'a filter rule');
      }
    }
    const any = fields.get('tcpflags_any');
    const tcpflagsAny = any !== undefined && truthy(textOf(any));
    if (any) this.recognise(any);
    for (const name of ['tcpflags1', 'tcpflags2']) {
      const f = fields.get(name);
      if (!f) continue;
      if (tcpflagsAny) this.recognise(f);
      else this.partial(f, rule, RULE_PARTIAL[name]!);
    }
    const ifaces = rule.interface ? splitOn(rule.interface.value, ',') : [];
    // OPNsense treats a rule on other than exactly one interface as floating.
    rule.floating = ifaces.length !== 1;
    rule.source = this.mvcEndpoint(fields, 'source', el.line);
    rule.destination = this.mvcEndpoint(fields, 'destination', el.line);
    this.config.filterRules.push(rule);
  }

  private mvcOneToOne(el: XmlElement): void {
    if (this.cutShort(el, '1:1 NAT rule')) return;
    this.ledger.recognise(el.line);
    const fields = new Map<string, XmlElement>();
    for (const c of el.children) fields.set(c.name, c);
    const rule: PfOneToOne = {
      line: el.line, index: this.config.oneToOne.length, disabled: false, noBinat: false,
      source: this.mvcEndpoint(fields, 'source', el.line), destination: this.mvcEndpoint(fields, 'destination', el.line),
    };
    for (const c of el.children) {
      switch (c.name) {
        case 'enabled':
          rule.disabled = !truthy(textOf(c));
          this.recognise(c);
          break;
        case 'type':
          // `binat` maps both ways; `nat` only rewrites outgoing sources.
          rule.noBinat = this.leaf(c).value.toLowerCase() === 'nat';
          break;
        case 'interface':
        case 'external': {
          const t = this.leaf(c);
          if (t.value !== '') rule[c.name] = t;
          break;
        }
        case 'sequence': {
          const n = Number(this.leaf(c).value);
          if (Number.isInteger(n)) rule.sequence = n;
          break;
        }
        case 'description': {
          this.recognise(c);
          const d = this.description(c.text, el.line);
          if (d !== undefined) rule.description = d;
          break;
        }
        case 'source_net':
        case 'source_not':
        case 'destination_net':
        case 'destination_not':
          break;
        default:
          if (!NAT_IGNORED.has(c.name)) this.unknown(c, 'a 1:1 NAT rule');
      }
    }
    this.config.oneToOne.push(rule);
  }
}
