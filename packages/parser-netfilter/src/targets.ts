import { parseAddressSet, type RuleAction } from '@portcullis/model';
import type { NatSpec, Problem, TargetAst } from './syntax.js';
import { readNatAddress, readNatPorts } from './values.js';

/** What a target does to the packets a rule matches. */
export interface TargetMeaning {
  action: RuleAction;
  /** False when the model's action only approximates the target. */
  exact: boolean;
}

const verdict = (action: RuleAction, exact = true): TargetMeaning => ({ action, exact });

// Targets that decide (or rewrite) the packet. Looked up after chain names: `-j NAME` jumps when
// NAME is a chain of the table, as iptables does.
const DECIDING: Record<string, TargetMeaning> = {
  ACCEPT: verdict('allow'),
  DROP: verdict('deny'),
  REJECT: verdict('reject'),
  RETURN: verdict('return'),
  // QUEUE/NFQUEUE hand the packet to a userspace program, which usually accepts it (an IPS, a
  // user-space firewall). For "what is reachable" the safe over-approximation is allow, marked
  // inexact so the analysis never lets the rule hide what follows it, nor trusts it as a block.
  QUEUE: verdict('allow', false),
  NFQUEUE: verdict('allow', false),
  // SYNPROXY answers the handshake itself and lets the connection through once it completes;
  // TPROXY delivers the packet to a local socket. Both let traffic in.
  SYNPROXY: verdict('allow', false),
  TPROXY: verdict('allow', false),
  TARPIT: verdict('deny'),
  DNAT: verdict('dnat'),
  REDIRECT: verdict('redirect'),
  SNAT: verdict('snat'),
  MASQUERADE: verdict('masquerade'),
};

// Targets that act on the packet (log, mark, tune) and let the chain go on.
const NON_TERMINATING = new Set([
  'LOG', 'NFLOG', 'ULOG', 'MARK', 'CONNMARK', 'CT', 'NOTRACK', 'TCPMSS', 'CLASSIFY', 'DSCP', 'TOS', 'TRACE',
  'SET', 'SECMARK', 'CONNSECMARK', 'TTL', 'HL', 'ECN', 'IDLETIMER', 'LED', 'AUDIT', 'CHECKSUM', 'TEE',
  'RATEEST', 'HMARK', 'DNPT', 'SNPT', 'TCPOPTSTRIP', 'SYSRQ', 'IPMARK', 'ACCOUNT', 'CLUSTERIP',
]);

/**
 * The meaning of a target that is not a chain. `chain` is the built-in chain the rule is (or is
 * reached from), which decides whether NETMAP rewrites destinations or sources. Undefined for a
 * target we do not know.
 */
export function targetMeaning(target: TargetAst, chain: 'PREROUTING' | 'OUTPUT' | 'POSTROUTING' | 'INPUT' | 'other'): TargetMeaning | undefined {
  const name = target.name;
  const deciding = DECIDING[name];
  if (deciding) return deciding;
  if (NON_TERMINATING.has(name)) return verdict('continue');
  if (name === 'NETMAP') return chain === 'POSTROUTING' || chain === 'INPUT' ? verdict('snat') : verdict('dnat');
  // ROUTE (patch-o-matic) sends the packet out of another interface; with --continue it goes on.
  if (name === 'ROUTE') return target.options.some((o) => o.name === '--continue') ? verdict('continue') : verdict('allow', false);
  return undefined;
}

/** Target options that take exactly one value, so that anything after them is noticed. */
const SINGLE_VALUE = new Set([
  '--to-destination', '--to-source', '--to-ports', '--to', '--reject-with', '--log-prefix', '--log-level',
  '--set-mark', '--queue-num', '--on-port',
]);

/**
 * The options of the targets whose options are all known. After `-j` such a target owns only these;
 * any other option belongs to a match (iptables looks an option up in every loaded extension, so
 * `-j ACCEPT -p tcp --dport 22` accepts port 22 only).
 */
