import { AddressSet, parseSuppression, type Family, type LineLedger } from '@portcullis/model';
import { logicalLines, position, words, type LogicalLine, type Word } from './lines.js';
import type { AddressListEntry, FirewallEntry, Inexact, Negatable, RouterOsConfig, Table } from './syntax.js';
import { isDnsName, parseRosAddress, parseRosPorts, parseRosProtocol, splitNot } from './values.js';

/*
 * Reads a RouterOS export into the vendor representation. The menus that decide what gets in are
 * read command by command (`/ip firewall filter|nat|raw|address-list`, the same under `/ipv6`,
 * `/interface list` and its members); a few others tell which side is the outside or whether IPv6
 * is on. Every other menu — RouterOS has hundreds — is deliberately ignored as a whole. Every
 * physical line of a command shares the command's state.
 */

const VERBS = new Set([
  'add', 'set', 'remove', 'print', 'export', 'enable', 'disable', 'move', 'unset', 'edit', 'comment', 'find', 'reset',
  'reset-counters', 'reset-counters-all', 'get', 'monitor', 'import',
]);

type Menu =
  | { kind: 'firewall'; table: Table; family: Family }
  | { kind: 'address-list'; family: Family }
  | { kind: 'interface-list' }
  | { kind: 'interface-list-member' }
  | { kind: 'identity' }
  | { kind: 'ipv6-settings' }
  | { kind: 'ipv6-configured' }
  | { kind: 'own-address'; family: Family }
  | { kind: 'upnp' }
  | { kind: 'detect-internet' }
  | { kind: 'uplink'; key: 'interface' | 'name' }
  | { kind: 'ignored' };

function menuOf(path: string[]): Menu {
  const p = path.join(' ');
  const fw = /^(ip|ipv6) firewall (filter|nat|raw|address-list)$/.exec(p);
  if (fw) {
    const family: Family = fw[1] === 'ipv6' ? 'ipv6' : 'ipv4';
    if (fw[2] === 'address-list') return { kind: 'address-list', family };
    return { kind: 'firewall', table: fw[2] as Table, family };
  }
  switch (p) {
    case 'interface list':
      return { kind: 'interface-list' };
    case 'interface list member':
      return { kind: 'interface-list-member' };
    case 'system identity':
      return { kind: 'identity' };
    case 'ipv6 settings':
      return { kind: 'ipv6-settings' };
    case 'ip address':
      return { kind: 'own-address', family: 'ipv4' };
    case 'ipv6 address':
      return { kind: 'own-address', family: 'ipv6' };
    case 'ipv6 dhcp-client':
      return { kind: 'ipv6-configured' };
    case 'ip upnp':
      return { kind: 'upnp' };
    case 'interface detect-internet':
      return { kind: 'detect-internet' };
    case 'ip dhcp-client':
      return { kind: 'uplink', key: 'interface' };
    case 'interface pppoe-client':
      return { kind: 'uplink', key: 'name' };
    default:
      return { kind: 'ignored' };
  }
}

/** Arguments that are no match condition: what the action does, bookkeeping. */
const ACTION_KEYS = new Set([
  'action', 'chain', 'comment', 'disabled', 'log', 'log-prefix', 'place-before', 'jump-target', 'reject-with', 'address-list',
  'address-list-timeout', 'to-addresses', 'to-ports', 'passthrough', 'hw-offload', 'copy-from', 'new-connection-mark',
  'new-packet-mark', 'new-routing-mark', 'sniff-id', 'sniff-target', 'sniff-target-port', 'dynamic', 'invalid',
  'randomise-ports',
]);

/** Conditions the model does not capture: the entry may match. */
const INEXACT_KEYS = new Set([
  'src-address-type', 'dst-address-type', 'in-bridge-port', 'in-bridge-port-list', 'out-bridge-port', 'out-bridge-port-list',
  'layer7-protocol', 'content', 'tcp-flags', 'tcp-mss', 'limit', 'dst-limit', 'connection-limit', 'connection-rate',
  'connection-bytes', 'connection-mark', 'packet-mark', 'routing-mark', 'routing-table', 'connection-type', 'ttl',
  'hop-limit', 'hotspot', 'nth', 'random', 'time', 'psd', 'icmp-options', 'priority', 'dscp', 'packet-size', 'fragment',
  'per-connection-classifier', 'ingress-priority', 'ipv4-options', 'headers', 'src-mac-address', 'p2p', 'src-prefix',
  'dst-prefix', 'ipsec-policy', 'tls-host', 'protocol-options', 'in-interface-group',
]);

