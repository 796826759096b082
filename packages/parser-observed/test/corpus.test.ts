import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { splitLines, type FormatParser, type Observation } from '@portcullis/model';
import { expect, it } from 'vitest';
import { NO_CORPUS, describeIf } from '../../../test-support/conditions.js';
import { nmapXml, ssListing } from '../src/index.js';
import { CORPUS, codes, expectAccounted, expectNoError, parseFile, rows } from './helpers.js';

/*
 * Scans and listings produced by real tools (../shared/corpus/observed, beside the checkout). Each
 * parses without an error, accounts for every line, and yields the ports counted by hand.
 */

const hasCorpus = existsSync(CORPUS);

interface CorpusCase {
  file: string;
  parser: FormatParser;
  /** recognised / ignored / reported */
  lines: [number, number, number];
}

const cases: CorpusCase[] = [
  { file: 'nmap-sV-server.xml', parser: nmapXml, lines: [14, 13, 0] },
  { file: 'nmap-udp-server.xml', parser: nmapXml, lines: [8, 19, 0] },
  { file: 'ss-tlnp.txt', parser: ssListing, lines: [6, 0, 0] },
  { file: 'ss-tulpn.txt', parser: ssListing, lines: [7, 0, 0] },
];

/** What a scan says about one port, in a line. */
function scanned(o: Observation): string {
  const service = [o.service, o.product, o.version].filter((x) => x !== undefined).join(' | ');
  return `${o.origin.line} ${o.host} ${o.protocol}/${o.port} ${o.state}${service ? ` [${service}]` : ''}`;
}

describeIf(hasCorpus, NO_CORPUS)('corpus: observed', () => {
  it('has a case for every file', () => {
    expect(cases.map((c) => c.file)).toEqual(readdirSync(CORPUS).sort());
  });

  for (const c of cases) {
    it(`${c.file}: no error, every line accounted for`, () => {
      const result = parseFile(c.parser, CORPUS, c.file);
      expectNoError(result);
      expectAccounted(result, splitLines(readFileSync(CORPUS + c.file, 'utf8')).length);
      expect([result.lines.recognised, result.lines.ignored, result.lines.reported]).toEqual(c.lines);
      expect(c.parser.detect({ path: c.file, text: readFileSync(CORPUS + c.file, 'utf8') })).toBeGreaterThanOrEqual(0.9);
    });
  }

  it('nmap-sV-server.xml: open 22, 23, 3389, 5432, 8080 with their -sV details; closed 21, 80, 443, 9999', () => {
    const result = parseFile(nmapXml, CORPUS, 'nmap-sV-server.xml');
    expect(codes(result)).toEqual([]);
    expect(result.observations!.map(scanned)).toEqual([
      '13 203.0.113.20 tcp/21 closed [ftp]',
      '14 203.0.113.20 tcp/22 open [ssh | OpenSSH | 9.2p1 Debian 2+deb12u3 (protocol 2.0)]',
      '15 203.0.113.20 tcp/23 open [telnet | Linux telnetd]',
      '16 203.0.113.20 tcp/80 closed [http]',
      '17 203.0.113.20 tcp/443 closed [https]',
      '18 203.0.113.20 tcp/3389 open [tcpwrapped]',
      '19 203.0.113.20 tcp/5432 open [tcpwrapped]',
      '20 203.0.113.20 tcp/8080 open [http | SimpleHTTPServer | 0.6 (Python 3.11.7)]',
      '21 203.0.113.20 tcp/9999 closed [abyss]',
    ]);
    // No -S in the command line: nmap did not record where it scanned from.
    expect(result.observations![1]).toEqual({
      host: '203.0.113.20', protocol: 'tcp', port: 22, state: 'open', method: 'scan', tool: 'nmap',
      service: 'ssh', product: 'OpenSSH', version: '9.2p1 Debian 2+deb12u3 (protocol 2.0)',
      origin: { file: 'nmap-sV-server.xml', line: 14 },
    });
  });

  it('nmap-udp-server.xml: the hosthint is skipped, 53 closed and 161 open|filtered', () => {
    const result = parseFile(nmapXml, CORPUS, 'nmap-udp-server.xml');
    expect(codes(result)).toEqual([]);
    expect(result.observations!.map(scanned)).toEqual([
      '20 203.0.113.20 udp/53 closed [domain]',
      '21 203.0.113.20 udp/161 open|filtered [snmp]',
    ]);
  });

  it('ss-tlnp.txt: five TCP listeners on every address, named after the file', () => {
    const result = parseFile(ssListing, CORPUS, 'ss-tlnp.txt');
    expect(codes(result)).toEqual([]);
    expect(rows(result)).toEqual([
      { line: 2, host: 'ss-tlnp', port: 'tcp/22', state: 'listening', bind: '0.0.0.0', process: 'python3 (pid 302)' },
      { line: 3, host: 'ss-tlnp', port: 'tcp/23', state: 'listening', bind: '0.0.0.0', process: 'python3 (pid 302)' },
      { line: 4, host: 'ss-tlnp', port: 'tcp/3389', state: 'listening', bind: '0.0.0.0', process: 'python3 (pid 302)' },
      { line: 5, host: 'ss-tlnp', port: 'tcp/5432', state: 'listening', bind: '0.0.0.0', process: 'python3 (pid 302)' },
      { line: 6, host: 'ss-tlnp', port: 'tcp/8080', state: 'listening', bind: '0.0.0.0', process: 'python3 (pid 303)' },
    ]);
    expect(result.observations!.every((o) => o.method === 'socket' && o.tool === 'ss')).toBe(true);
  });

  it('ss-tulpn.txt: the Netid column tells UDP from TCP', () => {
    const result = parseFile(ssListing, CORPUS, 'ss-tulpn.txt');
    expect(codes(result)).toEqual([]);
    expect(rows(result).map((r) => `${r.line} ${r.port} ${r.bind}`)).toEqual([
      '2 udp/161 0.0.0.0', '3 tcp/22 0.0.0.0', '4 tcp/23 0.0.0.0', '5 tcp/3389 0.0.0.0', '6 tcp/5432 0.0.0.0', '7 tcp/8080 0.0.0.0',
    ]);
  });
});
