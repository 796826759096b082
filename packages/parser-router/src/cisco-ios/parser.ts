import {
  parseSuppression,
  type Family,
  type InputFile,
  type LineLedger,
  type ParseResult,
} from '@portcullis/model';
import { readExtendedEntry, readStandardEntry, type AclDialect } from '../cisco-common/acl.js';
import { parseCisco } from '../cisco-common/pipeline.js';
import { type ConfigLine, type Section } from '../cisco-common/lines.js';
import { maskLength } from '../cisco-common/model.js';
import { applyProblems, readObjectSection } from '../cisco-common/objects.js';
import type { AclEntry } from '../cisco-common/syntax.js';
import { ipv4Number, ipv4Range } from '../cisco-common/values.js';
import { convertIos } from './convert.js';
import type { IosAcl, IosConfig, IosInterface, IosStaticNat } from './syntax.js';

/*
 * Reads an IOS / IOS XE `show running-config` into the vendor representation, accounting for every
 * line, then converts it. What decides exposure is read: interfaces, access lists, object groups,
 * static NAT, static routes. The many other sections of a router's configuration (routing protocols,
 * AAA, crypto, lines, SNMP, QoS, VLANs…) are deliberately ignored section by section; a top-level
 * command nobody knows is reported with its line.
 */

/** Top-level commands whose whole section is deliberately ignored: they do not decide what gets in. */
const IGNORED_SECTIONS = new Set([
  'aaa', 'access-session', 'alarm-profile', 'alias', 'application', 'archive', 'async-bootp', 'authentication',
  'auto', 'avc', 'banner', 'bba-group', 'boot', 'boot-end-marker', 'boot-start-marker', 'bridge', 'buffers',
  'call', 'call-home', 'card', 'ccm-manager', 'cdp', 'chat-script', 'class-map', 'clock', 'cns',
  'config-register', 'configuration', 'control-plane', 'controller', 'cpp', 'crypto', 'cts', 'default',
  'device-tracking', 'diagnostic', 'dial-peer', 'dialer', 'dialer-list', 'dot11', 'dot1x', 'dspfarm',
  'energywise', 'enable', 'ephone', 'ephone-dn', 'epm', 'errdisable', 'ethernet', 'event', 'exception',
  'fax', 'file', 'flow', 'frame-relay', 'gatekeeper', 'gateway', 'hw-module', 'hw-switch', 'identity',
  'ipc', 'isdn', 'key', 'kron', 'l2tp-class', 'lacp', 'license', 'line', 'lldp', 'logging', 'login',
  'mac', 'mac-address-table', 'macro', 'memory', 'mgcp', 'mka', 'mls', 'mmi', 'module', 'monitor',
  'mpls', 'multilink', 'netconf', 'netconf-yang', 'network-clock', 'ntp', 'parameter-map', 'password',
  'platform', 'policy-map', 'port-channel', 'power', 'privilege', 'process', 'pseudowire-class', 'ptp',
  'qos', 'quit', 'radius', 'radius-server', 'redundancy', 'resource', 'restconf', 'rmon', 'route-map',
  'route-tag', 'router', 'rtr', 'sampler', 'sccp', 'scheduler', 'scripting', 'security', 'service',
  'sip-ua', 'snmp', 'snmp-server', 'spanning-tree', 'srst', 'stackwise', 'stcapp', 'subscriber', 'switch',
  'system', 'table-map', 'tacacs', 'tacacs-server', 'tftp-server', 'telephony-service', 'template',
  'time-range', 'track', 'transceiver', 'translation-rule', 'tunnel', 'udld', 'upgrade', 'username',
  'version', 'vlan', 'voice', 'voice-card', 'voice-port', 'vpdn', 'vpdn-group', 'vrf', 'vstack', 'vtp',
  'warm-reboot', 'wism', 'wsma', 'x25', 'xconnect', 'zone',
]);

