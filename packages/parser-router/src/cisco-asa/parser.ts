import {
  parseSuppression,
  type InputFile,
  type LineLedger,
  type ParseResult,
} from '@portcullis/model';
import { readExtendedEntry, readStandardEntry, type AclDialect } from '../cisco-common/acl.js';
import { parseCisco } from '../cisco-common/pipeline.js';
import { restAfter, type ConfigLine, type Section } from '../cisco-common/lines.js';
import { maskLength } from '../cisco-common/model.js';
import { applyProblems, readObjectSection } from '../cisco-common/objects.js';
import type { CiscoObject } from '../cisco-common/syntax.js';
import { ipv4Number, ipv4Range, ipv6Set, portNumber, ciscoProtocol } from '../cisco-common/values.js';
import { convertAsa } from './convert.js';
import type { AsaAcl, AsaConfig, AsaInterface, AsaObjectNat, AsaTwiceNat, NatAddress } from './syntax.js';

/*
 * Reads a Cisco ASA configuration (`show running-config`, 8.3 and later) into the vendor
 * representation, accounting for every line, then converts it. Interfaces, names, objects, access
 * lists and groups, NAT, routes and management access are read; VPN, AAA, logging, inspection
 * policies, failover and the other sections of a firewall's configuration are deliberately ignored
 * section by section; a top-level command nobody knows is reported with its line.
 */

const IGNORED_SECTIONS = new Set([
  'aaa', 'aaa-server', 'access-list-alert', 'anyconnect', 'arp', 'asdm', 'asp', 'auth-prompt', 'banner', 'boot',
  'ca', 'call-home', 'class-map', 'clear', 'clock', 'cluster', 'command-alias', 'compression', 'config-register',
  'console', 'coredump', 'crashinfo', 'crypto', 'ddns', 'dhcp-client', 'dhcpd', 'dhcprelay', 'dns',
  'dns-guard', 'domain-name', 'dynamic-access-policy-record', 'dynamic-filter', 'enable', 'established',
  'eventmanager', 'failover', 'fips', 'firewall', 'flow-export', 'fragment', 'ftp', 'group-policy', 'hpm', 'icmp',
  'igmp', 'imap4s', 'ip', 'ipsec', 'ipv6', 'isakmp', 'jumbo-frame', 'ldap', 'license', 'logging', 'mac-address',
  'management-access', 'memory', 'mode', 'monitor-interface', 'mtu', 'multicast-routing', 'names', 'no', 'ntp',
  'nve', 'pager', 'passwd', 'password', 'pim', 'policy-list', 'policy-map', 'pop3s', 'prefix-list',
  'priority-queue', 'privilege', 'prompt', 'quota', 'regex', 'route-map', 'router', 'scansafe', 'service',
  'service-policy', 'sla', 'smtps', 'snmp-map', 'snmp-server', 'ssl', 'sysopt', 'terminal', 'tftp-server',
  'threat-detection', 'time-range', 'timeout', 'tls-proxy', 'track', 'tunnel-group', 'tunnel-group-map',
  'user-identity', 'username', 'vpdn', 'vpn', 'vpn-addr-assign', 'vpn-sessiondb', 'vpnclient', 'wccp', 'webvpn',
  'xlate', 'zonelabs-integrity', 'end', 'cts', 'dp-client', 'ssh-keygen', 'object-group-search', 'email',
]);

export function parseAsa(file: InputFile): ParseResult {
  return parseCisco(file, { delimitedBanners: false, commentMarkers: '!:' }, (ledger) => new AsaReader(file.path, ledger), convertAsa);
}

class AsaReader {
  readonly config: AsaConfig = {
    interfaces: [],
    names: new Map(),
    objects: new Map(),
    acls: new Map(),
    accessGroups: [],
    objectNats: [],
    twiceNats: [],
    routes: [],
    management: [],
    sameSecurityInter: false,
    sameSecurityIntra: false,
    ipv6: false,
    suppressions: [],
  };
  private readonly pendingRemark = new Map<AsaAcl, string>();

  constructor(
    private readonly file: string,
    private readonly ledger: LineLedger,
  ) {}

