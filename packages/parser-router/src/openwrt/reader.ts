import { AddressSet, append, type Family, type LineLedger, type PortSet } from '@portcullis/model';
import type {
  AddressTerm,
  Defaults,
  FirewallConfig,
  Forwarding,
  Include,
  PortTerm,
  ProtocolTerm,
  Redirect,
  Rule,
  Span,
  Zone,
  ZoneRef,
} from './syntax.js';
import type { UciFile, UciOption, UciSection } from './uci.js';
import {
  combinePorts,
  listWords,
  parseAddressWord,
  parseBool,
  parseEnum,
  parseFamily,
  parsePolicy,
  parsePortWord,
  parseProtocolWord,
  parseTarget,
  protocolsOf,
  type ProtocolWord,
} from './values.js';

/*
 * Reads the sections of `/etc/config/firewall` into the vendor representation, option by option,
 * accounting for every line: options that decide what gets in are recognised, options that do not
 * (logging, MSS clamping, offloading…) are deliberately ignored, unknown options are reported (fw4
 * warns about them and carries on), and an invalid value is reported and makes the section one the
 * firewall skips, as fw3 and fw4 do.
 */

/** Section types that open nothing: fw4's source NAT rules, ipsets (a rule naming one is inexact), helpers. */
const QUIET_SECTIONS = new Set(['nat', 'ipset', 'helper']);

const DEFAULTS_IGNORED = new Set([
  'syn_flood', 'synflood_protect', 'synflood_rate', 'synflood_burst', 'drop_invalid', 'drop_invalid_early',
  'tcp_syncookies', 'tcp_ecn', 'tcp_window_scaling', 'accept_redirects', 'accept_source_route', 'custom_chains',
  'flow_offloading', 'flow_offloading_hw', 'flow_offloading_related', 'auto_helper', 'auto_includes',
  'tcp_reject_code', 'any_reject_code',
]);

const ZONE_IGNORED = new Set([
  'output', 'masq_src', 'masq_dest', 'masq_allow_invalid', 'mtu_fix', 'log', 'log_limit', 'auto_helper', 'helper',
  'counter', 'custom_chains', 'conntrack', 'extra_dest',
]);

/** Conditions of rules and redirects the model does not capture: the section may match. */
const MATCH_INEXACT = new Set([
  'src_mac', 'helper', 'limit', 'start_date', 'stop_date', 'start_time', 'stop_time', 'weekdays', 'monthdays', 'mark', 'dscp',
  'extra', 'device', 'direction', 'icmp_type',
]);

const RULE_IGNORED = new Set(['limit_burst', 'utc_time', 'set_helper', 'set_mark', 'set_xmark', 'set_dscp', 'counter', 'log', 'log_limit']);
const REDIRECT_IGNORED = new Set(['limit_burst', 'utc_time', 'reflection', 'reflection_src', 'reflection_zone', 'counter', 'log', 'log_limit']);
const INCLUDE_IGNORED = new Set(['family', 'reload', 'fw4_compatible', 'position', 'chain']);
const FORWARDING_IGNORED = new Set(['log', 'counter']);

export function readFirewall(uci: UciFile, ledger: LineLedger): FirewallConfig {
  return new FirewallReader(ledger).read(uci);
}

class FirewallReader {
  private readonly config: FirewallConfig = { zones: [], forwardings: [], rules: [], redirects: [], includes: [], suppressions: [] };

  constructor(private readonly ledger: LineLedger) {}

  read(uci: UciFile): FirewallConfig {
    append(this.config.suppressions, uci.suppressions);
    // Zones first: rules and redirects name them, before or after their own section.
    for (const s of uci.sections) if (s.type === 'zone') this.zone(s);
    for (const s of uci.sections) {
      switch (s.type) {
        case 'zone':
          break;
        case 'defaults':
          this.defaults(s);
          break;
        case 'forwarding':
          this.forwarding(s);
          break;
        case 'rule':
          this.rule(s);
          break;
        case 'redirect':
          this.redirect(s);
          break;
        case 'include':
          this.include(s);
          break;
        default:
          if (QUIET_SECTIONS.has(s.type)) {
            this.ledger.recognise(s.line);
            for (const o of s.options) this.ledger.ignore(o.line);
          } else {
            const more = s.options.length > 0 ? ` (its ${s.options.length} option line${s.options.length === 1 ? '' : 's'} skipped with it)` : '';
            this.ledger.report(s.line, 'warning', 'unrecognised-line', `'config ${s.type}' is not a firewall section Portcullis knows${more}`);
            for (const o of s.options) this.ledger.ignore(o.line);
          }
      }
    }
    return this.config;
  }