/** Numbered ACLs: which numbers are IP standard and IP extended lists (the others are not IP). */
function numberedKind(n: number): 'standard' | 'extended' | 'other' {
  if ((n >= 1 && n <= 99) || (n >= 1300 && n <= 1999)) return 'standard';
  if ((n >= 100 && n <= 199) || (n >= 2000 && n <= 2699)) return 'extended';
  return 'other';
}

export function parseIos(file: InputFile): ParseResult {
  return parseCisco(file, { delimitedBanners: true, commentMarkers: '!' }, (ledger) => new IosReader(file.path, ledger), convertIos);
}

class IosReader {
  readonly config: IosConfig = {
    interfaces: new Map(),
    acls: new Map(),
    objects: new Map(),
    staticNats: [],
    routes: [],
    ipv6: false,
    suppressions: [],
  };
  private zoneFirewallNoted = false;

  constructor(
    private readonly file: string,
    private readonly ledger: LineLedger,
  ) {}

  /** One dialect per family, made once: every ACL entry of a large configuration reads with it. */
  private readonly dialects = new Map<Family, AclDialect>();

  private dialect(family: Family): AclDialect {
    let dialect = this.dialects.get(family);
    if (!dialect) {
      dialect = {
        vendor: 'ios',
        family,
        objectKind: (name) => this.config.objects.get(name)?.kind,
        isPortGroup: () => false,
      };
      this.dialects.set(family, dialect);
    }
    return dialect;
  }

  read(sections: Section[]): void {
    // Object groups first: an ACL may name a group defined further down.
    for (const s of sections) if (s.head.words[0]!.toLowerCase() === 'object-group') this.section(s);
    for (const s of sections) {
      if (s.head.words[0]!.toLowerCase() === 'object-group') continue;
      try {
        this.section(s);
      } catch (error) {
        this.ledger.report(s.head.line, 'error', 'internal-error', `the parser failed on this section: ${String(error)}`);
      }
    }
  }

  private ignoreSection(s: Section): void {
    this.ledger.ignore(s.head.line);
    for (const c of s.children) this.ledger.ignore(c.line);
  }

  private unrecognised(s: Section, message: string): void {
    const more = s.children.length > 0 ? ` (its ${s.children.length} indented line${s.children.length === 1 ? '' : 's'} skipped with it)` : '';
    this.ledger.report(s.head.line, 'warning', 'unrecognised-line', `${message}${more}`);
    for (const c of s.children) this.ledger.ignore(c.line);
  }

  private section(s: Section): void {
    const words = s.head.words;
    const first = words[0]!.toLowerCase();
    const second = words[1]?.toLowerCase();
    switch (first) {
      case 'hostname':
        if (words[1] === undefined) return this.unrecognised(s, "'hostname' needs a name");
        this.config.hostname = words[1].replace(/^"(.*)"$/, '$1');
        this.ledger.recognise(s.head.line);
        for (const c of s.children) this.ledger.ignore(c.line);
        return;
      case 'end':
        this.ledger.recognise(s.head.line);
        for (const c of s.children) this.ledger.ignore(c.line);
        return;
      case 'no':
        // `no service pad`, `no ip http server`: defaults switched off, nothing that opens a port.
        return this.ignoreSection(s);
      case 'interface':
        return this.interface(s);
      case 'access-list':
        return this.numberedAcl(s);
      case 'object-group':
        return this.objectGroup(s);
      case 'ip':
        if (second === 'access-list') return this.namedAcl(s, 'ipv4');
        if (second === 'nat') return this.nat(s);
        if (second === 'route') return this.route(s);
        // Global IP settings (`ip cef`, `ip domain-name`, `ip http server`, `ip prefix-list`…).
        return this.ignoreSection(s);
      case 'ipv6':
        if (second === 'access-list') return this.namedAcl(s, 'ipv6');
        return this.ignoreSection(s);
      case 'zone-pair':
        this.noteZoneFirewall(s.head.line);
        return this.ignoreSection(s);
      default:
        if (IGNORED_SECTIONS.has(first)) return this.ignoreSection(s);
        return this.unrecognised(s, `'${words[0]}' is not an IOS command Portcullis knows`);
    }
  }