  readonly dialect: AclDialect = {
    vendor: 'asa',
    family: 'ipv4',
    alias: (name) => this.config.names.get(name),
    objectKind: (name) => this.config.objects.get(name)?.kind,
    isPortGroup: (name) => this.config.objects.get(name)?.portGroup === true,
  };

  read(sections: Section[]): void {
    // Names and objects first: access lists and NAT may refer to ones defined further down.
    const early = (s: Section): boolean => ['name', 'object', 'object-group'].includes(s.head.words[0]!.toLowerCase());
    for (const s of sections) if (early(s)) this.guarded(s);
    for (const s of sections) if (!early(s)) this.guarded(s);
  }

  private guarded(s: Section): void {
    try {
      this.section(s);
    } catch (error) {
      this.ledger.report(s.head.line, 'error', 'internal-error', `the parser failed on this section: ${String(error)}`);
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

  /** A one-line command: the line is recognised (or reported) and stray indented lines below it ignored. */
  private single(s: Section, ok: boolean, message = ''): void {
    for (const c of s.children) this.ledger.ignore(c.line);
    if (ok) this.ledger.recognise(s.head.line);
    else this.ledger.report(s.head.line, 'warning', 'invalid-value', message);
  }

  private section(s: Section): void {
    const words = s.head.words;
    const first = words[0]!.toLowerCase();
    switch (first) {
      case 'asa':
      case 'pix':
      case 'fwsm':
        return this.version(s);
      case 'hostname':
        if (words[1] !== undefined) this.config.hostname = words[1];
        return this.single(s, words[1] !== undefined, "'hostname' needs a name");
      case 'name':
        return this.name(s);
      case 'interface':
        return this.interface(s);
      case 'object':
      case 'object-group':
        readObjectSection(s, this.dialect, this.ledger, this.config.objects, (child, object) => this.objectNat(child, object));
        return;
      case 'access-list':
        return this.accessList(s);
      case 'access-group':
        return this.accessGroup(s);
      case 'nat':
        return this.nat(s);
      case 'static':
        for (const c of s.children) this.ledger.ignore(c.line);
        return this.ledger.report(s.head.line, 'warning', 'unsupported-nat', "pre-8.3 'static' NAT is not read; ASA 8.3 and later write it as object NAT");
      case 'global':
        return this.single(s, true); // pre-8.3 dynamic NAT pool: opens nothing
      case 'route':
        return this.route(s);
      case 'same-security-traffic': {
        const kind = words[2]?.toLowerCase();
        if (kind === 'inter-interface') this.config.sameSecurityInter = true;
        if (kind === 'intra-interface') this.config.sameSecurityIntra = true;
        return this.single(s, words[1]?.toLowerCase() === 'permit' && (kind === 'inter-interface' || kind === 'intra-interface'), "expected 'same-security-traffic permit inter-interface|intra-interface'");
      }
      case 'ssh':
      case 'telnet':
        return this.management(s, first);
      case 'http':
        if (words[1]?.toLowerCase() === 'server' && words[2]?.toLowerCase() === 'enable') {
          const port = words[3] === undefined ? 443 : Number(words[3]);
          this.config.httpServer = { port: Number.isInteger(port) && port > 0 && port <= 65535 ? port : 443, line: s.head.line };
          return this.single(s, true);
        }
        return this.management(s, 'http');
      default:
        if (first.startsWith('cryptochecksum')) return this.ignoreSection(s);
        if (IGNORED_SECTIONS.has(first)) return this.ignoreSection(s);
        return this.unrecognised(s, `'${words[0]}' is not an ASA command Portcullis knows`);
    }
  }

  private version(s: Section): void {
    const words = s.head.words;
    const m = /^(\d+)\.(\d+)/.exec(words[2] ?? '');
    if (words[1]?.toLowerCase() !== 'version' || !m) return this.unrecognised(s, `'${words[0]}' is not an ASA command Portcullis knows`);
    this.config.version = [Number(m[1]), Number(m[2])];
    this.single(s, true);
    const [major, minor] = this.config.version;
    if (major < 8 || (major === 8 && minor < 3)) {
      this.ledger.note(s.head.line, 'warning', 'unsupported-version', `ASA ${words[2]} predates 8.3: access lists are read as 8.3 reads them (real, untranslated addresses)`);
    }
  }

  /** `name ADDRESS NAME [description …]`. */
  private name(s: Section): void {
    const address = ipv4Number(s.head.words[1] ?? '');
    const alias = s.head.words[2];
    if (address === undefined || alias === undefined) return this.single(s, false, "expected 'name ADDRESS NAME'");
    this.config.names.set(alias, address);
    this.single(s, true);
  }

  private interface(s: Section): void {
    const id = s.head.words[1];
    if (id === undefined) return this.unrecognised(s, "'interface' needs a name");
    const iface: AsaInterface = { id, line: s.head.line, addresses: [], dynamicAddress: false, shutdown: false, ipv6: false };
    this.config.interfaces.push(iface);
    this.ledger.recognise(s.head.line);
    for (const c of s.children) this.interfaceLine(iface, c);
  }

  private interfaceLine(iface: AsaInterface, c: ConfigLine): void {
    const w = c.words.map((x) => x.toLowerCase());
    const bad = (message: string): void => this.ledger.report(c.line, 'warning', 'invalid-value', message);
    if (w[0] === 'nameif') {
      if (c.words[1] === undefined) return bad("'nameif' needs a name");
      iface.nameif = c.words[1];
      // ASA gives `inside` level 100 and every other name 0 unless security-level says otherwise.
      if (iface.level === undefined) iface.level = c.words[1].toLowerCase() === 'inside' ? 100 : 0;
      return this.ledger.recognise(c.line);
    }
    if (w[0] === 'security-level') {
      const n = Number(c.words[1]);
      if (!/^\d{1,3}$/.test(c.words[1] ?? '') || n > 100) return bad("expected 'security-level 0-100'");
      iface.level = n;
      iface.levelLine = c.line;
      return this.ledger.recognise(c.line);
    }
    if (w[0] === 'shutdown') {
      iface.shutdown = true;
      return this.ledger.recognise(c.line);
    }
    if (w[0] === 'no' && (w[1] === 'shutdown' || w[1] === 'nameif' || w[1] === 'security-level' || w[1] === 'ip')) {
      if (w[1] === 'shutdown') iface.shutdown = false;
      return this.ledger.recognise(c.line);
    }
    if (w[0] === 'ipv6' && w[1] === 'address') {
      iface.ipv6 = true;
      return this.ledger.ignore(c.line);
    }
    if (w[0] === 'ip' && w[1] === 'address') {
      if (w[2] === 'dhcp' || w[2] === 'pppoe') {
        iface.dynamicAddress = true;
        if (w.includes('setroute')) iface.setroute = c.line;
        return this.ledger.recognise(c.line);
      }
      const a = ipv4Number(c.words[2] ?? '');
      const m = ipv4Number(c.words[3] ?? '');
      const len = m === undefined ? undefined : maskLength(m);
      if (a === undefined || len === undefined) return bad("expected 'ip address ADDRESS NETMASK [standby ADDRESS]'");
      const size = 2 ** (32 - len);
      const start = Math.floor(a / size) * size;
      iface.addresses.push({ address: ipv4Range(a, a), network: ipv4Range(start, start + size - 1), length: len, line: c.line });
      return this.ledger.recognise(c.line);
    }
    // Speed, duplex, VLAN, description, management-only…: nothing that opens a port.
    return this.ledger.ignore(c.line);
  }

  /**
   * `access-list NAME [line N] extended|standard permit|deny …`, `access-list NAME remark …`,
   * and the type-less form older configurations use.
   */
  private accessList(s: Section): void {
    for (const c of s.children) this.ledger.ignore(c.line);
    const w = s.head.words;
    const line = s.head.line;
    const name = w[1];
    if (name === undefined) return this.unrecognised(s, "'access-list' needs a name");
    let i = 2;
    let position: number | undefined;
    if (w[i]?.toLowerCase() === 'line' && /^\d+$/.test(w[i + 1] ?? '')) {
      position = Number(w[i + 1]);
      i += 2;
    }
    let type = w[i]?.toLowerCase();
    if (type === 'webtype' || type === 'ethertype') return this.ignoreSection(s); // clientless VPN, layer 2
    if (name.toLowerCase() === 'alert-interval' || name.toLowerCase() === 'deny-flow-max') return this.ignoreSection(s);
    if (type === 'remark') {
      const text = restAfter(s.head, i + 1);
      const acl = this.acl(name, 'extended', line);
      this.pendingRemark.set(acl, text);
      const sup = parseSuppression(text, this.file, line);
      if (sup) this.config.suppressions.push(sup);
      return this.ledger.recognise(line);
    }
    let kind: 'extended' | 'standard' = 'extended';
    if (type === 'extended' || type === 'standard') {
      kind = type;
      i++;
      type = w[i]?.toLowerCase();
    }
    if (type !== 'permit' && type !== 'deny') return this.unrecognised(s, `expected permit, deny or remark in access list ${name}`);
    const acl = this.acl(name, kind, line);
    const entry = kind === 'standard' ? readStandardEntry(w, i, line, this.dialect) : readExtendedEntry(w, i, line, this.dialect);
    if (entry.source.kind === 'set' || entry.destination.kind === 'set') {
      if ([entry.source, entry.destination].some((t) => t.kind === 'set' && t.set.family() === 'ipv6')) this.config.ipv6 = true;
    }
    const remark = this.pendingRemark.get(acl);
    if (remark !== undefined) {
      entry.remark = remark;
      this.pendingRemark.delete(acl);
    }
    if (position !== undefined && position >= 1 && position <= acl.entries.length) acl.entries.splice(position - 1, 0, entry);
    else acl.entries.push(entry);
    applyProblems(this.ledger, line, entry.problems);
  }

  private acl(name: string, kind: 'extended' | 'standard', line: number): AsaAcl {
    let acl = this.config.acls.get(name);
    if (!acl) {
      acl = { name, kind, line, entries: [] };
      this.config.acls.set(name, acl);
    }
    return acl;
  }

  /** `access-group NAME in|out interface IF [control-plane]`, `access-group NAME global`. */
  private accessGroup(s: Section): void {
    const w = s.head.words;
    const acl = w[1];
    const dir = w[2]?.toLowerCase();
    if (acl !== undefined && dir === 'global') {
      this.config.accessGroups.push({ acl, direction: 'global', line: s.head.line });
      return this.single(s, true);
    }
    if (acl === undefined || (dir !== 'in' && dir !== 'out') || w[3]?.toLowerCase() !== 'interface' || w[4] === undefined) {
      return this.single(s, false, "expected 'access-group ACL in|out interface IF' or 'access-group ACL global'");
    }
    if (w[5]?.toLowerCase() === 'control-plane') {
      // Traffic to the ASA itself: management access is read from ssh/telnet/http instead.
      return this.ignoreSection(s);
    }
    this.config.accessGroups.push({ acl, direction: dir, iface: w[4], line: s.head.line });
    this.single(s, true);
  }

  /** `route IF PREFIX MASK GATEWAY [metric] [track N] [tunneled]`. */
  private route(s: Section): void {
    const w = s.head.words;
    const iface = w[1];
    const prefix = ipv4Number(w[2] ?? '');
    const mask = ipv4Number(w[3] ?? '');
    const len = mask === undefined ? undefined : maskLength(mask);
    if (iface === undefined || prefix === undefined || len === undefined) {
      return this.single(s, false, "expected 'route INTERFACE PREFIX NETMASK GATEWAY'");
    }
    const size = 2 ** (32 - len);
    const start = Math.floor(prefix / size) * size;
    this.config.routes.push({ iface, prefix: ipv4Range(start, start + size - 1), length: len, line: s.head.line });
    this.single(s, true);
  }

  /** `ssh|telnet|http ADDRESS MASK IF` (or `ADDRESS/LEN IF` for IPv6); the other forms are settings. */
  private management(s: Section, service: 'ssh' | 'telnet' | 'http'): void {
    const w = s.head.words;
    const a = ipv4Number(w[1] ?? '');
    if (a === undefined) {
      const v6 = ipv6Set(w[1] ?? '');
      if (v6 && w[2] !== undefined) {
        this.config.ipv6 = true;
        this.config.management.push({ service, sources: v6, iface: w[2], line: s.head.line, text: w.join(' ') });
        return this.single(s, true);
      }
      // `ssh version 2`, `ssh timeout 5`, `telnet timeout 5`, `http redirect outside 80`…
      return this.ignoreSection(s);
    }
    const m = ipv4Number(w[2] ?? '');
    const len = m === undefined ? undefined : maskLength(m);
    if (len === undefined || w[3] === undefined) return this.single(s, false, `expected '${service} ADDRESS NETMASK INTERFACE'`);
    const size = 2 ** (32 - len);
    const start = Math.floor(a / size) * size;
    this.config.management.push({ service, sources: ipv4Range(start, start + size - 1), iface: w[3], line: s.head.line, text: w.join(' ') });
    this.single(s, true);
  }

  /** ` nat (real,mapped) static|dynamic MAPPED [options]` inside `object network NAME`. */
  private objectNat(child: ConfigLine, object: CiscoObject): boolean {
    if (child.words[0]!.toLowerCase() !== 'nat' || object.kind !== 'network') return false;
    const w = child.words;
    const bad = (message: string): boolean => {
      this.ledger.report(child.line, 'warning', 'invalid-value', message);
      return true;
    };
    let i = 1;
    const ifs = natInterfaces(w[i]);
    if (ifs) i++;
    const type = w[i]?.toLowerCase();
    if (type !== 'static' && type !== 'dynamic') return bad("expected 'nat (REAL,MAPPED) static|dynamic …'");
    i++;
    const nat: AsaObjectNat = {
      object: object.name, line: child.line, text: `object network ${object.name}: ${w.join(' ')}`,
      realIf: ifs?.[0] ?? 'any', mappedIf: ifs?.[1] ?? 'any', type,
    };
    if (type === 'dynamic') {
      this.config.objectNats.push(nat);
      this.ledger.recognise(child.line);
      return true;
    }
    const mapped = w[i];
    if (mapped === undefined) return bad("'nat … static' needs a mapped address, object or 'interface'");
    nat.mapped = this.natAddress(mapped);
    i++;
    if (w[i]?.toLowerCase() === 'ipv6') i++;
    while (i < w.length) {
      const opt = w[i]!.toLowerCase();
      if (opt === 'service') {
        const proto = w[i + 1]?.toLowerCase();
        const protocols = proto === undefined ? undefined : ciscoProtocol(proto);
        const real = w[i + 2] === undefined ? undefined : portNumber(w[i + 2]!, protocols);
        const mappedPort = w[i + 3] === undefined ? undefined : portNumber(w[i + 3]!, protocols);
        if ((proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') || real === undefined || mappedPort === undefined) {
          return bad("expected 'service tcp|udp|sctp REAL-PORT MAPPED-PORT'");
        }
        nat.service = { protocol: proto, realPort: real, mappedPort };
        i += 4;
      } else if (['dns', 'net-to-net', 'no-proxy-arp', 'route-lookup'].includes(opt)) i++;
      else {
        this.ledger.report(child.line, 'warning', 'unsupported-option', `'${w[i]}' is not an object NAT option Portcullis knows`);
        this.config.objectNats.push(nat);
        return true;
      }
    }
    this.config.objectNats.push(nat);
    this.ledger.recognise(child.line);
    return true;
  }

  private natAddress(word: string): NatAddress {
    const w = word.toLowerCase();
    if (w === 'any') return { kind: 'any' };
    if (w === 'interface') return { kind: 'interface' };
    const n = ipv4Number(word);
    if (n !== undefined) return { kind: 'literal', set: ipv4Range(n, n), text: word };
    const v6 = ipv6Set(word);
    if (v6) return { kind: 'literal', set: v6, text: word };
    const alias = this.config.names.get(word);
    if (alias !== undefined) return { kind: 'literal', set: ipv4Range(alias, alias), text: word };
    return { kind: 'object', name: word };
  }

  /** Twice NAT: `nat [(real,mapped)] [after-auto] [LINE] source static|dynamic REAL MAPPED …`. */
  private nat(s: Section): void {
    for (const c of s.children) this.ledger.ignore(c.line);
    const w = s.head.words;
    const line = s.head.line;
    let i = 1;
    const ifs = natInterfaces(w[i]);
    if (ifs) i++;
    let section: 1 | 3 = 1;
    if (w[i]?.toLowerCase() === 'after-auto') {
      section = 3;
      i++;
    }
    if (/^\d+$/.test(w[i] ?? '')) i++;
    if (w[i]?.toLowerCase() !== 'source') {
      // Pre-8.3 `nat (inside) 1 0.0.0.0 0.0.0.0` (dynamic) and `nat (inside) 0 access-list X` (exemption).
      if (ifs === undefined && /^\((\w|[.-])+\)$/.test(w[1] ?? '')) return this.ledger.recognise(line);
      return this.ledger.report(line, 'warning', 'invalid-value', "expected 'nat (REAL,MAPPED) source static|dynamic …'");
    }
    i++;
    const type = w[i]?.toLowerCase();
    if (type !== 'static' && type !== 'dynamic') return this.ledger.report(line, 'warning', 'invalid-value', "expected 'source static' or 'source dynamic'");
    i++;
    const real = w[i];
    if (real === undefined) return this.ledger.report(line, 'warning', 'invalid-value', 'the real source is missing');
    const nat: AsaTwiceNat = {
      line, text: w.join(' '), realIf: ifs?.[0] ?? 'any', mappedIf: ifs?.[1] ?? 'any', section,
      sourceType: type, sourceReal: this.natAddress(real), unidirectional: false, inactive: false,
    };
    i++;
    const problems: string[] = [];
    const mappedWord = w[i]?.toLowerCase();
    if (mappedWord !== undefined && (mappedWord === 'interface' || !TWICE_KEYWORDS.has(mappedWord))) {
      nat.sourceMapped = this.natAddress(w[i]!);
      i++;
    }
    while (i < w.length) {
      const k = w[i]!.toLowerCase();
      if (k === 'destination') {
        const dtype = w[i + 1]?.toLowerCase();
        const mapped = w[i + 2];
        const realDst = w[i + 3];
        if (dtype !== 'static' || mapped === undefined || realDst === undefined) {
          problems.push("expected 'destination static MAPPED REAL'");
          break;
        }
        nat.destination = { mapped: this.natAddress(mapped), real: this.natAddress(realDst) };
        i += 4;
      } else if (k === 'service') {
        const a = w[i + 1];
        const b = w[i + 2];
        if (a === undefined || b === undefined) {
          problems.push("expected 'service REAL-SERVICE MAPPED-SERVICE'");
          break;
        }
        nat.service = [a, b];
        i += 3;
      } else if (k === 'description') break;
      else if (k === 'pat-pool') i += 2;
      else if (k === 'unidirectional') {
        nat.unidirectional = true;
        i++;
      } else if (k === 'inactive') {
        nat.inactive = true;
        i++;
      } else if (TWICE_KEYWORDS.has(k)) i++;
      else {
        problems.push(`'${w[i]}' is not a twice NAT option Portcullis knows`);
        break;
      }
    }
    this.config.twiceNats.push(nat);
    if (problems.length > 0) this.ledger.report(line, 'warning', 'unsupported-option', problems.join('; '));
    else this.ledger.recognise(line);
  }
}

/** Twice NAT keywords that take no value (and `interface` as the PAT fallback after a mapped source). */
const TWICE_KEYWORDS = new Set([
  'destination', 'service', 'dns', 'unidirectional', 'no-proxy-arp', 'route-lookup', 'inactive', 'net-to-net',
  'description', 'interface', 'extended', 'flat', 'include-reserve', 'round-robin', 'block-allocation', 'ipv6', 'pat-pool',
]);

/** `(inside,outside)` → ['inside', 'outside']. */
function natInterfaces(word: string | undefined): [string, string] | undefined {
  if (word === undefined || word[0] !== '(' || word[word.length - 1] !== ')') return undefined;
  const parts = word.slice(1, -1).split(',');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return [parts[0]!, parts[1]!];
}