  private span(s: UciSection): Span {
    return { line: s.line, endLine: s.endLine };
  }

  /** Reports an invalid value; the section is then one the firewall skips. */
  private invalid(o: UciOption, message: string): void {
    this.ledger.report(o.line, 'warning', 'invalid-value', `${message}; fw3 and fw4 skip the whole section`, o.column);
  }

  private unknownOption(o: UciOption, type: string): void {
    this.ledger.report(o.line, 'warning', 'unrecognised-line', `'${o.name}' is not a ${type} option Portcullis knows (fw4 warns and ignores it)`, o.column);
  }

  /** Options that must be given once: a `list` (or a space in the value) makes them invalid. */
  private single(o: UciOption): boolean {
    if (o.kind === 'list') {
      this.invalid(o, `'${o.name}' must not be a list`);
      return false;
    }
    return true;
  }

  private bool(o: UciOption): boolean | undefined {
    const b = parseBool(o.value);
    if (b === undefined) this.invalid(o, `'${o.value}' is not a boolean (expected 1/0, on/off, true/false, yes/no)`);
    return b;
  }

  // ── defaults ───────────────────────────────────────────────────────────────────────────────

  private defaults(s: UciSection): void {
    if (this.config.defaults) {
      this.ledger.note(s.line, 'warning', 'duplicate-section', 'a second defaults section: the firewall ignores it');
      this.ledger.ignore(s.line);
      for (const o of s.options) this.ledger.ignore(o.line);
      return;
    }
    const d: Defaults = { span: this.span(s) };
    this.ledger.recognise(s.line);
    for (const o of s.options) {
      if (o.name === 'input' || o.name === 'output' || o.name === 'forward') {
        const p = parsePolicy(o.value);
        if (p === undefined) {
          this.ledger.report(o.line, 'warning', 'invalid-value', `'${o.value}' is not a policy (ACCEPT, REJECT or DROP); the firewall keeps its default (drop)`, o.column);
          continue;
        }
        d[o.name] = { value: p, line: o.line };
        this.ledger.recognise(o.line);
      } else if (o.name === 'disable_ipv6') {
        this.ledger.note(o.line, 'info', 'fw3-only-option', "fw3 loads no IPv6 rules with 'disable_ipv6'; fw4 ignores the option; Portcullis reads the IPv6 rules as fw4 applies them");
        this.ledger.recognise(o.line);
      } else if (DEFAULTS_IGNORED.has(o.name)) this.ledger.ignore(o.line);
      else this.unknownOption(o, 'defaults');
    }
    this.config.defaults = d;
  }

  // ── zones ──────────────────────────────────────────────────────────────────────────────────