  private noteZoneFirewall(line: number): void {
    if (this.zoneFirewallNoted) return;
    this.zoneFirewallNoted = true;
    this.ledger.note(line, 'warning', 'unsupported-zone-firewall', 'zone-based firewall policies are not modelled: exposure is computed from ACLs and NAT only, so it may be overstated');
  }

  private interface(s: Section): void {
    const name = s.head.words[1];
    if (name === undefined) return this.unrecognised(s, "'interface' needs a name");
    if (s.head.words[1]?.toLowerCase() === 'range') return this.unrecognised(s, "'interface range' is not read; list the interfaces one by one");
    let iface = this.config.interfaces.get(name);
    if (!iface) {
      iface = { name, line: s.head.line, addresses: [], dynamicAddress: false, shutdown: false, accessGroups: [], ipv6: false };
      this.config.interfaces.set(name, iface);
    }
    this.ledger.recognise(s.head.line);
    for (const c of s.children) this.interfaceLine(iface, c);
  }

  private interfaceLine(iface: IosInterface, c: ConfigLine): void {
    const w = c.words.map((x) => x.toLowerCase());
    const bad = (message: string): void => this.ledger.report(c.line, 'warning', 'invalid-value', message);
    if (w[0] === 'shutdown') {
      iface.shutdown = true;
      return this.ledger.recognise(c.line);
    }
    if (w[0] === 'no' && w[1] === 'shutdown') {
      iface.shutdown = false;
      return this.ledger.recognise(c.line);
    }
    if (w[0] === 'zone-member' && w[1] === 'security') {
      iface.zoneMember = c.line;
      this.noteZoneFirewall(c.line);
      return this.ledger.recognise(c.line);
    }
    if (w[0] === 'ipv6' && (w[1] === 'address' || w[1] === 'enable')) {
      iface.ipv6 = true;
      this.config.ipv6 = true;
      return this.ledger.ignore(c.line);
    }
    if (w[0] === 'ipv6' && w[1] === 'traffic-filter') return this.accessGroup(iface, c, 'ipv6');
    if (w[0] !== 'ip') return this.ledger.ignore(c.line);
    if (w[1] === 'access-group') return this.accessGroup(iface, c, 'ipv4');
    if (w[1] === 'nat') {
      if (w[2] === 'inside' || w[2] === 'outside') {
        iface.nat = { side: w[2], line: c.line };
        return this.ledger.recognise(c.line);
      }
      if (w[2] === 'enable') {
        return this.ledger.report(c.line, 'warning', 'unsupported-nat', "NAT virtual interfaces ('ip nat enable') are not modelled; use 'ip nat inside|outside'");
      }
      return bad("expected 'ip nat inside' or 'ip nat outside'");
    }
    if (w[1] === 'unnumbered') {
      iface.dynamicAddress = true;
      return this.ledger.recognise(c.line);
    }
    if (w[1] === 'address') {
      if (w[2] === 'dhcp' || w[2] === 'negotiated' || w[2] === 'pool') {
        iface.dynamicAddress = true;
        return this.ledger.recognise(c.line);
      }
      const a = ipv4Number(c.words[2] ?? '');
      const m = ipv4Number(c.words[3] ?? '');
      const len = m === undefined ? undefined : maskLength(m);
      if (a === undefined || len === undefined) return bad("expected 'ip address ADDRESS NETMASK'");
      const size = 2 ** (32 - len);
      const start = Math.floor(a / size) * size;
      iface.addresses.push({ address: ipv4Range(a, a), network: ipv4Range(start, start + size - 1), length: len, line: c.line });
      return this.ledger.recognise(c.line);
    }
    // Helper addresses, PIM, OSPF, HSRP (`standby`), policy routing…: per-interface settings that open nothing.
    return this.ledger.ignore(c.line);
  }

