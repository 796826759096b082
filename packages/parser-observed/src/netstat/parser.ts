import { LineLedger, splitLines, type InputFile, type Observation, type ParseResult } from '@portcullis/model';
import { clip, hostFromPath, lineText, readPort, result, splitEndpoint, words, type Word } from '../common.js';
import { describeOwners } from '../process.js';
import {
  LINUX_NOTICES,
  LINUX_PROTOCOLS,
  LINUX_STATES,
  TITLES,
  WINDOWS_LISTENING,
  WINDOWS_NO_OWNER,
  WINDOWS_OTHER,
  type NetstatRow,
} from './syntax.js';

/*
 * Reads netstat connection tables into rows, then turns the listening ones into observations:
 * Windows `TCP … LISTENING` and `UDP … *:*` rows (the PID column as `pid NNN`, the `-b`
 * executable line under a row as its name), Linux `tcp … LISTEN` and unconnected `udp` rows.
 * Connections, unix and raw sockets are read and deliberately left out.
 */

const UNSPECIFIED_PEERS = new Set(['0.0.0.0:0', '[::]:0', '*:*', '0.0.0.0:*', ':::*', '[::]:*']);

export function parseNetstat(file: InputFile): ParseResult {
  const lines = splitLines(file.text);
  const ledger = new LineLedger(file.path, lines.length);
  const reader = new NetstatReader(ledger);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    try {
      reader.line(n, lineText(lines[i]!, n));
    } catch (error) {
      ledger.report(n, 'error', 'internal-error', `the parser failed on this line: ${String(error)}`);
    }
  }
  const observations: Observation[] = [];
  try {
    convertRows(reader.rows, file.path, ledger, observations);
  } catch (error) {
    ledger.report(1, 'error', 'internal-error', `the converter failed: ${String(error)}`);
  }
  return result(ledger, observations);
}

class NetstatReader {
  readonly rows: NetstatRow[] = [];
  /** The last Windows row, while `-b` lines under it may still name its owner. */
  private windowsRow: NetstatRow | undefined;

  constructor(private readonly ledger: LineLedger) {}

  line(n: number, text: string): void {
    const body = text.trim();
    if (body === '') return this.ledger.ignore(n);
    const w = words(text);
    const first = w[0]!.text;
    if (first === 'TCP' || first === 'UDP') return this.windows(n, text, w);
    const linux = LINUX_PROTOCOLS.get(first);
    if (linux !== undefined) {
      this.windowsRow = undefined;
      return linux === 'other' ? this.ledger.ignore(n) : this.linux(n, text, w, linux);
    }
    if (first === 'Proto' || TITLES.some((t) => body.startsWith(t))) {
      this.windowsRow = undefined;
      return this.ledger.recognise(n);
    }
    if (LINUX_NOTICES.some((t) => body.startsWith(t))) return this.ledger.ignore(n);
    if (this.windowsRow && this.ownerLine(n, body, w)) return;
    if (this.rows.length === 0 && !/[\d:]/.test(body)) {
      // A title or column header in another language, before the table.
      this.ledger.ignore(n);
      this.ledger.note(n, 'info', 'localized-header', `read as a heading: '${clip(body)}'`);
      return;
    }
    this.ledger.report(n, 'warning', 'unrecognised-line', `not a netstat line: '${clip(body)}'`, w[0]!.column);
  }

  /** `-b` output: `[svchost.exe]`, a service name (` RpcSs`) or the no-owner notice under a row. */
  private ownerLine(n: number, body: string, w: Word[]): boolean {
    const row = this.windowsRow!;
    if (body.startsWith('[') && body.endsWith(']') && body.length > 2) {
      row.program ??= body.slice(1, -1);
      this.ledger.recognise(n);
      return true;
    }
    if (body === WINDOWS_NO_OWNER || (w.length === 1 && /^[A-Za-z][A-Za-z0-9_.$-]{0,79}$/.test(body))) {
      this.ledger.ignore(n);
      return true;
    }
    return false;
  }