const TARGET_OPTIONS: Record<string, readonly string[]> = {
  ACCEPT: [],
  DROP: [],
  RETURN: [],
  QUEUE: [],
  NOTRACK: [],
  REJECT: ['--reject-with'],
  LOG: ['--log-level', '--log-prefix', '--log-tcp-sequence', '--log-tcp-options', '--log-ip-options', '--log-uid', '--log-macdecode'],
  NFLOG: ['--nflog-group', '--nflog-prefix', '--nflog-range', '--nflog-size', '--nflog-threshold'],
  DNAT: ['--to-destination', '--random', '--persistent'],
  SNAT: ['--to-source', '--random', '--random-fully', '--persistent'],
  MASQUERADE: ['--to-ports', '--random', '--random-fully'],
  REDIRECT: ['--to-ports', '--random'],
  MARK: ['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark'],
  CONNMARK: ['--set-xmark', '--set-mark', '--save-mark', '--restore-mark', '--and-mark', '--or-mark', '--xor-mark', '--mask', '--nfmask', '--ctmask'],
  TCPMSS: ['--set-mss', '--clamp-mss-to-pmtu'],
};

/** Whether the target takes the option: true, false, or undefined when its options are not known. */
export function targetTakesOption(target: string, option: string): boolean | undefined {
  const known = TARGET_OPTIONS[target];
  return known === undefined ? undefined : known.includes(option);
}

export function targetOptionArity(option: string): 1 | 'any' {
  return SINGLE_VALUE.has(option) ? 1 : 'any';
}

/** The targets `targetMeaning` knows. */
export const KNOWN_TARGETS: ReadonlySet<string> = new Set([...Object.keys(DECIDING), ...NON_TERMINATING, 'NETMAP', 'ROUTE']);

/** Target names and target options, for the words a rule line is read with. */
export const TARGET_WORDS: readonly string[] = [
  ...KNOWN_TARGETS, '--continue', '--to',
  ...SINGLE_VALUE, ...Object.values(TARGET_OPTIONS).flat(),
];

interface ProblemSink {
  problem(kind: Problem['kind'], code: string, message: string, column?: number): void;
}

/** The values of every `option` of the target, in order. */
function optionValues(target: TargetAst, option: string): string[] {
  const out: string[] = [];
  for (const o of target.options) if (o.name === option) for (const v of o.values) out.push(v);
  return out;
}

/**
 * Reads the NAT part of DNAT/SNAT/REDIRECT/MASQUERADE/NETMAP targets into `target.nat`. Every rule
 * with a target comes through here, most with none of these: no helper closures are made per call.
 */
export function readTargetOptions(target: TargetAst, column: number, sink: ProblemSink): void {
  switch (target.name) {
    case 'DNAT':
    case 'SNAT': {
      const option = target.name === 'DNAT' ? '--to-destination' : '--to-source';
      const texts = optionValues(target, option);
      if (texts.length === 0) {
        bad(sink, column, `${target.name} without ${option}`);
        return;
      }
      let spec: NatSpec | undefined;
      for (const text of texts) {
        const read = readNatAddress(text);
        if (!read.ok) {
          bad(sink, column, read.message);
          return;
        }
        spec = spec ? mergeNat(spec, read.value) : read.value;
      }
      target.nat = spec!;
      return;
    }
    case 'REDIRECT':
    case 'MASQUERADE': {
      const texts = optionValues(target, '--to-ports');
      if (texts.length === 0) {
        target.nat = { text: '' };
        return;
      }
      const read = readNatPorts(texts[0]!);
      if (!read.ok) bad(sink, column, read.message);
      else target.nat = { ports: read.value, text: texts[0]! };
      return;
    }
    case 'NETMAP': {
      const text = optionValues(target, '--to')[0];
      const set = text === undefined ? undefined : parseAddressSet(text);
      if (!set) bad(sink, column, `NETMAP needs --to with a network`);
      else target.nat = { addresses: set, text: text! };
      return;
    }
    default:
  }
}

function bad(sink: ProblemSink, column: number, message: string): void {
  sink.problem('report', 'invalid-value', message, column);
}

function mergeNat(a: NatSpec, b: NatSpec): NatSpec {
  const merged: NatSpec = { text: `${a.text} ${b.text}` };
  if (a.addresses && b.addresses) merged.addresses = a.addresses.union(b.addresses);
  if (a.ports && b.ports) merged.ports = a.ports.union(b.ports);
  return merged;
}