  private zone(s: UciSection): void {
    const zone: Zone = { name: '', span: this.span(s), enabled: true, networks: [], devices: [], masq: false, inexact: [], invalid: false };
    this.ledger.recognise(s.line);
    const subnets: UciOption[] = [];
    for (const o of s.options) {
      switch (o.name) {
        case 'name':
          if (!this.single(o) || !/^[A-Za-z_.][A-Za-z0-9/_.-]*$/.test(o.value)) {
            if (o.kind !== 'list') this.invalid(o, `'${o.value}' is not a zone name`);
            zone.invalid = true;
            continue;
          }
          zone.name = o.value;
          break;
        case 'network':
          zone.networks.push(...listWords(o.value));
          break;
        case 'device':
          zone.devices.push(...listWords(o.value));
          break;
        case 'subnet':
          subnets.push(o);
          continue;
        case 'family': {
          const f = parseFamily(o.value);
          if (f === undefined) {
            this.invalid(o, `'${o.value}' is not a family (ipv4, ipv6, any)`);
            zone.invalid = true;
            continue;
          }
          if (f === 'any') delete zone.family;
          else zone.family = f;
          break;
        }
        case 'input':
        case 'forward': {
          const p = parsePolicy(o.value);
          if (p === undefined) {
            this.invalid(o, `'${o.value}' is not a policy (ACCEPT, REJECT or DROP)`);
            zone.invalid = true;
            continue;
          }
          zone[o.name] = { value: p, line: o.line };
          break;
        }
        case 'masq':
        case 'masq6': {
          const b = this.bool(o);
          if (b === undefined) {
            zone.invalid = true;
            continue;
          }
          if (b) zone.masq = true;
          break;
        }
        case 'enabled': {
          const b = this.bool(o);
          if (b === undefined) {
            zone.invalid = true;
            continue;
          }
          zone.enabled = b;
          break;
        }
        case 'extra':
        case 'extra_src':
          zone.inexact.push({ option: o.name, line: o.line });
          this.ledger.note(o.line, 'warning', 'unsupported-option', `'${o.name}' adds raw iptables matches (fw3) that Portcullis does not read: the zone may match fewer packets`);
          break;
        default:
          if (ZONE_IGNORED.has(o.name)) {
            this.ledger.ignore(o.line);
            continue;
          }
          this.unknownOption(o, 'zone');
          continue;
      }
      this.ledger.recognise(o.line);
    }
    if (subnets.length > 0) {
      const term = this.addressTerm(subnets, true);
      if (term) zone.subnets = term;
      else zone.invalid = true;
    }
    if (zone.name === '' && !zone.invalid) {
      this.ledger.report(s.line, 'warning', 'invalid-value', "a zone needs 'option name'; the firewall skips it");
      zone.invalid = true;
    }
    if (zone.networks.length === 0 && zone.devices.length === 0 && !zone.subnets && zone.name !== '') {
      // fw3 (and the documentation) take the zone's name as its network when it names none.
      zone.networks.push(zone.name);
    }
    this.config.zones.push(zone);
  }

  private zoneRef(o: UciOption): ZoneRef | undefined {
    if (!this.single(o)) return undefined;
    if (o.value === '*') return { any: true, line: o.line };
    const zone = this.config.zones.find((z) => z.name === o.value && z.enabled && !z.invalid);
    if (!zone) {
      const disabled = this.config.zones.some((z) => z.name === o.value);
      this.ledger.report(o.line, 'warning', 'unresolved-reference', `zone '${o.value}' is not ${disabled ? 'enabled' : 'defined'}; fw3 and fw4 skip the whole section`, o.column);
      return undefined;
    }
    return { any: false, zone: zone.name, line: o.line };
  }

  // ── forwardings ────────────────────────────────────────────────────────────────────────────

  private forwarding(s: UciSection): void {
    const f: Forwarding = { span: this.span(s), enabled: true, invalid: false };
    this.ledger.recognise(s.line);
    for (const o of s.options) {
      switch (o.name) {
        case 'src':
        case 'dest': {
          const ref = this.zoneRef(o);
          if (!ref) {
            f.invalid = true;
            continue;
          }
          f[o.name] = ref;
          break;
        }
        case 'family': {
          const fam = parseFamily(o.value);
          if (fam === undefined) {
            this.invalid(o, `'${o.value}' is not a family (ipv4, ipv6, any)`);
            f.invalid = true;
            continue;
          }
          f.family = fam;
          break;
        }
        case 'enabled': {
          const b = this.bool(o);
          if (b === undefined) {
            f.invalid = true;
            continue;
          }
          f.enabled = b;
          break;
        }
        case 'name':
          f.name = o.value;
          break;
        default:
          if (FORWARDING_IGNORED.has(o.name)) {
            this.ledger.ignore(o.line);
            continue;
          }
          this.unknownOption(o, 'forwarding');
          continue;
      }
      this.ledger.recognise(o.line);
    }
    if (!f.invalid && (!f.src || !f.dest)) {
      this.ledger.report(s.line, 'warning', 'invalid-value', "a forwarding needs 'src' and 'dest'; the firewall skips it");
      f.invalid = true;
    }
    this.config.forwardings.push(f);
  }