  private accessGroup(iface: IosInterface, c: ConfigLine, family: Family): void {
    const acl = c.words[2];
    const direction = c.words[3]?.toLowerCase();
    if (acl === undefined || (direction !== 'in' && direction !== 'out')) {
      return this.ledger.report(c.line, 'warning', 'invalid-value', `expected '${c.words[0]} ${c.words[1]} ACL in|out'`);
    }
    iface.accessGroups.push({ acl, direction, family, line: c.line });
    this.ledger.recognise(c.line);
  }

  private acl(name: string, kind: 'standard' | 'extended', family: Family, line: number): IosAcl {
    const key = aclKey(name, family);
    let acl = this.config.acls.get(key);
    if (!acl) {
      acl = { name, kind, family, line, entries: [] };
      this.config.acls.set(key, acl);
    }
    return acl;
  }

  /** `access-list N [dynamic NAME [timeout M]] permit|deny …` and `access-list N remark …`. */
  private numberedAcl(s: Section): void {
    const words = s.head.words;
    const line = s.head.line;
    for (const c of s.children) this.ledger.ignore(c.line);
    const id = words[1];
    if (id === undefined) return this.unrecognised(s, "'access-list' needs a number");
    if (id === 'compiled' || id === 'dynamic-extend' || !/^\d{1,4}$/.test(id)) {
      if (/^\d/.test(id)) return this.unrecognised(s, `'${id}' is not an access list number`);
      return this.ignoreSection(s);
    }
    const kind = numberedKind(Number(id));
    if (kind === 'other') {
      // MAC, protocol-type, IPX… lists: not IP, nothing for Portcullis.
      return this.ignoreSection(s);
    }
    const acl = this.acl(id, kind, 'ipv4', line);
    this.entry(acl, words, 2, line);
  }

  /** `ip access-list standard|extended NAME` / `ipv6 access-list NAME`, entries indented below. */
  private namedAcl(s: Section, family: Family): void {
    const words = s.head.words;
    let kind: 'standard' | 'extended' = 'extended';
    let name: string | undefined;
    if (family === 'ipv6') {
      name = words[2];
      if (name !== undefined && name.toLowerCase() === 'log-update') return this.ignoreSection(s);
      this.config.ipv6 = true;
    } else {
      const k = words[2]?.toLowerCase();
      if (k === 'standard' || k === 'extended') {
        kind = k;
        name = words[3];
      } else {
        // `ip access-list logging …`, `resequence`, `log-update`, role-based lists: no packet filter.
        return this.ignoreSection(s);
      }
    }
    if (name === undefined) return this.unrecognised(s, 'an access list needs a name');
    const acl = this.acl(name, kind, family, s.head.line);
    this.ledger.recognise(s.head.line);
    for (const c of s.children) this.entry(acl, c.words, 0, c.line);
  }

  /** One entry, from `words[at]` on: `[SEQ] permit|deny …`, `remark …`, `evaluate NAME`, `dynamic …`. */
  private entry(acl: IosAcl, words: readonly string[], at: number, line: number): void {
    let i = at;
    if (lowerAt(words, i) === 'sequence' || /^\d{1,10}$/.test(words[i] ?? '')) i += lowerAt(words, i) === 'sequence' ? 2 : 1;
    const w = lowerAt(words, i);
    if (w === 'remark') {
      const text = words.slice(i + 1).join(' ');
      this.pendingRemark.set(acl, text);
      const s = parseSuppression(text, this.file, line);
      if (s) this.config.suppressions.push(s);
      return this.ledger.recognise(line);
    }
    if (w === 'evaluate') {
      // Reflexive entries let the return traffic of sessions the list reflected back in: nothing new.
      return this.ledger.recognise(line);
    }
    let dynamic = false;
    if (w === 'dynamic') {
      // Lock-and-key: the entry opens after a user authenticates. It may match.
      dynamic = true;
      i += 2;
      if (lowerAt(words, i) === 'timeout') i += 2;
    }
    const action = lowerAt(words, i);
    if (action !== 'permit' && action !== 'deny') {
      return this.ledger.report(line, 'warning', 'unrecognised-line', `expected permit, deny or remark in access list ${acl.name}`);
    }
    const dialect = this.dialect(acl.family);
    const entry: AclEntry = acl.kind === 'standard' ? readStandardEntry(words, i, line, dialect) : readExtendedEntry(words, i, line, dialect);
    if (dynamic) entry.inexact.push('dynamic');
    const remark = this.pendingRemark.get(acl);
    if (remark !== undefined) {
      entry.remark = remark;
      this.pendingRemark.delete(acl);
    }
    acl.entries.push(entry);
    applyProblems(this.ledger, line, entry.problems);
  }