export function readRouterOs(lines: readonly string[], file: string, ledger: LineLedger): RouterOsConfig {
  const config: RouterOsConfig = {
    ipv6Disabled: false,
    ipv6Configured: false,
    entries: [],
    addressLists: [],
    interfaceLists: new Map(),
    members: [],
    uplinks: [],
    ownAddresses: AddressSet.empty(),
    menuLines: new Map(),
    suppressions: [],
  };
  const { logical, comments, blank } = logicalLines(lines);
  for (const l of blank) ledger.ignore(l);
  for (const c of comments) {
    ledger.ignore(c.line);
    if (/by RouterOS/i.test(c.text) && config.headerLine === undefined) config.headerLine = c.line;
    const s = parseSuppression(c.text, file, c.line);
    if (s) config.suppressions.push(s);
  }
  const reader = new CommandReader(config, file, ledger);
  for (const l of logical) {
    try {
      reader.line(l);
    } catch (error) {
      ledger.report(l.line, 'error', 'internal-error', `the parser failed on this command: ${String(error)}`);
    }
  }
  return config;
}

class CommandReader {
  private menu: Menu | undefined;
  private path: string[] = [];

  constructor(
    private readonly config: RouterOsConfig,
    private readonly file: string,
    private readonly ledger: LineLedger,
  ) {}

  private mark(l: LogicalLine, state: 'recognise' | 'ignore'): void {
    for (let line = l.line; line <= l.endLine; line++) this.ledger[state](line);
  }

  private report(l: LogicalLine, offset: number, code: string, message: string): void {
    const at = position(l, offset);
    this.mark(l, 'ignore');
    this.ledger.report(at.line, 'warning', code, message, at.column);
  }

  line(l: LogicalLine): void {
    const text = l.text;
    let rest = 0;
    if (text.startsWith('/')) {
      const head = this.readPath(text);
      if (!head) return this.report(l, 0, 'unrecognised-line', "expected a menu path such as '/ip firewall filter'");
      this.path = head.path;
      this.menu = menuOf(head.path);
      if (this.menu.kind === 'firewall' || this.menu.kind === 'address-list') {
        const key = `${this.path.join(' ')}`;
        if (!this.config.menuLines.has(key)) this.config.menuLines.set(key, l.line);
      }
      rest = head.end;
      if (text.slice(rest).trim() === '') {
        return this.mark(l, this.menu.kind === 'ignored' ? 'ignore' : 'recognise');
      }
    } else if (text.startsWith(':')) {
      return this.report(l, 0, 'unrecognised-line', 'a script command outside a menu: Portcullis reads exports, not scripts');
    }
    if (!this.menu) return this.report(l, 0, 'unrecognised-line', "a command before any menu path (expected a line such as '/ip firewall filter')");
    if (this.menu.kind === 'ignored') return this.mark(l, 'ignore');
    const parsed = words(text, rest);
    const verbWord = parsed.words[0];
    if (!verbWord || verbWord.key !== undefined || !VERBS.has(verbWord.text)) {
      return this.report(l, verbWord?.offset ?? rest, 'unrecognised-line', `expected a command (add, set, …) in /${this.path.join(' ')}`);
    }
    if (parsed.error) return this.report(l, parsed.error.offset, 'invalid-value', `${parsed.error.message}: the command is not read`);
    this.command(l, verbWord.text, parsed.words.slice(1));
  }