  private windows(n: number, text: string, w: Word[]): void {
    this.windowsRow = undefined;
    const protocol = w[0]!.text === 'TCP' ? 'tcp' : 'udp';
    const [local, foreign] = [w[1], w[2]];
    const rest = w.slice(3);
    if (!local || !foreign || !local.text.includes(':') || !foreign.text.includes(':')) {
      this.ledger.report(n, 'warning', 'unrecognised-line', `a netstat row needs 'Proto Local-Address Foreign-Address [State] [PID]': '${clip(text.trim())}'`, w[0]!.column);
      return;
    }
    const row: NetstatRow = { line: n, dialect: 'windows', protocol, local: local.text, localColumn: local.column, foreign: foreign.text };
    const last = rest[rest.length - 1];
    const pidGiven = last !== undefined && /^\d{1,10}$/.test(last.text) && (protocol === 'udp' || rest.length >= 2);
    if (pidGiven) row.pid = last.text;
    const stateWords = pidGiven ? rest.slice(0, -1) : rest;
    if (protocol === 'tcp') {
      if (stateWords.length === 0 || stateWords.length > 2) {
        this.ledger.report(n, 'warning', 'unrecognised-line', `a TCP row needs a state: '${clip(text.trim())}'`, w[0]!.column);
        return;
      }
      row.state = stateWords.map((s) => s.text).join(' ');
      row.stateColumn = stateWords[0]!.column;
    } else if (stateWords.length > 0) {
      this.ledger.report(n, 'warning', 'unrecognised-line', `a UDP row has no state: '${clip(text.trim())}'`, stateWords[0]!.column);
      return;
    }
    this.rows.push(row);
    this.windowsRow = row;
  }

  /** `proto Recv-Q Send-Q local foreign [state] [user inode] [PID/Program name]`. */
  private linux(n: number, text: string, w: Word[], protocol: 'tcp' | 'udp'): void {
    const [recvQ, sendQ, local, foreign] = [w[1], w[2], w[3], w[4]];
    if (!recvQ || !sendQ || !local || !foreign || !/^\d{1,12}$/.test(recvQ.text) || !/^\d{1,12}$/.test(sendQ.text)) {
      this.ledger.report(n, 'warning', 'unrecognised-line', `a netstat row needs 'Proto Recv-Q Send-Q Local-Address Foreign-Address': '${clip(text.trim())}'`, w[0]!.column);
      return;
    }
    const row: NetstatRow = { line: n, dialect: 'linux', protocol, local: local.text, localColumn: local.column, foreign: foreign.text };
    let k = 5;
    const state = w[5];
    if (state && LINUX_STATES.has(state.text)) {
      row.state = state.text;
      row.stateColumn = state.column;
      k = 6;
    } else if (protocol === 'tcp') {
      this.ledger.report(n, 'warning', 'unrecognised-line', `a TCP row needs a state: '${clip(text.trim())}'`, (state ?? foreign).column);
      return;
    }
    // `-e` puts the user and inode before the `PID/Program name` column; `-` when it is not known.
    for (let i = k; i < w.length; i++) {
      const word = w[i]!.text;
      const slash = word.indexOf('/');
      if (slash > 0 && /^\d{1,10}$/.test(word.slice(0, slash))) {
        row.pid = word.slice(0, slash);
        const program = (word.slice(slash + 1) + text.slice(w[i]!.column - 1 + word.length)).trim();
        if (program !== '') row.program = program;
        break;
      }
    }
    this.rows.push(row);
  }
}

function convertRows(rows: readonly NetstatRow[], file: string, ledger: LineLedger, out: Observation[]): void {
  const host = hostFromPath(file);
  for (const row of rows) {
    const listening = isListening(row);
    if (listening === undefined) {
      ledger.report(row.line, 'warning', 'unknown-state', `state '${clip(row.state ?? '')}' is not one Portcullis knows; the socket is not counted as listening`, row.stateColumn);
      continue;
    }
    if (!listening) {
      // Read, and left out on purpose: a connection or a bound socket, not a listener.
      ledger.ignore(row.line);
      continue;
    }
    const endpoint = splitEndpoint(row.local);
    const port = endpoint && readPort(endpoint.port, row.protocol);
    if (!endpoint || port === undefined) {
      ledger.report(row.line, 'warning', 'invalid-value', `not a local address and ${row.protocol} port: '${clip(row.local)}'`, row.localColumn);
      continue;
    }
    const observation: Observation = {
      host, protocol: row.protocol, port, state: 'listening', method: 'socket', tool: 'netstat', bind: endpoint.address,
      origin: { file, line: row.line },
    };
    const process = describeOwners([{ ...(row.program !== undefined && { name: row.program }), ...(row.pid !== undefined && { pid: row.pid }) }]);
    if (process !== undefined) observation.process = process;
    out.push(observation);
    ledger.recognise(row.line);
  }
}

/** Whether a row is a listening socket; undefined when its state word cannot tell. */
function isListening(row: NetstatRow): boolean | undefined {
  const unspecifiedPeer = UNSPECIFIED_PEERS.has(row.foreign) || row.foreign.endsWith(':*');
  if (row.dialect === 'linux') {
    return row.protocol === 'tcp' ? row.state === 'LISTEN' : row.state === undefined && unspecifiedPeer;
  }
  if (row.protocol === 'udp') return unspecifiedPeer;
  const state = row.state!.toUpperCase();
  if (WINDOWS_LISTENING.has(state)) return true;
  if (WINDOWS_OTHER.has(state) || !unspecifiedPeer) return false;
  return undefined;
}
