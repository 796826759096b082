import { AddressSet, type Family, type ProtocolSet } from '@portcullis/model';
import type { AclEntry, AddressTerm, ObjectKind, PortTerm, Problem, ProtocolTerm } from './syntax.js';
import { PORT_OPERATORS, carriesPorts, ciscoProtocol, ipv4Number, ipv4Range, ipv6Set, netmaskSet, readPortOperator, wildcardSet } from './values.js';

/*
 * Reads the entries of IOS and ASA access lists from the words of a line. The two dialects share
 * the shape `permit|deny PROTOCOL SOURCE [PORTS] DESTINATION [PORTS] [OPTIONS]`; they differ in the
 * masks (IOS wildcards, ASA netmasks), in what may stand for an address (ASA `object`, `interface`,
 * `name` aliases) and in the options. Every word is either understood, or becomes a problem on the
 * entry; nothing throws.
 */

export interface AclDialect {
  vendor: 'ios' | 'asa';
  /** The address family of `any` and of the ACL (IOS `ipv6 access-list`). */
  family: Family;
  /** ASA `name` aliases: the address a name stands for. */
  alias?(name: string): number | undefined;
  /** What an object or object-group of this name is, if the configuration defines it. */
  objectKind(name: string, group: boolean): ObjectKind | undefined;
  /** ASA `object-group service NAME tcp`: a port group, which may follow an address. */
  isPortGroup(name: string): boolean;
}

const ICMP_LIKE = new Set([1, 2, 58]);

/** Option keywords and how many value words follow them (-1: read specially). */
const IOS_OPTIONS: Record<string, number> = {
  established: 0, log: 0, 'log-input': 0, 'time-range': 1, fragments: 0, precedence: 1, dscp: 1, tos: 1,
  ttl: -1, option: 1, ack: 0, fin: 0, psh: 0, rst: 0, syn: 0, urg: 0, 'match-all': -1, 'match-any': -1,
  reflect: -1, sequence: 1, 'packet-length': -1, 'flow-label': 1, routing: 0, 'routing-type': 1, hbh: 0,
  'dest-option': 0, 'dest-option-type': 1, mobility: 0, 'mobility-type': 1, 'undetermined-transport': 0,
  'log-update': 0, ecn: 1,
};

const ASA_OPTIONS: Record<string, number> = { log: -1, 'time-range': 1, inactive: 0 };

const ASA_LOG_LEVELS = new Set([
  'emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging', 'disable', 'default',
]);

/** Options that keep the entry exact: they change logging or bookkeeping, not which packets match. */
const HARMLESS = new Set(['log', 'log-input', 'log-update', 'sequence', 'reflect', 'inactive', 'established', 'fragments']);

/** A position in the words of a line. */
export class Cursor {
  i: number;
  constructor(
    readonly words: readonly string[],
    start: number,
  ) {
    this.i = start;
  }
  peek(k = 0): string | undefined {
    return this.words[this.i + k];
  }
  peekLower(k = 0): string | undefined {
    return this.words[this.i + k]?.toLowerCase();
  }
  next(): string | undefined {
    return this.words[this.i++];
  }
  get done(): boolean {
    return this.i >= this.words.length;
  }
}

function problem(code: string, message: string, kind: Problem['kind'] = 'report'): Problem {
  return { severity: 'warning', code, message, kind };
}

/**
 * An address as an ACL writes it. `standard` (IOS standard ACLs) allows a bare address for a host.
 * ASA masks are netmasks; IOS masks are wildcards unless `netmask` says otherwise (object-groups).
 */
