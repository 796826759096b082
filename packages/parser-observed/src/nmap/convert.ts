import { parsePortList, type LineLedger, type Observation, type ScanCoverage } from '@portcullis/model';
import { clip } from '../common.js';
import { PORT_STATES, type ExtraPorts, type NmapHost, type NmapPort, type NmapRun, type PortState } from './syntax.js';

/*
 * Turns an nmap report into observations: one per listed port, for the host's scanned address.
 * Ports nmap sums up in `<extraports>` (closed or filtered, not listed one by one) and hosts that
 * were down become info diagnostics, not observations.
 */

const STATES: ReadonlySet<string> = new Set(PORT_STATES);

export function convertRun(run: NmapRun, file: string, ledger: LineLedger, scans: ScanCoverage[] = []): Observation[] {
  const out: Observation[] = [];
  const scanner = sourceAddress(run.args);
  let listedDown = 0;
  for (const host of run.hosts) {
    const state = host.status?.state;
    if (state !== undefined && state !== 'up') listedDown++;
    convertHost(host, file, scanner, ledger, out);
    if (state === undefined || state === 'up') scans.push(...coverage(run, host, file, scanner));
  }
  const down = run.hostsDown && Number(run.hostsDown.count);
  if (down !== undefined && Number.isInteger(down) && down > listedDown) {
    const more = down - listedDown;
    ledger.note(run.hostsDown!.line, 'info', 'host-down', `${more} scanned ${more === 1 ? 'host was' : 'hosts were'} down and ${more === 1 ? 'is' : 'are'} not listed (nmap lists them with -v)`);
  }
  if (run.failure) ledger.note(run.failure.line, 'warning', 'scan-error', `nmap ended with an error: ${clip(run.failure.message, 120)}`);
  return out;
}

const UNLISTED = new Set(['closed', 'filtered', 'open|filtered', 'closed|filtered', 'unfiltered']);

/** The ports `<scaninfo services=…>` says were tried on an up host, per protocol. */
function coverage(run: NmapRun, host: NmapHost, file: string, scanner: string | undefined): ScanCoverage[] {
  const ips = host.addresses.filter((a) => (a.type === 'ipv4' || a.type === 'ipv6') && a.addr !== '');
  const names = host.hostnames.map((h) => h.name).filter((n) => n !== '');
  const name = ips[0]?.addr ?? names[0];
  if (name === undefined) return [];
  const aliases = [...new Set([...ips.slice(1).map((a) => a.addr), ...names])].filter((a) => a !== name);
  // One <extraports> element: every scanned port not listed is in its state.
  const only = host.extraPorts.length === 1 ? host.extraPorts[0]!.state : undefined;
  const out: ScanCoverage[] = [];
  for (const info of run.scanInfo) {
    if ((info.protocol !== 'tcp' && info.protocol !== 'udp') || info.services === undefined) continue;
    const ports = parsePortList(info.services);
    if (!ports) continue;
    const c: ScanCoverage = { host: name, protocol: info.protocol, ports, origin: { file, line: info.line } };
    if (aliases.length > 0) c.aliases = aliases;
    if (host.extraPorts.length === 0) c.unlisted = 'closed';
    else if (only !== undefined && UNLISTED.has(only)) c.unlisted = only as NonNullable<ScanCoverage['unlisted']>;
    if (scanner !== undefined) c.scanner = scanner;
    out.push(c);
  }
  return out;
}

function convertHost(host: NmapHost, file: string, scanner: string | undefined, ledger: LineLedger, out: Observation[]): void {
  const ips = host.addresses.filter((a) => (a.type === 'ipv4' || a.type === 'ipv6') && a.addr !== '');
  const names = host.hostnames.map((h) => h.name).filter((n) => n !== '');
  const name = ips[0]?.addr ?? names[0];
  const status = host.status;
  if (status && status.state !== 'up') {
    const why = status.reason ? ` (${clip(status.reason, 40)})` : '';
    ledger.note(host.line, 'info', 'host-down', `${name ?? 'a host'} was ${clip(status.state, 20)}${why}: nmap saw none of its ports`);
  }
  if (name === undefined) {
    if (host.ports.length > 0 || host.extraPorts.length > 0) {
      ledger.report(host.line, 'warning', 'invalid-value', 'a host with neither an IP address nor a name: its ports are not read');
    }
    return;
  }
  const aliases = [...new Set([...ips.slice(1).map((a) => a.addr), ...names])].filter((a) => a !== name);
  for (const extra of host.extraPorts) noteExtraPorts(extra, name, ledger);
  for (const port of host.ports) {
    const observation = convertPort(port, name, file, ledger);
    if (!observation) continue;
    if (aliases.length > 0) observation.aliases = aliases;
    if (scanner !== undefined) observation.scanner = scanner;
    out.push(observation);
  }
}

function convertPort(port: NmapPort, host: string, file: string, ledger: LineLedger): Observation | undefined {
  const { protocol, portid } = port;
  if (protocol !== 'tcp' && protocol !== 'udp') {
    if (protocol === undefined) ledger.report(port.line, 'warning', 'invalid-value', 'a port without a protocol');
    else ledger.note(port.line, 'warning', 'unsupported-protocol', `${clip(protocol, 20)} port ${clip(portid ?? '?', 10)}: only TCP and UDP ports are observations`);
    return undefined;
  }
  const number = portid !== undefined && /^\d{1,5}$/.test(portid) ? Number(portid) : NaN;
  if (!(number >= 0 && number <= 65535)) {
    ledger.report(port.line, 'warning', 'invalid-value', `not a port number: '${clip(portid ?? '', 20)}'`);
    return undefined;
  }
  const state = port.state?.state;
  if (state === undefined || !STATES.has(state)) {
    ledger.report(port.line, 'warning', 'invalid-value', state === undefined ? `${protocol} port ${number} without a state` : `not a port state: '${clip(state, 20)}'`);
    return undefined;
  }
  const observation: Observation = {
    host, protocol, port: number, state: state as PortState, method: 'scan', tool: 'nmap', origin: { file, line: port.line },
  };
  const service = port.service;
  if (service) {
    if (service.name) observation.service = service.tunnel ? `${service.tunnel}/${service.name}` : service.name;
    if (service.product) observation.product = service.product;
    // As nmap's own VERSION column shows it: `9.2p1 Debian 2+deb12u3 (protocol 2.0)`.
    const version = [service.version, service.extrainfo && `(${service.extrainfo})`].filter(Boolean).join(' ');
    if (version) observation.version = version;
  }
  return observation;
}

function noteExtraPorts(extra: ExtraPorts, host: string, ledger: LineLedger): void {
  const byProtocol = extra.reasons
    .filter((r) => r.proto !== undefined && r.ports !== undefined)
    .map((r) => `${clip(r.proto!, 10)} ${clip(r.ports!, 60)}`);
  const detail = byProtocol.length > 0 ? `: ${byProtocol.join('; ')}` : '';
  const count = extra.count ?? '?';
  const ports = count === '1' ? 'port' : 'ports';
  ledger.note(extra.line, 'info', 'extraports', `${host}: ${clip(count, 10)} ${clip(extra.state ?? 'unknown', 20)} ${ports} not listed one by one${detail}`);
}

/** The source address nmap was told to scan from (`-S 203.0.113.1`); nmap records it only in its command line. */
export function sourceAddress(args: string | undefined): string | undefined {
  if (args === undefined) return undefined;
  const tokens = args.split(/[ \t]+/);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '-S') return tokens[i + 1] || undefined;
    if (t.startsWith('-S') && t.length > 2) return t.slice(2);
  }
  return undefined;
}
