import { LineLedger, splitLines, type InputFile, type Observation, type ParseResult } from '@portcullis/model';
import { clip, hostFromPath, lineText, readPort, result, splitEndpoint, words } from '../common.js';
import { describeOwners, readSsUsers } from '../process.js';
import { SS_NETIDS, SS_STATES, TCP_ONLY_STATES, type SsRow } from './syntax.js';

/*
 * Reads `ss` socket tables (`ss -tlnp`, `-ulnp`, `-tulpn`, with `-a`, `-e`, `-H`, without `-n`
 * or `-p`) into rows, then turns the listening ones into observations: a TCP socket in LISTEN or
 * a UDP socket in UNCONN. Connected sockets (ESTAB, TIME-WAIT, …) and sockets of other families
 * (unix, netlink, raw) are read and deliberately left out.
 */

export function parseSs(file: InputFile): ParseResult {
  const lines = splitLines(file.text);
  const ledger = new LineLedger(file.path, lines.length);
  const rows: SsRow[] = [];
  let afterRow = false;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    try {
      afterRow = readLine(n, lineText(lines[i]!, n), afterRow, ledger, rows);
    } catch (error) {
      ledger.report(n, 'error', 'internal-error', `the parser failed on this line: ${String(error)}`);
      afterRow = false;
    }
  }
  const observations: Observation[] = [];
  try {
    convertRows(rows, file.path, ledger, observations);
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the converter failed: ${String(error)}`);
  }
  return result(ledger, observations);
}

/** Reads one line; says whether it was a socket row (the next line may continue it). */
function readLine(n: number, text: string, afterRow: boolean, ledger: LineLedger, rows: SsRow[]): boolean {
  if (text.trim() === '') {
    ledger.ignore(n);
    return false;
  }
  // `ss -i`, `-m` and `--tos` print a socket's details on an indented line below it.
  if (afterRow && (text[0] === '\t' || text[0] === ' ')) {
    ledger.ignore(n);
    return true;
  }
  const w = words(text);
  const first = w[0]!;
  if ((first.text === 'State' || first.text === 'Netid') && text.includes('Recv-Q')) {
    ledger.recognise(n);
    return false;
  }
  let k = 0;
  let netid: string | undefined;
  if (SS_NETIDS.has(first.text)) {
    netid = first.text;
    k = 1;
  }
  const state = w[k];
  if (!state || !SS_STATES.has(state.text)) {
    ledger.report(n, 'warning', 'unrecognised-line', `not an ss socket line: '${clip(text.trim())}'`, (state ?? first).column);
    return false;
  }
  // Unix, netlink, packet and raw sockets expose no TCP or UDP port.
  if (netid !== undefined && netid !== 'tcp' && netid !== 'udp') {
    ledger.ignore(n);
    return true;
  }
  const [recvQ, sendQ, local, peer] = [w[k + 1], w[k + 2], w[k + 3], w[k + 4]];
  if (!recvQ || !sendQ || !local || !peer || !/^\d{1,12}$/.test(recvQ.text) || !/^\d{1,12}$/.test(sendQ.text)) {
    ledger.report(n, 'warning', 'unrecognised-line', `an ss socket line needs 'State Recv-Q Send-Q Local:Port Peer:Port': '${clip(text.trim())}'`, first.column);
    return false;
  }
  const row: SsRow = {
    line: n, state: state.text, local: local.text, localColumn: local.column, peer: peer.text,
    details: text.slice(peer.column - 1 + peer.text.length).trim(),
  };
  if (netid !== undefined) row.netid = netid;
  rows.push(row);
  return true;
}

/**
 * Without a Netid column ss was asked for one socket type. A TCP-only state anywhere says it was
 * `-t` (and an UNCONN row is then a TCP socket that is bound but not listening); otherwise it is
 * `-u`, whose sockets are UNCONN or ESTAB.
 */
function bareProtocol(rows: readonly SsRow[]): 'tcp' | 'udp' {
  return rows.some((r) => r.netid === undefined && TCP_ONLY_STATES.has(r.state)) ? 'tcp' : 'udp';
}

function convertRows(rows: readonly SsRow[], file: string, ledger: LineLedger, out: Observation[]): void {
  const host = hostFromPath(file);
  const bare = bareProtocol(rows);
  for (const row of rows) {
    const protocol = (row.netid ?? bare) as 'tcp' | 'udp';
    const listening = protocol === 'tcp' ? row.state === 'LISTEN' : row.state === 'UNCONN';
    if (!listening) {
      // Read, and left out on purpose: a connection (or a bound TCP socket), not a listener.
      ledger.ignore(row.line);
      continue;
    }
    const endpoint = splitEndpoint(row.local);
    const port = endpoint && readPort(endpoint.port, protocol);
    if (!endpoint || port === undefined) {
      ledger.report(row.line, 'warning', 'invalid-value', `not a local address and ${protocol} port: '${clip(row.local)}'`, row.localColumn);
      continue;
    }
    const observation: Observation = {
      host, protocol, port, state: 'listening', method: 'socket', tool: 'ss', bind: endpoint.address,
      origin: { file, line: row.line },
    };
    ledger.recognise(row.line);
    const owners = readSsUsers(row.details);
    const process = owners && describeOwners(owners);
    if (process !== undefined) observation.process = process;
    out.push(observation);
  }
}