export function readAddress(
  c: Cursor,
  dialect: AclDialect,
  problems: Problem[],
  opts: { standard?: boolean; netmask?: boolean } = {},
): AddressTerm {
  const word = c.next();
  if (word === undefined) {
    problems.push(problem('invalid-value', 'an address is missing'));
    return { kind: 'invalid' };
  }
  const w = word.toLowerCase();
  if (w === 'any') return { kind: 'set', set: AddressSet.all(dialect.family), exact: true };
  if (dialect.vendor === 'asa' && (w === 'any4' || w === 'any6')) {
    return { kind: 'set', set: AddressSet.all(w === 'any4' ? 'ipv4' : 'ipv6'), exact: true };
  }
  if (w === 'host') {
    const h = c.next();
    const set = h === undefined ? undefined : singleAddress(h, dialect);
    if (!set) {
      problems.push(problem('invalid-value', h === undefined ? "'host' needs an address" : `'${h}' is not an address`));
      return { kind: 'invalid' };
    }
    return { kind: 'set', set, exact: true };
  }
  if (w === 'object' || w === 'object-group') {
    const name = c.next();
    if (name === undefined) {
      problems.push(problem('invalid-value', `'${w}' needs a name`));
      return { kind: 'invalid' };
    }
    return { kind: w, name };
  }
  if (dialect.vendor === 'asa' && w === 'interface') {
    const name = c.next();
    if (name === undefined) {
      problems.push(problem('invalid-value', "'interface' needs an interface name"));
      return { kind: 'invalid' };
    }
    return { kind: 'interface', name };
  }
  const v6 = ipv6Set(word);
  if (v6) return { kind: 'set', set: v6, exact: true };
  const address = ipv4Number(word) ?? dialect.alias?.(word);
  if (address === undefined) {
    problems.push(problem('invalid-value', `'${word}' is not an address`));
    return { kind: 'invalid' };
  }
  const maskWord = c.peek();
  const mask = maskWord === undefined ? undefined : ipv4Number(maskWord);
  if (mask === undefined) {
    if (opts.standard) return { kind: 'set', set: ipv4Range(address, address), exact: true };
    problems.push(problem('invalid-value', `'${word}' needs a ${dialect.vendor === 'asa' || opts.netmask ? 'netmask' : 'wildcard mask'}`));
    return { kind: 'invalid' };
  }
  c.next();
  const masked = dialect.vendor === 'asa' || opts.netmask ? netmaskSet(address, mask) : wildcardSet(address, mask);
  if (!masked.exact) {
    problems.push(problem('inexact-mask', `mask ${maskWord} is too scattered to expand; the entry is read as the range around it and may match`, 'note'));
  }
  return { kind: 'set', set: masked.set, exact: masked.exact };
}

function singleAddress(word: string, dialect: AclDialect): AddressSet | undefined {
  if (word.includes(':')) return ipv6Set(word);
  const n = ipv4Number(word) ?? dialect.alias?.(word);
  return n === undefined ? undefined : ipv4Range(n, n);
}

function readPorts(c: Cursor, protocols: ProtocolSet | undefined, dialect: AclDialect, problems: Problem[]): PortTerm | undefined {
  const w = c.peekLower();
  if (w === undefined) return undefined;
  if (PORT_OPERATORS.has(w)) {
    const read = readPortOperator(c.words, c.i, protocols);
    c.i += read.used;
    if (!read.set) {
      problems.push(problem('invalid-value', read.error ?? 'ports could not be read'));
      return { kind: 'invalid' };
    }
    return { kind: 'set', set: read.set };
  }
  if (w === 'object-group' && dialect.vendor === 'asa') {
    const name = c.peek(1);
    if (name !== undefined && dialect.isPortGroup(name)) {
      c.i += 2;
      return { kind: 'object-group', name };
    }
  }
  return undefined;
}

function readProtocol(c: Cursor, dialect: AclDialect, problems: Problem[]): ProtocolTerm {
  const word = c.next();
  if (word === undefined) {
    problems.push(problem('invalid-value', 'a protocol is missing'));
    return { kind: 'invalid', name: '' };
  }
  const w = word.toLowerCase();
  if (w === 'object-group' || (w === 'object' && dialect.vendor === 'asa')) {
    const name = c.next();
    if (name === undefined) {
      problems.push(problem('invalid-value', `'${w}' needs a name`));
      return { kind: 'invalid', name: w };
    }
    return { kind: w, name };
  }
  const set = ciscoProtocol(w, dialect.family);
  if (!set) {
    problems.push(problem('invalid-value', `'${word}' is not a protocol name or number`));
    return { kind: 'invalid', name: w };
  }
  return { kind: 'set', set, name: w };
}

function newEntry(line: number, words: readonly string[], action: 'permit' | 'deny'): AclEntry {
  return {
    line,
    text: words.join(' '),
    action,
    protocol: { kind: 'invalid', name: '' },
    source: { kind: 'invalid' },
    destination: { kind: 'invalid' },
    notNew: false,
    inexact: [],
    inactive: false,
    problems: [],
  };
}

/** The protocols a term stands for when they are known now (to read port names), else undefined. */
function knownProtocols(term: ProtocolTerm): ProtocolSet | undefined {
  return term.kind === 'set' ? term.set : undefined;
}

/**
 * `permit|deny PROTOCOL SRC [PORTS] DST [PORTS] [OPTIONS]`, the action at `words[at]`. `text` is
 * the entry as written for the rule's text (the caller may prefix the ACL name).
 */