  // ── rules and redirects ────────────────────────────────────────────────────────────────────

  private sectionText(s: UciSection): { name?: string; text: string } {
    let name = s.options.findLast((o) => o.name === 'name')?.value ?? s.options.findLast((o) => o.name === '_name')?.value;
    name ??= s.name;
    const parts = s.options.filter((o) => o.name !== 'name' && o.name !== '_name' && o.name !== 'enabled').map((o) => `${o.name} ${o.value}`);
    const out: { name?: string; text: string } = { text: `${s.type}${name !== undefined ? ` '${name}'` : ''}: ${parts.join(', ')}` };
    if (name !== undefined) out.name = name;
    return out;
  }

  private rule(s: UciSection): void {
    const { name, text } = this.sectionText(s);
    const r: Rule = { span: this.span(s), text, enabled: true, invalid: false, inexact: [], symbolic: [] };
    if (name !== undefined) r.name = name;
    this.ledger.recognise(s.line);
    const lists = this.collect(s, ['proto', 'src_ip', 'src_port', 'dest_ip', 'dest_port']);
    for (const o of s.options) {
      if (lists.has(o.name)) continue;
      if (this.common(r, o)) continue;
      if (o.name === 'target') {
        const t = this.single(o) ? parseTarget(o.value) : undefined;
        if (t === undefined) {
          if (o.kind !== 'list') this.invalid(o, `'${o.value}' is not a rule target (ACCEPT, REJECT, DROP, NOTRACK, HELPER, MARK, DSCP)`);
          r.invalid = true;
          continue;
        }
        r.target = { value: t, line: o.line };
        this.ledger.recognise(o.line);
      } else if (RULE_IGNORED.has(o.name)) this.ledger.ignore(o.line);
      else this.unknownOption(o, 'rule');
    }
    const proto = this.protocols(lists.get('proto'));
    if (proto === null) r.invalid = true;
    else if (proto) r.proto = proto;
    const srcIp = this.addresses(lists.get('src_ip'));
    if (srcIp === null) r.invalid = true;
    else if (srcIp) r.srcIp = srcIp;
    const destIp = this.addresses(lists.get('dest_ip'));
    if (destIp === null) r.invalid = true;
    else if (destIp) r.destIp = destIp;
    const srcPort = this.ports(lists.get('src_port'));
    if (srcPort === null) r.invalid = true;
    else if (srcPort) r.srcPort = srcPort;
    const destPort = this.ports(lists.get('dest_port'));
    if (destPort === null) r.invalid = true;
    else if (destPort) r.destPort = destPort;
    this.config.rules.push(r);
  }

  private redirect(s: UciSection): void {
    const { name, text } = this.sectionText(s);
    const r: Redirect = { span: this.span(s), text, enabled: true, invalid: false, inexact: [], symbolic: [], target: { value: 'dnat', line: s.line } };
    if (name !== undefined) r.name = name;
    this.ledger.recognise(s.line);
    const lists = this.collect(s, ['proto']);
    for (const o of s.options) {
      if (lists.has(o.name)) continue;
      if (this.common(r, o)) continue;
      switch (o.name) {
        case 'src_ip':
        case 'src_dip':
        case 'dest_ip': {
          const term = this.single(o) ? this.addressTerm([o], false) : undefined;
          if (!term) {
            r.invalid = true;
            continue;
          }
          if (o.name === 'src_ip') r.srcIp = term;
          else if (o.name === 'src_dip') r.srcDip = term;
          else r.destIp = term;
          break;
        }
        case 'src_port':
        case 'src_dport':
        case 'dest_port': {
          const p = this.single(o) ? parsePortWord(o.value) : undefined;
          if (!p) {
            if (o.kind !== 'list') this.invalid(o, `'${o.value}' is not a port or a range (a redirect takes one)`);
            r.invalid = true;
            continue;
          }
          const term: PortTerm = { set: combinePorts([p]), line: o.line };
          if (o.name === 'src_port') r.srcPort = term;
          else if (o.name === 'src_dport') r.srcDport = term;
          else r.destPort = term;
          break;
        }
        case 'target': {
          const t = this.single(o) ? parseTarget(o.value) : undefined;
          if (t === undefined) {
            if (o.kind !== 'list') this.invalid(o, `'${o.value}' is not a redirect target (DNAT or SNAT)`);
            r.invalid = true;
            continue;
          }
          if (t !== 'dnat' && t !== 'snat') {
            this.ledger.note(o.line, 'warning', 'invalid-value', `a redirect's target is DNAT or SNAT; fw4 reads '${o.value}' as DNAT`);
            r.target = { value: 'dnat', line: o.line };
          } else r.target = { value: t, line: o.line };
          break;
        }
        default:
          if (REDIRECT_IGNORED.has(o.name)) {
            this.ledger.ignore(o.line);
            continue;
          }
          this.unknownOption(o, 'redirect');
          continue;
      }
      this.ledger.recognise(o.line);
    }
    const proto = this.protocols(lists.get('proto'));
    if (proto === null) r.invalid = true;
    else if (proto) r.proto = proto;
    this.config.redirects.push(r);
  }

