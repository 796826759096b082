import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { LineLedger } from '@portcullis/model';
import { clip } from '../common.js';
import type { ExtraPorts, NmapHost, NmapPort, NmapRun } from './syntax.js';

/*
 * Reads an nmap XML report with saxes, a strict streaming XML parser that reports positions.
 * saxes does not read the DTD's internal subset: it never expands an entity the document declares
 * (no "billion laughs") and never fetches an external one; such a reference is an XML error.
 * The first XML error ends the reading, as XML's fatal errors do; what was read before it is kept
 * (a report cut short by an interrupted scan still holds the hosts finished before).
 *
 * Every element Portcullis reads marks its line recognised; the rest of the structure (prolog,
 * `hosthint`, `times`, `os`, scripts…) is left for the parser to mark ignored.
 */

/** Thrown from saxes' handlers to stop reading. */
class StopReading extends Error {}

export function readNmapXml(text: string, ledger: LineLedger): NmapRun {
  return new NmapReader(ledger).read(text);
}

class NmapReader {
  private readonly run: NmapRun = { line: 1, scanInfo: [], hosts: [] };
  private readonly stack: string[] = [];
  private host: NmapHost | undefined;
  private port: NmapPort | undefined;
  private extra: ExtraPorts | undefined;
  private tagLine = 1;
  private readonly xml = new SaxesParser<{ position: true; xmlns: false }>({ position: true, xmlns: false });

  constructor(private readonly ledger: LineLedger) {
    this.xml.on('opentagstart', () => {
      this.tagLine = this.xml.line;
    });
    this.xml.on('opentag', (tag) => this.open(tag));
    this.xml.on('closetag', (tag) => this.close(tag.name));
    this.xml.on('error', (error) => this.fail(error.message.replace(/^\d+:\d+: /, '')));
  }

  read(text: string): NmapRun {
    try {
      this.xml.write(text).close();
    } catch (error) {
      if (!(error instanceof StopReading)) {
        this.ledger.report(this.xml.line, 'error', 'internal-error', `the XML reader failed: ${String(error)}`);
      }
    }
    return this.run;
  }

  private fail(message: string): never {
    const line = Math.min(Math.max(this.xml.line, 1), this.ledger.lineCount);
    this.ledger.report(line, 'error', 'parse-error', `not well-formed XML: ${clip(message, 120)}; the rest of the file is not read`);
    throw new StopReading(message);
  }

  private open(tag: SaxesTagPlain): void {
    const line = this.tagLine;
    const parent = this.stack[this.stack.length - 1];
    const grandparent = this.stack[this.stack.length - 2];
    this.stack.push(tag.name);
    const a = tag.attributes;
    if (parent === undefined) return this.root(tag, line);
    let read = true;
    switch (`${parent}>${tag.name}`) {
      case 'nmaprun>scaninfo':
        this.run.scanInfo.push(defined({ line, type: a.type, protocol: a.protocol, services: a.services }));
        break;
      case 'nmaprun>host':
        this.host = { line, addresses: [], hostnames: [], ports: [], extraPorts: [] };
        this.run.hosts.push(this.host);
        break;
      case 'host>status':
        if (this.host) this.host.status = defined({ state: a.state ?? '', reason: a.reason, line });
        break;
      case 'host>address':
        this.host?.addresses.push({ addr: a.addr ?? '', type: a.addrtype ?? 'ipv4', line });
        break;
      case 'hostnames>hostname':
        if (grandparent === 'host') this.host?.hostnames.push(defined({ name: a.name ?? '', type: a.type, line }));
        else read = false;
        break;
      case 'ports>port':
        if (this.host && grandparent === 'host') {
          this.port = defined({ line, protocol: a.protocol, portid: a.portid });
          this.host.ports.push(this.port);
        } else read = false;
        break;
      case 'port>state':
        if (this.port) this.port.state = defined({ state: a.state, reason: a.reason, line });
        break;
      case 'port>service':
        if (this.port) {
          this.port.service = defined({ line, name: a.name, product: a.product, version: a.version, extrainfo: a.extrainfo, tunnel: a.tunnel });
        }
        break;
      case 'ports>extraports':
        if (this.host && grandparent === 'host') {
          this.extra = defined({ line, state: a.state, count: a.count, reasons: [] });
          this.host.extraPorts.push(this.extra);
        } else read = false;
        break;
      case 'extraports>extrareasons':
        this.extra?.reasons.push(defined({ reason: a.reason, count: a.count, proto: a.proto, ports: a.ports, line }));
        break;
      case 'runstats>finished':
        if (a.exit === 'error') this.run.failure = { message: a.errormsg ?? 'nmap stopped with an error', line };
        break;
      case 'runstats>hosts':
        if (a.down !== undefined) this.run.hostsDown = { count: a.down, line };
        break;
      default:
        read = false;
    }
    if (read) this.ledger.recognise(line);
  }

  private root(tag: SaxesTagPlain, line: number): void {
    if (tag.name !== 'nmaprun') {
      this.ledger.report(line, 'error', 'parse-error', `the root element is <${clip(tag.name, 40)}>, not <nmaprun>: this is not an nmap XML report`);
      throw new StopReading('not nmap');
    }
    this.run.line = line;
    if (tag.attributes.args !== undefined) this.run.args = tag.attributes.args;
    if (tag.attributes.version !== undefined) this.run.version = tag.attributes.version;
    this.ledger.recognise(line);
  }

  private close(name: string): void {
    this.stack.pop();
    if (name === 'host') this.host = undefined;
    else if (name === 'port') this.port = undefined;
    else if (name === 'extraports') this.extra = undefined;
  }
}

/** The object without its undefined properties (absent attributes stay absent). */
function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}