  private readonly pendingRemark = new Map<IosAcl, string>();

  private objectGroup(s: Section): void {
    readObjectSection(s, this.dialect('ipv4'), this.ledger, this.config.objects);
  }

  /** `ip nat …`: static translations are read; dynamic ones, pools and settings open nothing. */
  private nat(s: Section): void {
    const words = s.head.words.map((w) => w.toLowerCase());
    for (const c of s.children) this.ledger.ignore(c.line);
    const line = s.head.line;
    if (words[2] === 'inside' && words[3] === 'source') {
      if (words[4] === 'static') return this.staticNat(s.head, 5);
      if (words[4] === 'list' || words[4] === 'route-map') return this.ledger.recognise(line); // dynamic / PAT
      return this.unrecognised(s, "expected 'ip nat inside source static|list|route-map …'");
    }
    if ((words[2] === 'inside' || words[2] === 'outside') && words[3] !== 'source') {
      return this.unrecognised(s, `expected 'ip nat ${words[2]} source …' (on an interface, '${words.join(' ')}' goes under the interface)`);
    }
    if (words[2] === 'outside' && words[3] === 'source') {
      // Rewrites the source of outside hosts as inside hosts see them: opens nothing by itself.
      return this.ledger.recognise(line);
    }
    if (words[2] === 'source') {
      return this.ledger.report(line, 'warning', 'unsupported-nat', "NAT virtual interface rules ('ip nat source …') are not modelled");
    }
    if (words[2] === 'pool') return this.ledger.recognise(line);
    // `ip nat translation …`, `ip nat log …`, `ip nat service …`, `ip nat settings …`: tuning.
    return this.ignoreSection(s);
  }