  /** Options rules and redirects share; true when the option was handled. */
  private common(r: Rule | Redirect, o: UciOption): boolean {
    switch (o.name) {
      case 'name':
      case '_name':
        this.ledger.recognise(o.line);
        return true;
      case 'enabled': {
        const b = this.bool(o);
        if (b === undefined) r.invalid = true;
        else {
          r.enabled = b;
          this.ledger.recognise(o.line);
        }
        return true;
      }
      case 'family': {
        const f = this.single(o) ? parseFamily(o.value) : undefined;
        if (f === undefined) {
          if (o.kind !== 'list') this.invalid(o, `'${o.value}' is not a family (ipv4, ipv6, any)`);
          r.invalid = true;
        } else {
          r.family = f;
          this.ledger.recognise(o.line);
        }
        return true;
      }
      case 'src':
      case 'dest': {
        const ref = this.zoneRef(o);
        if (!ref) r.invalid = true;
        else {
          r[o.name] = ref;
          this.ledger.recognise(o.line);
        }
        return true;
      }
      case 'ipset': {
        const words = listWords(o.value);
        const setName = (words[0] ?? '').replace(/^!/, '');
        r.symbolic.push(`ipset:${setName}`);
        r.inexact.push({ option: o.name, line: o.line });
        this.ledger.note(o.line, 'warning', 'unresolved-reference', `ipset '${setName}' is matched at run time; the section may match any address`);
        this.ledger.recognise(o.line);
        return true;
      }
      default:
        if (MATCH_INEXACT.has(o.name)) {
          r.inexact.push({ option: o.name, line: o.line });
          this.ledger.recognise(o.line);
          return true;
        }
        return false;
    }
  }

  /** Gathers the values of list options (several `list` lines, or an `option` with spaces). */
  private collect(s: UciSection, names: string[]): Map<string, UciOption[]> {
    const out = new Map<string, UciOption[]>();
    for (const o of s.options) {
      if (!names.includes(o.name)) continue;
      let list = out.get(o.name);
      if (!list) out.set(o.name, (list = []));
      // A later `option` replaces what came before; `list` lines add up.
      if (o.kind === 'option') list.length = 0;
      list.push(o);
    }
    for (const o of s.options) if (names.includes(o.name) && !out.get(o.name)!.includes(o)) this.ledger.ignore(o.line);
    return out;
  }

  /** Undefined when not given; null when invalid (reported). */
  private protocols(opts: UciOption[] | undefined): ProtocolTerm | null | undefined {
    if (!opts) return undefined;
    const words: ProtocolWord[] = [];
    let ok = true;
    for (const o of opts) {
      let lineOk = true;
      for (const w of listWords(o.value)) {
        const p = parseProtocolWord(w);
        if (!p) {
          this.invalid(o, `'${w}' is not a protocol`);
          lineOk = false;
          continue;
        }
        if (p.negated) this.ledger.note(o.line, 'warning', 'unsupported-option', `fw4 ignores the '!' of '${w}' and matches the protocol itself; Portcullis reads it as fw4 does`);
        words.push(p);
      }
      if (lineOk) this.ledger.recognise(o.line);
      ok &&= lineOk;
    }
    if (!ok) return null;
    if (words.length === 0) return undefined;
    const { protocols, icmp, any } = protocolsOf(words);
    return { protocols, icmp, any, line: opts[0]!.line };
  }