export function readExtendedEntry(words: readonly string[], at: number, line: number, dialect: AclDialect): AclEntry {
  const action = words[at]!.toLowerCase() === 'deny' ? 'deny' : 'permit';
  const entry = newEntry(line, words, action);
  const c = new Cursor(words, at + 1);
  const problems = entry.problems;
  entry.protocol = readProtocol(c, dialect, problems);
  if (entry.protocol.kind === 'invalid' && c.done) return entry;
  const protocols = knownProtocols(entry.protocol);
  entry.source = readAddress(c, dialect, problems);
  const sp = readPorts(c, protocols, dialect, problems);
  if (sp) entry.sourcePorts = sp;
  entry.destination = readAddress(c, dialect, problems);
  const dp = readPorts(c, protocols, dialect, problems);
  if (dp) entry.destinationPorts = dp;
  if ((sp || dp) && protocols && !carriesPorts(protocols)) {
    problems.push(problem('invalid-value', `ports need tcp, udp or sctp, not '${entry.protocol.kind === 'set' ? entry.protocol.name : ''}'`));
  }
  readOptions(c, entry, dialect, protocols);
  return entry;
}

/** `permit|deny SOURCE [log]` of a standard ACL (IOS numbered 1–99/1300–1999, named standard; ASA standard). */
export function readStandardEntry(words: readonly string[], at: number, line: number, dialect: AclDialect): AclEntry {
  const action = words[at]!.toLowerCase() === 'deny' ? 'deny' : 'permit';
  const entry = newEntry(line, words, action);
  const c = new Cursor(words, at + 1);
  entry.protocol = { kind: 'set', set: ciscoProtocol('ip')!, name: 'ip' };
  entry.source = readAddress(c, dialect, entry.problems, { standard: dialect.vendor === 'ios' });
  entry.destination = { kind: 'set', set: AddressSet.all(dialect.family), exact: true };
  readOptions(c, entry, dialect, undefined);
  return entry;
}

function readOptions(c: Cursor, entry: AclEntry, dialect: AclDialect, protocols: ProtocolSet | undefined): void {
  const table = dialect.vendor === 'ios' ? IOS_OPTIONS : ASA_OPTIONS;
  const icmpLike = protocols !== undefined && !protocols.isFull && [...ICMP_LIKE].some((p) => protocols.has(p));
  let typeWords = 0;
  while (!c.done) {
    const word = c.next()!;
    const w = word.toLowerCase();
    const arity = table[w];
    if (arity === undefined) {
      // ICMP/IGMP message types (`echo`, `8 0`, `object-group ICMP-TYPES`) follow the destination.
      if (icmpLike && typeWords < 2 && w !== 'object-group') {
        typeWords++;
        if (!entry.inexact.includes('icmp-type')) entry.inexact.push('icmp-type');
        continue;
      }
      if (icmpLike && w === 'object-group' && c.peek() !== undefined) {
        c.next();
        if (!entry.inexact.includes('icmp-type')) entry.inexact.push('icmp-type');
        continue;
      }
      entry.problems.push(problem('unsupported-option', `'${word}' is not an ACL option Portcullis knows; the entry is kept as one that may match`));
      entry.inexact.push(w);
      return;
    }
    if (w === 'established') entry.notNew = true;
    else if (w === 'fragments') entry.notNew = true; // non-initial fragments never open a connection
    else if (w === 'inactive') entry.inactive = true;
    else if (!HARMLESS.has(w)) entry.inexact.push(w);
    if (arity > 0) {
      for (let k = 0; k < arity; k++) {
        if (c.next() === undefined) entry.problems.push(problem('invalid-value', `'${word}' needs a value`));
      }
      continue;
    }
    if (arity === 0) continue;
    // Options whose value words vary.
    if (w === 'log' && dialect.vendor === 'asa') {
      const level = c.peekLower();
      if (level !== undefined && (/^[0-7]$/.test(level) || ASA_LOG_LEVELS.has(level))) c.next();
      if (c.peekLower() === 'interval') c.i += 2;
    } else if (w === 'ttl' || w === 'packet-length') {
      const op = c.next()?.toLowerCase();
      c.next();
      if (op === 'range') c.next();
    } else if (w === 'match-all' || w === 'match-any') {
      while (!c.done && /^[+-][a-z]+$/i.test(c.peek()!)) c.next();
    } else if (w === 'reflect') {
      c.next();
      if (c.peekLower() === 'timeout') c.i += 2;
    }
  }
}