  /** The menu path at the start of a line: `/ip firewall filter` or `/ip/firewall/filter`. */
  private readPath(text: string): { path: string[]; end: number } | undefined {
    const path: string[] = [];
    let i = 1;
    const n = text.length;
    let end = 1;
    while (i < n) {
      while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '/')) i++;
      const start = i;
      while (i < n && /[A-Za-z0-9_-]/.test(text[i]!)) i++;
      const word = text.slice(start, i);
      const next = text[i];
      if (word === '' || (next !== undefined && next !== ' ' && next !== '\t' && next !== '/')) break;
      if (VERBS.has(word) && path.length > 0) {
        end = start;
        break;
      }
      path.push(word);
      end = i;
    }
    return path.length > 0 ? { path, end } : undefined;
  }

  private command(l: LogicalLine, verb: string, args: Word[]): void {
    const menu = this.menu!;
    const values = new Map<string, Word>();
    for (const w of args) if (w.key !== undefined) values.set(w.key, w);
    const value = (k: string): string | undefined => values.get(k)?.value;
    switch (menu.kind) {
      case 'firewall':
        if (verb !== 'add') return this.unsupported(l, verb);
        return this.firewall(l, menu.table, menu.family, args);
      case 'address-list':
        if (verb !== 'add') return this.unsupported(l, verb);
        return this.addressList(l, menu.family, values);
      case 'interface-list': {
        if (verb !== 'add') return this.mark(l, 'ignore'); // `set [ find name=all ] …`: the built-in lists
        const name = value('name');
        if (name === undefined) return this.report(l, 0, 'invalid-value', "an interface list needs 'name='");
        const list = { name, include: splitNames(value('include')), exclude: splitNames(value('exclude')), line: l.line };
        this.config.interfaceLists.set(name, list);
        return this.mark(l, 'recognise');
      }
      case 'interface-list-member': {
        if (verb !== 'add') return this.unsupported(l, verb);
        const iface = value('interface');
        const list = value('list');
        if (iface === undefined || list === undefined) return this.report(l, 0, 'invalid-value', "a list member needs 'interface=' and 'list='");
        this.config.members.push({ list, iface, disabled: value('disabled') === 'yes', line: l.line });
        return this.mark(l, 'recognise');
      }
      case 'identity': {
        const name = value('name');
        if (verb === 'set' && name !== undefined) {
          this.config.identity = { name, line: l.line };
          return this.mark(l, 'recognise');
        }
        return this.mark(l, 'ignore');
      }
      case 'ipv6-settings':
        if (value('disable-ipv6') === 'yes') {
          this.config.ipv6Disabled = true;
          return this.mark(l, 'recognise');
        }
        return this.mark(l, 'ignore');
      case 'ipv6-configured':
        if (verb === 'add' && value('disabled') !== 'yes') this.config.ipv6Configured = true;
        return this.mark(l, 'recognise');
      case 'own-address': {
        if (verb !== 'add' || value('disabled') === 'yes') return this.mark(l, 'ignore');
        const text = value('address') ?? '';
        const host = parseRosAddress(text.replace(/\/\d+$/, ''), menu.family);
        if (!host) return this.report(l, values.get('address')?.offset ?? 0, 'invalid-value', `'${text}' is not an ${menu.family === 'ipv6' ? 'IPv6' : 'IPv4'} interface address`);
        this.config.ownAddresses = this.config.ownAddresses.union(host);
        if (menu.family === 'ipv6') this.config.ipv6Configured = true;
        return this.mark(l, 'recognise');
      }
      case 'upnp':
        if (verb === 'set' && value('enabled') === 'yes') {
          this.config.upnp = l.line;
          return this.mark(l, 'recognise');
        }
        return this.mark(l, 'ignore');
      case 'detect-internet': {
        const list = value('wan-interface-list');
        if (verb === 'set' && list !== undefined && list !== 'none') {
          this.config.detectedWan = list;
          return this.mark(l, 'recognise');
        }
        return this.mark(l, 'ignore');
      }
      case 'uplink': {
        const iface = value(menu.key);
        if (verb === 'add' && iface !== undefined && value('disabled') !== 'yes') {
          this.config.uplinks.push({ iface, line: l.line });
          return this.mark(l, 'recognise');
        }
        return this.mark(l, 'ignore');
      }
      case 'ignored':
        return this.mark(l, 'ignore');
    }
  }

  private unsupported(l: LogicalLine, verb: string): void {
    this.report(l, 0, 'unsupported-command', `'${verb}' in /${this.path.join(' ')} is not read (an export adds entries with 'add')`);
  }

  private addressList(l: LogicalLine, family: Family, values: Map<string, Word>): void {
    const list = values.get('list')?.value;
    const address = values.get('address')?.value;
    if (list === undefined || address === undefined) return this.report(l, 0, 'invalid-value', "an address-list entry needs 'list=' and 'address='");
    const entry: AddressListEntry = {
      family,
      list,
      disabled: values.get('disabled')?.value === 'yes',
      temporary: values.has('timeout') || values.get('dynamic')?.value === 'yes',
      line: l.line,
    };
    const set = parseRosAddress(address);
    if (set) entry.set = set;
    else if (isDnsName(address)) entry.dnsName = address;
    else return this.report(l, values.get('address')!.offset, 'invalid-value', `'${address}' is not an address, a range, a block or a DNS name`);
    this.config.addressLists.push(entry);
    this.mark(l, 'recognise');
  }

  private firewall(l: LogicalLine, table: Table, family: Family, args: Word[]): void {
    const get = (k: string): Word | undefined => {
      let found: Word | undefined;
      for (const w of args) if (w.key === k) found = w;
      return found;
    };
    const chain = get('chain')?.value;
    if (chain === undefined || chain === '') return this.report(l, 0, 'invalid-value', "a firewall entry needs 'chain='");
    const action = get('action')?.value ?? 'accept';
    const textParts = args.filter((w) => w.key !== 'comment' && w.key !== 'disabled' && w.key !== 'place-before').map((w) => w.text);
    const entry: FirewallEntry = {
      table,
      family,
      chain,
      action,
      line: l.line,
      endLine: l.endLine,
      text: `add ${textParts.join(' ')}`,
      disabled: get('disabled')?.value === 'yes',
      inexact: [],
      invalid: false,
    };
    const comment = get('comment')?.value;
    if (comment !== undefined) {
      entry.comment = comment;
      const s = parseSuppression(comment, this.file, l.line);
      if (s) this.config.suppressions.push(s);
    }
    this.mark(l, 'recognise');
    const lineOf = (w: Word): number => position(l, w.offset).line;
    const bad = (w: Word, message: string): void => {
      const at = position(l, w.offset);
      this.ledger.report(at.line, 'warning', 'invalid-value', message, at.column);
      entry.invalid = true;
    };
    const neg = <T>(w: Word, parse: (text: string) => T | undefined, what: string): Negatable<T> | undefined => {
      const { negated, text } = splitNot(w.value ?? '');
      const value = parse(text);
      if (value === undefined) {
        bad(w, `'${w.value ?? ''}' is not ${what}`);
        return undefined;
      }
      return { negated, value, line: lineOf(w) };
    };
    const name = (text: string): string | undefined => (text === '' ? undefined : text);
    const states = (text: string): string[] | undefined => {
      const list = text.split(',').map((s) => s.trim());
      return list.every((s) => s !== '') ? list : undefined;
    };
    for (const w of args) {
      if (w.key === undefined) {
        const at = position(l, w.offset);
        this.ledger.note(at.line, 'warning', 'unsupported-match', `'${w.text}' is not an argument Portcullis knows; the entry may match more or fewer packets`);
        entry.inexact.push({ key: w.text, line: at.line });
        continue;
      }
      const k = w.key;
      switch (k) {
        case 'jump-target':
          entry.jumpTarget = w.value ?? '';
          break;
        case 'protocol': {
          const v = neg(w, parseRosProtocol, 'a protocol');
          if (v) entry.protocol = v;
          break;
        }
        case 'src-address':
        case 'dst-address': {
          const v = neg(w, (t) => parseRosAddress(t, family), `an ${family === 'ipv6' ? 'IPv6' : 'IPv4'} address, range or block`);
          if (v) entry[k === 'src-address' ? 'srcAddress' : 'dstAddress'] = v;
          break;
        }
        case 'src-address-list':
        case 'dst-address-list': {
          const v = neg(w, name, 'an address list name');
          if (v) entry[k === 'src-address-list' ? 'srcAddressList' : 'dstAddressList'] = v;
          break;
        }
        case 'src-port':
        case 'dst-port':
        case 'port': {
          const v = neg(w, parseRosPorts, 'a port list (22, 80,443, 8000-8100)');
          if (v) entry[k === 'src-port' ? 'srcPort' : k === 'dst-port' ? 'dstPort' : 'anyPort'] = v;
          break;
        }
        case 'in-interface':
        case 'out-interface':
        case 'in-interface-list':
        case 'out-interface-list': {
          const v = neg(w, name, 'an interface name');
          if (!v) break;
          if (k === 'in-interface') entry.inInterface = v;
          else if (k === 'out-interface') entry.outInterface = v;
          else if (k === 'in-interface-list') entry.inInterfaceList = v;
          else entry.outInterfaceList = v;
          break;
        }
        case 'connection-state':
        case 'connection-nat-state': {
          const v = neg(w, states, 'a list of connection states');
          if (v) entry[k === 'connection-state' ? 'connectionState' : 'connectionNatState'] = v;
          break;
        }
        case 'to-addresses': {
          const v = parseRosAddress(w.value ?? '', family);
          if (v) entry.toAddresses = v;
          else bad(w, `'${w.value ?? ''}' is not an address, range or block to translate to`);
          break;
        }
        case 'to-ports': {
          const v = parseRosPorts(w.value ?? '');
          if (v) entry.toPorts = v;
          else bad(w, `'${w.value ?? ''}' is not a port or a port range to translate to`);
          break;
        }
        case 'address-list':
          entry.addressList = w.value ?? '';
          break;
        case 'ipsec-policy': {
          // `in,ipsec` / `out,ipsec`: only what comes out of (or goes into) an IPsec tunnel; `…,none` only what does not.
          const parts = (w.value ?? '').split(',');
          if (parts[1] === 'ipsec') entry.ipsecOnly = lineOf(w);
          else if (parts[1] !== 'none') entry.inexact.push({ key: k, line: lineOf(w) });
          break;
        }
        default:
          if (ACTION_KEYS.has(k)) break;
          if (INEXACT_KEYS.has(k)) {
            entry.inexact.push({ key: k, line: lineOf(w) } satisfies Inexact);
            break;
          }
          this.ledger.note(lineOf(w), 'warning', 'unsupported-match', `'${k}' is not a condition Portcullis knows; the entry may match more or fewer packets`);
          entry.inexact.push({ key: k, line: lineOf(w) });
      }
    }
    this.config.entries.push(entry);
  }
}

function splitNames(text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