  private ports(opts: UciOption[] | undefined): PortTerm | null | undefined {
    if (!opts) return undefined;
    const words: { negated: boolean; set: PortSet }[] = [];
    let ok = true;
    for (const o of opts) {
      let lineOk = true;
      for (const w of listWords(o.value)) {
        const p = parsePortWord(w);
        if (!p) {
          this.invalid(o, `'${w}' is not a port or a port range (22, 1000-2000, 1000:2000, !25)`);
          lineOk = false;
          continue;
        }
        words.push(p);
      }
      if (lineOk) this.ledger.recognise(o.line);
      ok &&= lineOk;
    }
    if (!ok) return null;
    if (words.length === 0) return undefined;
    return { set: combinePorts(words), line: opts[0]!.line };
  }

  private addresses(opts: UciOption[] | undefined): AddressTerm | null | undefined {
    if (!opts) return undefined;
    return this.addressTerm(opts, true) ?? null;
  }

  /** An address list; `split` lets an `option` value hold several words. Undefined when invalid (reported). */
  private addressTerm(opts: UciOption[], split: boolean): AddressTerm | undefined {
    const term: AddressTerm = {
      positive: AddressSet.empty(), negative: AddressSet.empty(), hasPositive: false, symbolic: [], families: new Set<Family>(), line: opts[0]!.line,
    };
    let ok = true;
    // Joined once at the end: a `list src_ip` of thousands of networks, one union each, was quadratic.
    const positive: AddressSet[] = [];
    const negative: AddressSet[] = [];
    for (const o of opts) {
      let lineOk = true;
      for (const w of split ? listWords(o.value) : [o.value]) {
        const a = parseAddressWord(w);
        if (!a) {
          this.invalid(o, `'${w}' is not an address, a network or a range`);
          lineOk = false;
          continue;
        }
        if (a.kind === 'symbolic') {
          term.symbolic.push(a.name);
          if (!a.negated) term.hasPositive = true;
          const what = a.name.startsWith('network:')
            ? `'${a.name.slice(8)}' names a network whose addresses only the running router knows`
            : `'${w}' is a masked match Portcullis does not model`;
          this.ledger.note(o.line, 'warning', 'unresolved-reference', `${what}; its addresses are left out of the section, which may match others`);
          continue;
        }
        term.families.add(a.family);
        if (a.negated) negative.push(a.set);
        else {
          positive.push(a.set);
          term.hasPositive = true;
        }
      }
      if (lineOk) this.ledger.recognise(o.line);
      ok &&= lineOk;
    }
    term.positive = AddressSet.unionAll(positive);
    term.negative = AddressSet.unionAll(negative);
    return ok ? term : undefined;
  }

  // ── includes ───────────────────────────────────────────────────────────────────────────────

  private include(s: UciSection): void {
    const inc: Include = { span: this.span(s), enabled: true };
    this.ledger.recognise(s.line);
    for (const o of s.options) {
      if (o.name === 'path') inc.path = o.value;
      else if (o.name === 'type') {
        const t = parseEnum(o.value, ['script', 'restore', 'nftables'] as const);
        if (t === undefined) {
          this.ledger.report(o.line, 'warning', 'invalid-value', `'${o.value}' is not an include type (script, restore, nftables)`, o.column);
          continue;
        }
        inc.type = t;
      } else if (o.name === 'enabled') {
        const b = parseBool(o.value);
        if (b === undefined) {
          this.ledger.report(o.line, 'warning', 'invalid-value', `'${o.value}' is not a boolean`, o.column);
          continue;
        }
        inc.enabled = b;
      } else if (INCLUDE_IGNORED.has(o.name)) {
        this.ledger.ignore(o.line);
        continue;
      } else {
        this.unknownOption(o, 'include');
        continue;
      }
      this.ledger.recognise(o.line);
    }
    this.config.includes.push(inc);
  }
}