  /**
   * `ip nat inside source static [tcp|udp] LOCAL [LPORT] {GLOBAL [GPORT] | interface IF [GPORT]} [options]`
   * and `… static network LOCAL GLOBAL {MASK | /LEN}`.
   */
  private staticNat(head: ConfigLine, at: number): void {
    const w = head.words;
    const lower = (k: number): string | undefined => w[k]?.toLowerCase();
    const report = (message: string): void => this.ledger.report(head.line, 'warning', 'invalid-value', message);
    let i = at;
    const nat: Partial<IosStaticNat> & { line: number; text: string } = { line: head.line, text: head.words.join(' ') };
    if (lower(i) === 'network') {
      const local = ipv4Number(w[i + 1] ?? '');
      const global = ipv4Number(w[i + 2] ?? '');
      const maskWord = w[i + 3] ?? '';
      const len = maskWord.startsWith('/') ? Number(maskWord.slice(1)) : maskLength(ipv4Number(maskWord) ?? -1);
      if (local === undefined || global === undefined || len === undefined || !(len >= 0 && len <= 32)) {
        return report("expected 'ip nat inside source static network LOCAL GLOBAL MASK|/LEN'");
      }
      const size = 2 ** (32 - len);
      const l = Math.floor(local / size) * size;
      const g = Math.floor(global / size) * size;
      nat.local = ipv4Range(l, l + size - 1);
      nat.global = { kind: 'address', set: ipv4Range(g, g + size - 1) };
      i += 4;
    } else {
      const proto = lower(i);
      if (proto === 'tcp' || proto === 'udp') {
        nat.protocol = proto;
        i++;
      }
      const local = ipv4Number(w[i] ?? '');
      if (local === undefined) return report(`'${w[i] ?? ''}' is not an inside local address`);
      nat.local = ipv4Range(local, local);
      i++;
      if (nat.protocol) {
        const p = portWord(w[i]);
        if (p === undefined) return report(`'${w[i] ?? ''}' is not a port: a ${nat.protocol} translation needs the inside port`);
        nat.localPort = p;
        i++;
      }
      if (lower(i) === 'interface') {
        const name = w[i + 1];
        if (name === undefined) return report("'interface' needs an interface name");
        nat.global = { kind: 'interface', name };
        i += 2;
      } else {
        const global = ipv4Number(w[i] ?? '');
        if (global === undefined) return report(`'${w[i] ?? ''}' is not an inside global address`);
        nat.global = { kind: 'address', set: ipv4Range(global, global) };
        i++;
      }
      if (nat.protocol) {
        const p = portWord(w[i]);
        if (p === undefined) return report(`'${w[i] ?? ''}' is not a port: a ${nat.protocol} translation needs the outside port`);
        nat.globalPort = p;
        i++;
      }
    }
    while (i < w.length) {
      const opt = lower(i)!;
      if (opt === 'route-map') {
        nat.routeMap = w[i + 1] ?? '';
        i += 2;
      } else if (opt === 'vrf' || opt === 'redundancy' || opt === 'mapping-id') i += 2;
      else if (['extendable', 'no-alias', 'no-payload', 'match-in-vrf', 'reversible', 'add-route', 'portfwd'].includes(opt)) i++;
      else {
        this.ledger.report(head.line, 'warning', 'unsupported-option', `'${w[i]}' is not a static NAT option Portcullis knows`);
        i++;
      }
    }
    this.config.staticNats.push(nat as IosStaticNat);
    this.ledger.recognise(head.line);
  }

  /** `ip route [vrf V] PREFIX MASK {NEXTHOP | INTERFACE [NEXTHOP]} [distance] [options]`. */
  private route(s: Section): void {
    const w = s.head.words;
    for (const c of s.children) this.ledger.ignore(c.line);
    let i = 2;
    if (w[i]?.toLowerCase() === 'vrf') {
      // Routes of other VRFs do not decide where the global table sends traffic.
      return this.ignoreSection(s);
    }
    if (w[i]?.toLowerCase() === 'static' || w[i]?.toLowerCase() === 'profile') return this.ignoreSection(s);
    const prefix = ipv4Number(w[i] ?? '');
    const mask = ipv4Number(w[i + 1] ?? '');
    const len = mask === undefined ? undefined : maskLength(mask);
    if (prefix === undefined || len === undefined) {
      return this.ledger.report(s.head.line, 'warning', 'invalid-value', "expected 'ip route PREFIX MASK NEXTHOP|INTERFACE'");
    }
    i += 2;
    const size = 2 ** (32 - len);
    const start = Math.floor(prefix / size) * size;
    const route: IosConfig['routes'][number] = { prefix: ipv4Range(start, start + size - 1), length: len, line: s.head.line };
    const target = w[i];
    const hop = ipv4Number(target ?? '');
    if (hop !== undefined) route.nextHop = hop;
    else if (target !== undefined) {
      route.iface = target;
      const next = ipv4Number(w[i + 1] ?? '');
      if (next !== undefined) route.nextHop = next;
    } else return this.ledger.report(s.head.line, 'warning', 'invalid-value', 'a route needs a next hop or an interface');
    this.config.routes.push(route);
    this.ledger.recognise(s.head.line);
  }
}

/** The word at `k` in lower case (no closure per entry of a large ACL). */
function lowerAt(words: readonly string[], k: number): string | undefined {
  return words[k]?.toLowerCase();
}

function portWord(word: string | undefined): number | undefined {
  if (word === undefined || !/^\d{1,5}$/.test(word)) return undefined;
  const n = Number(word);
  return n <= 65535 ? n : undefined;
}

export function aclKey(name: string, family: Family): string {
  return family === 'ipv6' ? `ipv6:${name}` : name;
}

